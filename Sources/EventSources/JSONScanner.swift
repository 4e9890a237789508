import LearningEvents

/// A strict, allocation-free JSON scanner for one NDJSON line: finds the top-level keys and hands the known ones'
/// values to a callback as ``FieldInput``s pointing into the line (or into `scratch` when a string has escapes).
/// Everything else is checked for well-formedness and skipped. Errors carry the column.
struct JSONScanner {
    struct Failure: Error {
        let column: Int
        let message: String
    }

    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    /// Where unescaped strings go; at least `n` bytes.
    let scratch: UnsafeMutablePointer<UInt8>
    var scratchUsed = 0
    static let maxDepth = 128

    init(_ p: UnsafePointer<UInt8>, _ n: Int, scratch: UnsafeMutablePointer<UInt8>) {
        self.p = p
        self.n = n
        self.scratch = scratch
    }

    @inline(__always)
    func fail(_ message: String) -> Failure { Failure(column: i + 1, message: message) }

    @inline(__always)
    mutating func skipWS() {
        while i < n {
            let c = p[i]
            if c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0a { i += 1 } else { break }
        }
    }

    /// Scans the object; `slotOf(key)` maps a key to a slot (or -1); `store(slot, value)` receives known values.
    /// With `storeItem`, an array value of a known key is read item by item (`storeItem(slot, item)`; nested
    /// arrays and objects arrive as `.other`) before `store` receives the array itself as `.other` with `int` 1.
    mutating func scanObject(
        slotOf: (UnsafeRawPointer, Int) -> Int, store: (Int, FieldInput) -> Void,
        storeItem: ((Int, FieldInput) -> Void)? = nil
    ) throws(Failure) {
        skipWS()
        guard i < n, p[i] == UInt8(ascii: "{") else { throw fail("expected a JSON object ('{')") }
        i += 1
        skipWS()
        if i < n, p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard i < n, p[i] == UInt8(ascii: "\"") else { throw fail("expected a key string") }
                let key = try scanString()
                skipWS()
                guard i < n, p[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                i += 1
                skipWS()
                let slot = slotOf(UnsafeRawPointer(key.ptr!), key.len)
                if slot >= 0 {
                    if let storeItem, i < n, p[i] == UInt8(ascii: "[") {
                        try scanArray { storeItem(slot, $0) }
                        var v = FieldInput()
                        v.kind = .other
                        v.int = 1  // marks an array read item by item
                        store(slot, v)
                    } else {
                        store(slot, try scanValue())
                    }
                } else {
                    try skipValue(depth: 1)
                }
                skipWS()
                guard i < n else { throw fail("unterminated object") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    skipWS()
                    continue
                }
                if p[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                throw fail("expected ',' or '}'")
            }
        }
        skipWS()
        guard i == n else { throw fail("unexpected text after the object") }
    }

    /// A value for a known field.
    mutating func scanValue() throws(Failure) -> FieldInput {
        guard i < n else { throw fail("missing value") }
        var v = FieldInput()
        switch p[i] {
        case UInt8(ascii: "\""):
            let s = try scanString()
            v.kind = .text
            v.ptr = UnsafeRawPointer(s.ptr)
            v.len = s.len
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = i
            try scanNumber()
            v.kind = .number
            v.ptr = UnsafeRawPointer(p + start)
            v.len = i - start
        case UInt8(ascii: "t"):
            try literal("true")
            v.kind = .bool
            v.int = 1
        case UInt8(ascii: "f"):
            try literal("false")
            v.kind = .bool
        case UInt8(ascii: "n"):
            try literal("null")
            v.kind = .null
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipValue(depth: 1)
            v.kind = .other
        default:
            throw fail("invalid JSON value (NaN, Infinity and bare words are not JSON)")
        }
        return v
    }

    /// Scans an array at `i`, handing each item (as ``scanValue()`` reads it) to `each`.
    mutating func scanArray(_ each: (FieldInput) -> Void) throws(Failure) {
        i += 1
        skipWS()
        if i < n, p[i] == UInt8(ascii: "]") {
            i += 1
            return
        }
        while true {
            skipWS()
            each(try scanValue())
            skipWS()
            guard i < n else { throw fail("unterminated array") }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if p[i] == UInt8(ascii: "]") {
                i += 1
                return
            }
            throw fail("expected ',' or ']'")
        }
    }

