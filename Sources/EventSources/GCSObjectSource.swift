import Foundation
import GoogleCloud

/// A GCS object as a ``ByteSource``: the bytes of a `GCSObjectReader` (checked ranged reads, retried and resumed at
/// the offset already delivered). A read that fails for good becomes a ``SourceFileError`` at that offset.
final class GCSObjectSource: ByteSource {
    let name: String
    private let reader: GCSObjectReader
    private var pending = Data()
    private var pendingOffset = 0

    init(client: GCSClient, bucket: String, object: String, size: Int64?) {
        reader = client.reader(bucket: bucket, object: object, size: size)
        name = "gs://\(bucket)/\(object)"
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if pendingOffset >= pending.count {
            let chunk: Data?
            do {
                chunk = try await reader.next()
            } catch let e as GoogleCloudError {
                throw SourceFileError(file: name, offset: reader.offset, message: e.description)
            }
            guard let chunk, !chunk.isEmpty else { return 0 }
            pending = chunk
            pendingOffset = 0
        }
        let n = min(buffer.count, pending.count - pendingOffset)
        pending.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + pendingOffset, byteCount: n)
        }
        pendingOffset += n
        return n
    }
}
