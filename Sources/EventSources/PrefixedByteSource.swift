#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replays bytes already read (to check magic bytes) before the rest of another source.
final class PrefixedByteSource: ByteSource {
    let name: String
    private var prefix: [UInt8]
    private let inner: any ByteSource

    init(prefix: [UInt8], inner: any ByteSource) {
        self.prefix = prefix
        self.inner = inner
        name = inner.name
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if !prefix.isEmpty {
            let n = min(prefix.count, buffer.count)
            prefix.withUnsafeBytes { _ = memcpy(buffer.baseAddress!, $0.baseAddress!, n) }
            prefix.removeFirst(n)
            return n
        }
        return try await inner.read(into: buffer)
    }

    /// Reads up to `count` bytes from the start of `source` and returns them with a source that still yields them.
    static func peek(_ source: any ByteSource, count: Int) async throws -> ([UInt8], any ByteSource) {
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buf.deallocate() }
        var got = 0
        while got < count {
            let n = try await source.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[got...]))
            if n == 0 { break }
            got += n
        }
        let head = Array(buf[..<got])
        return (head, PrefixedByteSource(prefix: head, inner: source))
    }
}
