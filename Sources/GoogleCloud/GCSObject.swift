/// An object as listed or described by the GCS JSON API.
public struct GCSObject: Sendable, Hashable {
    /// The object's name (its path in the bucket).
    public let name: String
    /// Its size in bytes, when the server said.
    public let size: Int64?
    /// Its generation, when the server said: reads pinned to it fail instead of mixing two versions of an object.
    public let generation: String?

    /// An object.
    public init(name: String, size: Int64?, generation: String? = nil) {
        self.name = name
        self.size = size
        self.generation = generation
    }
}
