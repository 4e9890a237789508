#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local file read with large sequential `read(2)` calls.
///
/// `read(2)` blocks, so the readers call it only on the reader threads (``EventBatches`` and ``CourseSource`` run
/// with those as their task executor), never on Swift's cooperative pool.
public final class FileByteSource: ByteSource {
    public let name: String
    private let fd: Int32

    /// Opens `path` for reading.
    public init(path: String) throws {
        name = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw SourceFileError(file: path, offset: nil, message: "cannot open: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw SourceFileError(file: name, offset: nil, message: "read failed: \(String(cString: strerror(errno)))")
        }
    }
}
