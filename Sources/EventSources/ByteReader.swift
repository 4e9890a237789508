#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable window over a ``ByteSource``: decoders look at `available` bytes in place and `consume` what they used.
/// The window grows only as far as one record needs (bounded by `limit`), so memory stays flat as files grow.
final class ByteReader {
    let source: any ByteSource
    /// The mutable state in one struct: a decoder's per-record look at the window is one exclusive access.
    private var state: State
    let limit: Int
    let chunk: Int

    struct State {
        var base: UnsafeMutableRawPointer
        var capacity: Int
        /// Offset of the first unconsumed byte inside the window.
        var start = 0
        /// Offset one past the last valid byte inside the window.
        var end = 0
        /// Whether the source reported its end.
        var atEOF = false
        /// Absolute stream offset of `base[0]`.
        var windowOffset: Int64 = 0
        /// The read size now: starts at 64 KiB and doubles up to `chunk`, so small files cost small buffers.
        var step: Int
    }

    /// What a decoder looks at: the unconsumed bytes and whether more can come.
    struct View {
        let current: UnsafePointer<UInt8>
        let available: Int
        let atEOF: Bool
    }

    init(source: any ByteSource, chunk: Int = 1 << 20, limit: Int = 64 << 20) {
        self.source = source
        self.chunk = chunk
        self.limit = limit
        let step = min(chunk, 64 << 10)
        state = State(base: .allocate(byteCount: step + 8, alignment: 16), capacity: step + 8, step: step)
    }

    deinit { state.base.deallocate() }

    /// The window in one read.
    @inline(__always)
    var view: View {
        let s = state
        return View(current: UnsafePointer((s.base + s.start).assumingMemoryBound(to: UInt8.self)),
                    available: s.end - s.start, atEOF: s.atEOF)
    }

    /// Bytes available without reading.
    var available: Int { view.available }
    /// Pointer to the first unconsumed byte.
    var current: UnsafeRawPointer { UnsafeRawPointer(view.current) }
    /// Whether the source reported its end.
    var atEOF: Bool { state.atEOF }
    /// Absolute stream offset of the first unconsumed byte.
    var offset: Int64 {
        let s = state
        return s.windowOffset + Int64(s.start)
    }

    func consume(_ n: Int) { state.start += n }

    /// Reads more bytes: afterwards `available` is at least `minimum` or the source is at its end.
    /// Returns false when nothing new could be read (end of stream). Throws when `minimum` exceeds `limit`.
    @discardableResult
    func fill(minimum: Int = 1) async throws -> Bool {
        if minimum > limit {
            throw SourceFileError(
                file: source.name, offset: offset, message: "a record needs \(minimum) bytes, over the \(limit) limit")
        }
        var grew = false
        var s = state
        defer { state = s }
        while (s.end - s.start) < minimum || !grew {
            if s.atEOF { return grew }
            // Compact, then make room for one more chunk.
            if s.start > 0 {
                if s.end - s.start > 0 { memmove(s.base, s.base + s.start, s.end - s.start) }
                s.windowOffset += Int64(s.start)
                s.end -= s.start
                s.start = 0
            }
            let want = max(minimum, s.end + s.step)
            s.step = min(s.step * 2, chunk)
            if want + 8 > s.capacity {
                let newCap = min(max(s.capacity * 2, want + 8), limit + chunk + 8)
                let nb = UnsafeMutableRawPointer.allocate(byteCount: newCap, alignment: 16)
                if s.end > 0 { memcpy(nb, s.base, s.end) }
                s.base.deallocate()
                s.base = nb
                s.capacity = newCap
            }
            let room = s.capacity - 8 - s.end
            guard room > 0 else {
                throw SourceFileError(
                    file: source.name, offset: s.windowOffset + Int64(s.start), message: "a record is longer than the \(limit)-byte limit")
            }
            let n = try await source.read(into: UnsafeMutableRawBufferPointer(start: s.base + s.end, count: room))
            if n == 0 {
                s.atEOF = true
            } else {
                s.end += n
                grew = true
            }
        }
        return grew
    }

    /// Shrinks the window back to one chunk when a long record made it grow (keeps RSS flat).
    func shrinkIfLarge() {
        var s = state
        let available = s.end - s.start
        guard s.capacity > 4 * (chunk + 8), available <= chunk else { return }
        let nb = UnsafeMutableRawPointer.allocate(byteCount: chunk + 8, alignment: 16)
        if available > 0 { memcpy(nb, s.base + s.start, available) }
        s.windowOffset += Int64(s.start)
        s.end = available
        s.start = 0
        s.base.deallocate()
        s.base = nb
        s.capacity = chunk + 8
        state = s
    }
}
