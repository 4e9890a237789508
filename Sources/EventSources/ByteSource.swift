/// A stream of bytes a reader decodes: a local file, a gzip stream over another source, or a GCS object.
///
/// Sources are single-consumer objects (one reader task owns each); `read(into:)` returns 0 at the end.
public protocol ByteSource: AnyObject {
    /// A name for errors and quarantine records (path or `gs://` URL).
    var name: String { get }
    /// Reads up to `buffer.count` bytes into `buffer`; returns how many, 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int
}

/// An error reading or decoding one file. The file stops there; rows read before are kept and other files continue.
public struct SourceFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file or object (`path` or `gs://bucket/object`).
    public let file: String
    /// Byte offset in the (decompressed) stream where the problem was found, when known.
    public let offset: Int64?
    /// What went wrong.
    public let message: String

    /// An error for `file` at `offset`.
    public init(file: String, offset: Int64?, message: String) {
        self.file = file
        self.offset = offset
        self.message = message
    }

    public var description: String {
        if let offset { return "\(file): at byte offset \(offset): \(message)" }
        return "\(file): \(message)"
    }
}
