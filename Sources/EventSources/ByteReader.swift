#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable window over a ``ByteSource``: decoders look at `available` bytes in place and `consume` what they used.
/// The window grows only as far as one record needs (bounded by `limit`), so memory stays flat as files grow.
final class ByteReader {
    let source: any ByteSource
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// Offset of the first unconsumed byte inside the window.
    private(set) var start = 0
    /// Offset one past the last valid byte inside the window.
    private(set) var end = 0
    /// Whether the source reported its end.
    private(set) var atEOF = false
    /// Absolute stream offset of `base[0]`.
    private(set) var windowOffset: Int64 = 0
    let limit: Int
    let chunk: Int
    /// The read size now: starts at 64 KiB and doubles up to `chunk`, so small files cost small buffers.
    private var step: Int

    init(source: any ByteSource, chunk: Int = 1 << 20, limit: Int = 64 << 20) {
        self.source = source
        self.chunk = chunk
        step = min(chunk, 64 << 10)
        self.limit = limit
        capacity = step + 8
        base = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Bytes available without reading.
    var available: Int { end - start }
    /// Pointer to the first unconsumed byte.
    var current: UnsafeRawPointer { UnsafeRawPointer(base + start) }
    /// Absolute stream offset of the first unconsumed byte.
    var offset: Int64 { windowOffset + Int64(start) }

    func consume(_ n: Int) { start += n }

    /// Reads more bytes: afterwards `available` is at least `minimum` or the source is at its end.
    /// Returns false when nothing new could be read (end of stream). Throws when `minimum` exceeds `limit`.
    @discardableResult
    func fill(minimum: Int = 1) async throws -> Bool {
        if minimum > limit {
            throw SourceFileError(
                file: source.name, offset: offset, message: "a record needs \(minimum) bytes, over the \(limit) limit")
        }
        var grew = false
        while available < minimum || !grew {
            if atEOF { return grew }
            // Compact, then make room for one more chunk.
            if start > 0 {
                if available > 0 { memmove(base, base + start, available) }
                windowOffset += Int64(start)
                end -= start
                start = 0
            }
            let want = max(minimum, end + step)
            step = min(step * 2, chunk)
            if want + 8 > capacity {
                let newCap = min(max(capacity * 2, want + 8), limit + chunk + 8)
                let nb = UnsafeMutableRawPointer.allocate(byteCount: newCap, alignment: 16)
                if end > 0 { memcpy(nb, base, end) }
                base.deallocate()
                base = nb
                capacity = newCap
            }
            let room = capacity - 8 - end
            guard room > 0 else {
                throw SourceFileError(
                    file: source.name, offset: offset, message: "a record is longer than the \(limit)-byte limit")
            }
            let n = try await source.read(into: UnsafeMutableRawBufferPointer(start: base + end, count: room))
            if n == 0 {
                atEOF = true
            } else {
                end += n
                grew = true
            }
        }
        return grew
    }

    /// Shrinks the window back to one chunk when a long record made it grow (keeps RSS flat).
    func shrinkIfLarge() {
        guard capacity > 4 * (chunk + 8), available <= chunk else { return }
        let nb = UnsafeMutableRawPointer.allocate(byteCount: chunk + 8, alignment: 16)
        if available > 0 { memcpy(nb, base + start, available) }
        windowOffset += Int64(start)
        end = available
        start = 0
        base.deallocate()
        base = nb
        capacity = chunk + 8
    }
}
