import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written in large chunks, optionally gzip-compressed on the way.
final class OutputFile {
    let path: String
    private let fd: Int32
    private var zs: UnsafeMutablePointer<z_stream>?
    private var zbuf = [UInt8](repeating: 0, count: 1 << 18)

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    init(path: String, gzip: Bool) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw Failure(message: "\(path): cannot create: \(String(cString: strerror(errno)))") }
        if gzip {
            let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            s.initialize(to: z_stream())
            guard lodestar_deflateInit2(s, 6, 15 + 16) == Z_OK else { throw Failure(message: "zlib init failed") }
            zs = s
        }
    }

    deinit {
        if let zs {
            deflateEnd(zs)
            zs.deallocate()
        }
        close(fd)
    }

    private func rawWrite(_ p: UnsafeRawPointer, _ n: Int) throws {
        var off = 0
        while off < n {
            let w = Glibc.write(fd, p + off, n - off)
            if w < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "\(path): write failed: \(String(cString: strerror(errno)))")
            }
            off += w
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ b: UnsafeRawBufferPointer) throws {
        guard b.count > 0 else { return }
        guard let zs else { return try rawWrite(b.baseAddress!, b.count) }
        zs.pointee.next_in = UnsafeMutablePointer(mutating: b.baseAddress!.assumingMemoryBound(to: Bytef.self))
        zs.pointee.avail_in = uInt(b.count)
        try pump(Z_NO_FLUSH)
    }

    private func pump(_ flush: Int32) throws {
        guard let zs else { return }
        let cap = zbuf.count
        while true {
            let (status, produced) = zbuf.withUnsafeMutableBytes { out -> (Int32, Int) in
                zs.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                zs.pointee.avail_out = uInt(cap)
                let st = deflate(zs, flush)
                return (st, cap - Int(zs.pointee.avail_out))
            }
            if produced > 0 { try zbuf.withUnsafeBytes { try rawWrite($0.baseAddress!, produced) } }
            if flush == Z_FINISH {
                if status == Z_STREAM_END { return }
                guard status == Z_OK || status == Z_BUF_ERROR else { throw Failure(message: "deflate failed") }
            } else if zs.pointee.avail_in == 0 && produced < cap {
                return
            }
        }
    }

    func finish() throws { try pump(Z_FINISH) }
}
