public import Foundation

/// Streams one GCS object in order, one ranged read (``GCSClient/rangeSize`` bytes) at a time, so memory stays
/// bounded by one range. Each range is checked (``GCSClient/read(bucket:object:range:expectedSize:generation:)``);
/// a transient failure is retried at the same offset, and after an error a further ``next()`` resumes from the byte
/// offset already delivered (``offset``), never from the start.
///
/// Single consumer: one task owns a reader.
public final class GCSObjectReader {
    /// The client.
    public let client: GCSClient
    public let bucket: String
    public let object: String
    /// The object's size (fetched with its metadata before the first range when not given).
    public private(set) var size: Int64?
    /// The generation reads are pinned to.
    public private(set) var generation: String?
    /// Bytes delivered so far: where the next range starts.
    public private(set) var offset: Int64 = 0

    init(client: GCSClient, bucket: String, object: String, size: Int64?, generation: String?) {
        self.client = client
        self.bucket = bucket
        self.object = object
        self.size = size
        self.generation = generation
    }

    /// The next bytes of the object, or nil at its end.
    public func next() async throws -> Data? {
        if size == nil {
            let meta = try await client.object(bucket: bucket, name: object)
            size = meta.size
            if generation == nil { generation = meta.generation }
        }
        guard let size, offset < size else { return nil }
        let upper = offset + min(Int64(client.rangeSize), size - offset)
        let data = try await client.read(bucket: bucket, object: object, range: offset..<upper, expectedSize: size,
                                         generation: generation)
        offset = upper
        return data
    }
}
