#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Line handling shared by the NDJSON events decoder and the course reader.
enum NDJSONLines {
    /// Whether the `n` bytes at `p` are only spaces and tabs.
    @inline(__always)
    static func isBlank(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for k in 0..<n where p[k] != 0x20 && p[k] != 0x09 { return false }
        return true
    }

    /// Whether any of the `n` bytes at `p` has its high bit set (then the line must be checked as UTF-8).
    @inline(__always)
    static func hasHighBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        let raw = UnsafeRawPointer(p)
        var acc: UInt64 = 0
        while i + 8 <= n {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n {
            acc |= UInt64(p[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 != 0
    }

    /// Consumes bytes up to and including the next newline (or to the end of the stream); returns false when the
    /// stream ended before a newline (the line skipped was the last one and had no line break: see
    /// ``SourceFileError/truncatedLastLine(file:offset:line:reason:)``).
    @discardableResult
    static func skipLine(_ reader: ByteReader) async throws -> Bool {
        while true {
            let avail = reader.available
            if avail > 0, let nl = memchr(reader.current, 0x0a, avail) {
                reader.consume(UnsafeRawPointer(nl) - reader.current + 1)
                reader.shrinkIfLarge()
                return true
            }
            reader.consume(avail)
            if reader.atEOF { return false }
            try await reader.fill()
        }
    }

    /// Lines looked at for the first JSON object.
    static let headLines = 100

    /// The keys of the first JSON object among the first ``headLines`` lines, read without consuming anything; nil
    /// when there is none (an empty stream, lines that are not JSON objects, a line longer than `maxLine`).
    static func firstObjectKeys(_ reader: ByteReader, maxLine: Int) async throws -> [String]? {
        var from = 0
        var lines = 0
        while lines < headLines {
            let avail = reader.available
            let p = reader.current.assumingMemoryBound(to: UInt8.self) + from
            if from < avail, let nl = memchr(p, 0x0a, avail - from) {
                let len = UnsafeRawPointer(nl) - UnsafeRawPointer(p)
                let l = len > 0 && p[len - 1] == 0x0d ? len - 1 : len
                from += len + 1
                lines += 1
                if !isBlank(p, l), let names = keys(p, l) { return names }
                continue
            }
            if reader.atEOF { return from < avail ? keys(p, avail - from) : nil }
            if avail >= maxLine { return nil }
            try await reader.fill(minimum: avail + 1)
        }
        return nil
    }

    private static func keys(_ p: UnsafePointer<UInt8>, _ n: Int) -> [String]? {
        let scratch = ScratchBuffer(capacity: n)
        var scanner = JSONScanner(p, n, scratch: scratch.pointer)
        var names: [String] = []
        do {
            try scanner.scanObject(
                slotOf: { kp, kl in
                    names.append(String(decoding: UnsafeRawBufferPointer(start: kp, count: kl), as: UTF8.self))
                    return -1
                },
                store: { _, _ in })
        } catch {
            return nil
        }
        return names
    }
}
