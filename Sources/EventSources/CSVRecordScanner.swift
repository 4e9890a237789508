#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits RFC 4180 records (comma separated, `"`-quoted fields with `""` for a quote, CRLF or LF line ends,
/// newlines inside quoted fields) in place. Quoted fields with doubled quotes are unescaped into `scratch`.
/// Owns its buffers (non-copyable, freed in `deinit`).
struct CSVRecordScanner: ~Copyable {
    enum Outcome {
        /// A record of `fieldCount` fields ending `consumed` bytes in, spanning `newlines` line breaks.
        case record(consumed: Int, newlines: Int)
        /// The window ends inside the record: read more and scan again.
        case incomplete
        /// Not RFC 4180; `consumed` bytes (up to the end of the physical line) are to be dropped.
        case malformed(consumed: Int, message: String)
    }

    /// Field starts, lengths, and whether each was quoted, for the last record scanned (`fieldCount` of them).
    private(set) var starts: UnsafeMutablePointer<UnsafePointer<UInt8>?>
    private(set) var lengths: UnsafeMutablePointer<Int>
    private(set) var quoted: UnsafeMutablePointer<Bool>
    private var fieldCapacity = 64
    var fieldCount = 0
    var scratch: UnsafeMutablePointer<UInt8>
    var scratchCapacity: Int

    init() {
        scratchCapacity = 1 << 16
        scratch = .allocate(capacity: scratchCapacity)
        starts = .allocate(capacity: fieldCapacity)
        lengths = .allocate(capacity: fieldCapacity)
        quoted = .allocate(capacity: fieldCapacity)
    }

    deinit {
        scratch.deallocate()
        starts.deallocate()
        lengths.deallocate()
        quoted.deallocate()
    }

    /// The last record's fields in one read: start pointers, lengths, quoted flags and their count.
    var fields: (starts: UnsafePointer<UnsafePointer<UInt8>?>, lengths: UnsafePointer<Int>, quoted: UnsafePointer<Bool>, count: Int) {
        (UnsafePointer(starts), UnsafePointer(lengths), UnsafePointer(quoted), fieldCount)
    }

    /// Field `k` of the last record as text (for headers and the course reader).
    func text(_ k: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: starts[k], count: lengths[k]), as: UTF8.self)
    }

    @inline(__always)
    private mutating func setField(_ k: Int, _ s: UnsafePointer<UInt8>?, _ l: Int, _ q: Bool) {
        if k == fieldCapacity { growFields() }
        starts[k] = s
        lengths[k] = l
        quoted[k] = q
    }

    private mutating func growFields() {
        let n = fieldCapacity * 2
        let s = UnsafeMutablePointer<UnsafePointer<UInt8>?>.allocate(capacity: n)
        s.update(from: starts, count: fieldCapacity)
        starts.deallocate()
        starts = s
        let l = UnsafeMutablePointer<Int>.allocate(capacity: n)
        l.update(from: lengths, count: fieldCapacity)
        lengths.deallocate()
        lengths = l
        let q = UnsafeMutablePointer<Bool>.allocate(capacity: n)
        q.update(from: quoted, count: fieldCapacity)
        quoted.deallocate()
        quoted = q
        fieldCapacity = n
    }

    /// Index of the first `,`, LF or CR at or after `i` (or `n`), eight bytes at a time.
    @inline(__always)
    static func fieldEnd(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
        var i = from
        let raw = UnsafeRawPointer(p)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let a = w ^ (ones &* 0x2C)
            let b = w ^ (ones &* 0x0A)
            let c = w ^ (ones &* 0x0D)
            let hit = ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & highs
            if hit != 0 { break }
            i += 8
        }
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: ",") || c == 0x0a || c == 0x0d { return i }
            i += 1
        }
        return n
    }

    /// Scans one record at `p` (`avail` bytes; `atEOF` when no more will come).
    mutating func scan(_ p: UnsafePointer<UInt8>, _ avail: Int, atEOF: Bool) -> Outcome {
        if avail > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = avail
            scratch = .allocate(capacity: avail)
        }
        var scratchUsed = 0
        var i = 0
        var k = 0
        var newlines = 0
        while true {
            if i < avail && p[i] == UInt8(ascii: "\"") {
                i += 1
                let start = i
                var escaped = false
                var end = -1
                while true {
                    guard let q = memchr(p + i, 0x22, avail - i) else {
                        return atEOF ? malformedToLineEnd(p, avail, "unterminated quoted field") : .incomplete
                    }
                    let j = UnsafeRawPointer(q) - UnsafeRawPointer(p)
                    if j + 1 < avail && p[j + 1] == UInt8(ascii: "\"") {
                        escaped = true
                        i = j + 2
                        continue
                    }
                    if j + 1 == avail && !atEOF { return .incomplete }
                    end = j
                    i = j + 1
                    break
                }
                var nl = memchr(p + start, 0x0a, end - start)
                while let found = nl {
                    newlines += 1
                    let off = UnsafeRawPointer(found) - UnsafeRawPointer(p) + 1
                    nl = memchr(p + off, 0x0a, end - off)
                }
                if escaped {
                    let out = scratch + scratchUsed
                    var o = 0
                    var s = start
                    while s < end {
                        out[o] = p[s]
                        o += 1
                        s += p[s] == UInt8(ascii: "\"") ? 2 : 1
                    }
                    setField(k, UnsafePointer(out), o, true)
                    scratchUsed += o
                } else {
                    setField(k, p + start, end - start, true)
                }
                k += 1
                if i == avail {
                    // atEOF here (otherwise .incomplete above)
                    fieldCount = k
                    return .record(consumed: i, newlines: newlines)
                }
                let c = p[i]
                if c == UInt8(ascii: ",") {
                    i += 1
                    if i == avail && !atEOF { return .incomplete }
                    continue
                }
                if c == 0x0a {
                    fieldCount = k
                    return .record(consumed: i + 1, newlines: newlines)
                }
                if c == 0x0d {
                    if i + 1 == avail && !atEOF { return .incomplete }
                    if i + 1 == avail || p[i + 1] == 0x0a {
                        fieldCount = k
                        return .record(consumed: min(i + 2, avail), newlines: newlines)
                    }
                }
                return malformedToLineEnd(p, avail, "text after a closing quote", from: i)
            }
            // Unquoted field.
            let start = i
            i = Self.fieldEnd(p, i, avail)
            if i == avail {
                guard atEOF else { return .incomplete }
                setField(k, p + start, i - start, false)
                k += 1
                fieldCount = k
                return .record(consumed: i, newlines: newlines)
            }
            setField(k, p + start, i - start, false)
            k += 1
            let c = p[i]
            if c == UInt8(ascii: ",") {
                i += 1
                if i == avail && !atEOF { return .incomplete }
                continue
            }
            if c == 0x0a {
                fieldCount = k
                return .record(consumed: i + 1, newlines: newlines)
            }
            // CR
            if i + 1 == avail && !atEOF { return .incomplete }
            fieldCount = k
            return .record(consumed: (i + 1 < avail && p[i + 1] == 0x0a) ? i + 2 : i + 1, newlines: newlines)
        }
    }

    private func malformedToLineEnd(_ p: UnsafePointer<UInt8>, _ avail: Int, _ message: String, from: Int = 0)
        -> Outcome
    {
        if let nl = memchr(p + from, 0x0a, avail - from) {
            return .malformed(consumed: UnsafeRawPointer(nl) - UnsafeRawPointer(p) + 1, message: message)
        }
        return .malformed(consumed: avail, message: message)
    }
}
