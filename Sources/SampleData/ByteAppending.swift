/// Small helpers the text writers use to build rows as bytes.
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func append(string s: String) {
        var s = s
        s.withUTF8 { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func append(int v: Int64) {
        if v == 0 {
            append(48)
            return
        }
        var x = v.magnitude
        if v < 0 { append(UInt8(ascii: "-")) }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        Swift.withUnsafeMutableBytes(of: &tmp) { t in
            while x > 0 {
                t[n] = UInt8(48 + x % 10)
                x /= 10
                n += 1
            }
            for k in stride(from: n - 1, through: 0, by: -1) { append(t[k]) }
        }
    }

    /// A JSON string of plain identifier text (the generator's ids need no escaping).
    @inline(__always)
    mutating func append(quoted s: String) {
        append(UInt8(ascii: "\""))
        append(string: s)
        append(UInt8(ascii: "\""))
    }

    /// A score with 4 decimals (enough for a quiz score; exactly what the reader gets back).
    @inline(__always)
    mutating func append(score: Double) {
        let scaled = Int64((score * 10_000).rounded())
        append(int: scaled / 10_000)
        append(UInt8(ascii: "."))
        let frac = scaled % 10_000
        var div: Int64 = 1000
        while div > 0 {
            append(UInt8(48 + (frac / div) % 10))
            div /= 10
        }
    }
}
