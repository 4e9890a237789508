/// A Pub/Sub topic (`projects/P/topics/T`).
public struct PubSubTopic: Sendable, Hashable {
    /// The full resource name.
    public let name: String

    /// A topic named `name` (full resource name).
    public init(name: String) { self.name = name }
}
