import CZlib

/// Inflates a gzip stream (`.json.gz`, `.csv.gz`) read from another source, chunk by chunk in bounded memory.
/// Concatenated gzip members are read one after another, as `gzip -d` does.
public final class GzipByteSource: ByteSource {
    public let name: String
    private let inner: any ByteSource
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var inputEOF = false
    private var finished = false
    private var compressedOffset: Int64 = 0
    /// An error found after some bytes were produced: those are returned first, the error on the next call.
    private var pendingError: SourceFileError?

    /// A gzip decoder over `inner`.
    public init(_ inner: any ByteSource) throws {
        self.inner = inner
        name = inner.name
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: 256 << 10, alignment: 16)
        guard lodestar_inflateInit2(stream, 15 + 16) == Z_OK else {
            // deinit frees both buffers (inflateEnd refuses a stream whose init failed).
            throw SourceFileError(file: inner.name, offset: 0, message: "zlib initialisation failed")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if let e = pendingError { throw e }
        do {
            return try await inflateInto(buffer)
        } catch let e as SourceFileError {
            let produced = buffer.count - Int(stream.pointee.avail_out)
            guard produced > 0 else { throw e }
            pendingError = e
            return produced
        }
    }

    /// Reads the next compressed chunk into `input` (or notes the end of the inner stream).
    private func refill() async throws {
        let n = try await inner.read(into: input)
        if n == 0 {
            inputEOF = true
        } else {
            stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(n)
            compressedOffset += Int64(n)
        }
    }

    private func inflateInto(_ buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 && !inputEOF {
                try await refill()
            }
            let before = stream.pointee.avail_out
            let status = inflate(stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                // Another member may follow (concatenated gzip).
                if stream.pointee.avail_in == 0 && !inputEOF {
                    try await refill()
                }
                if stream.pointee.avail_in == 0 && inputEOF {
                    finished = true
                    break
                }
                inflateReset(stream)
                continue
            }
            if status == Z_BUF_ERROR && inputEOF && stream.pointee.avail_in == 0 {
                throw SourceFileError(
                    file: name, offset: compressedOffset, message: "gzip stream is truncated (ends inside a member)")
            }
            if status != Z_OK && status != Z_BUF_ERROR {
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw SourceFileError(
                    file: name, offset: compressedOffset - Int64(stream.pointee.avail_in),
                    message: "corrupt gzip data: \(detail)")
            }
            if status == Z_BUF_ERROR && before == stream.pointee.avail_out && inputEOF {
                throw SourceFileError(file: name, offset: compressedOffset, message: "gzip stream is truncated")
            }
        }
        return buffer.count - Int(stream.pointee.avail_out)
    }
}