    /// Scans `text` as one JSON array of scalars (a CSV cell holding `["a","b"]`), handing items to `each`;
    /// throws when it is anything else.
    static func scanArrayText(_ text: UnsafeRawBufferPointer, scratch: UnsafeMutablePointer<UInt8>, _ each: (FieldInput) -> Void)
        throws(Failure)
    {
        guard let base = text.baseAddress, text.count > 0 else { throw Failure(column: 1, message: "empty") }
        var s = JSONScanner(base.assumingMemoryBound(to: UInt8.self), text.count, scratch: scratch)
        s.skipWS()
        guard s.i < s.n, s.p[s.i] == UInt8(ascii: "[") else { throw s.fail("expected a JSON array ('[')") }
        try s.scanArray(each)
        s.skipWS()
        guard s.i == s.n else { throw s.fail("unexpected text after the array") }
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let len = word.utf8CodeUnitCount
        guard n - i >= len else { throw fail("invalid literal") }
        for k in 0..<len where p[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
        i += len
    }

    mutating func scanNumber() throws(Failure) {
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { throw fail("invalid number") }
        if p[i] == UInt8(ascii: "0") {
            i += 1
        } else if p[i] >= 0x31 && p[i] <= 0x39 {
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        } else {
            throw fail("invalid number")
        }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            let s = i
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
            guard i > s else { throw fail("invalid number") }
        }
        if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            let s = i
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
            guard i > s else { throw fail("invalid number") }
        }
    }

    /// Scans a string starting at the opening quote; returns its unescaped bytes.
    mutating func scanString() throws(Failure) -> (ptr: UnsafePointer<UInt8>?, len: Int) {
        i += 1
        let start = i
        // Eight bytes at a time while none is a quote, a backslash or a control character.
        let raw = UnsafeRawPointer(p)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let q = w ^ (ones &* 0x22)
            let b = w ^ (ones &* 0x5C)
            let hit = ((q &- ones) & ~q | (b &- ones) & ~b | (w &- ones &* 0x20) & ~w) & highs
            if hit != 0 { break }
            i += 8
        }
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let r = (UnsafePointer(p + start), i - start)
                i += 1
                return r
            }
            if c == UInt8(ascii: "\\") { return try scanEscapedString(from: start) }
            if c < 0x20 { throw fail("control character in a string") }
            i += 1
        }
        throw fail("unterminated string")
    }

    private mutating func scanEscapedString(from start: Int) throws(Failure) -> (ptr: UnsafePointer<UInt8>?, len: Int) {
        let out = scratch + scratchUsed
        var o = 0
        for k in start..<i { out[o] = p[k]; o += 1 }
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                scratchUsed += o
                return (UnsafePointer(out), o)
            }
            if c < 0x20 { throw fail("control character in a string") }
            if c != UInt8(ascii: "\\") {
                out[o] = c
                o += 1
                i += 1
                continue
            }
            i += 1
            guard i < n else { break }
            let e = p[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out[o] = e; o += 1
            case UInt8(ascii: "b"): out[o] = 0x08; o += 1
            case UInt8(ascii: "f"): out[o] = 0x0c; o += 1
            case UInt8(ascii: "n"): out[o] = 0x0a; o += 1
            case UInt8(ascii: "r"): out[o] = 0x0d; o += 1
            case UInt8(ascii: "t"): out[o] = 0x09; o += 1
            case UInt8(ascii: "u"):
                var cp = try hex4()
                if cp >= 0xD800 && cp < 0xDC00 {
                    guard n - i >= 6, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    i += 2
                    let lo = try hex4()
                    guard lo >= 0xDC00 && lo < 0xE000 else { throw fail("unpaired surrogate in \\u escape") }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                } else if cp >= 0xDC00 && cp < 0xE000 {
                    throw fail("unpaired surrogate in \\u escape")
                }
                // \uXXXX is 6 input bytes; its UTF-8 is at most 4 (a pair: 12 in, 4 out), so `out` never overtakes.
                if cp < 0x80 {
                    out[o] = UInt8(cp); o += 1
                } else if cp < 0x800 {
                    out[o] = UInt8(0xC0 | (cp >> 6)); out[o + 1] = UInt8(0x80 | (cp & 0x3F)); o += 2
                } else if cp < 0x10000 {
                    out[o] = UInt8(0xE0 | (cp >> 12)); out[o + 1] = UInt8(0x80 | ((cp >> 6) & 0x3F))
                    out[o + 2] = UInt8(0x80 | (cp & 0x3F)); o += 3
                } else {
                    out[o] = UInt8(0xF0 | (cp >> 18)); out[o + 1] = UInt8(0x80 | ((cp >> 12) & 0x3F))
                    out[o + 2] = UInt8(0x80 | ((cp >> 6) & 0x3F)); out[o + 3] = UInt8(0x80 | (cp & 0x3F)); o += 4
                }
            default: throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard n - i >= 4 else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = p[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            default: throw fail("bad hex digit in \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// Checks and skips any value (nested objects and arrays up to ``maxDepth``).
    mutating func skipValue(depth: Int) throws(Failure) {
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
        guard i < n else { throw fail("missing value") }
        switch p[i] {
        case UInt8(ascii: "\""):
            // Skip without unescaping (scratch is only for known fields).
            i += 1
            while i < n {
                let c = p[i]
                if c == UInt8(ascii: "\"") { i += 1; return }
                if c == UInt8(ascii: "\\") { i += 2; continue }
                if c < 0x20 { throw fail("control character in a string") }
                i += 1
            }
            throw fail("unterminated string")
        case UInt8(ascii: "{"):
            i += 1
            skipWS()
            if i < n, p[i] == UInt8(ascii: "}") { i += 1; return }
            while true {
                skipWS()
                guard i < n, p[i] == UInt8(ascii: "\"") else { throw fail("expected a key string") }
                try skipValue(depth: depth + 1)
                skipWS()
                guard i < n, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipWS()
                try skipValue(depth: depth + 1)
                skipWS()
                guard i < n else { throw fail("unterminated object") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; return }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            skipWS()
            if i < n, p[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                skipWS()
                try skipValue(depth: depth + 1)
                skipWS()
                guard i < n else { throw fail("unterminated array") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "]") { i += 1; return }
                throw fail("expected ',' or ']'")
            }
        default:
            _ = try scanValue()
        }
    }
}
