/// Number parsing from bytes, without building a `String` on the common path.
public enum NumberParsing {
    /// A base-10 `Int64` (optional leading `-`, digits only), nil on anything else or on overflow.
    @inlinable @inline(__always)
    public static func int64(_ b: UnsafeRawBufferPointer) -> Int64? {
        let n = b.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
            guard n > 1 else { return nil }
        }
        var v: Int64 = 0
        while i < n {
            let d = Int64(b[i]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            guard !o1 && !o2 else { return nil }
            v = s
            i += 1
        }
        return v
    }

    private static let pow10: [Double] = (0...22).map { e in
        var x = 1.0
        for _ in 0..<e { x *= 10 }
        return x
    }

    /// A decimal floating-point number (JSON grammar, plus `NaN`, `Infinity`, `-Infinity`, `inf`, `-inf` as
    /// BigQuery writes non-finite FLOAT64 values), nil on anything else. Correctly rounded: a fast exact path for
    /// short numbers, the standard library's parser otherwise.
    public static func double(_ b: UnsafeRawBufferPointer) -> Double? {
        let n = b.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        } else if b[0] == UInt8(ascii: "+") {
            i = 1
        }
        guard i < n else { return nil }
        let first = b[i]
        if first == UInt8(ascii: "N") || first == UInt8(ascii: "I") || first == UInt8(ascii: "i") {
            let word = String(decoding: UnsafeRawBufferPointer(rebasing: b[i...]), as: UTF8.self)
            switch word {
            case "NaN" where !negative: return .nan
            case "Infinity", "inf", "Inf": return negative ? -.infinity : .infinity
            default: return nil
            }
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exp10 = 0
        var sawDigit = false
        while i < n, b[i] >= 48, b[i] <= 57 {
            if digits < 19 { mantissa = mantissa * 10 + UInt64(b[i] - 48); if mantissa > 0 { digits += 1 } } else { exp10 += 1 }
            sawDigit = true
            i += 1
        }
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            var fracDigits = false
            while i < n, b[i] >= 48, b[i] <= 57 {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(b[i] - 48); exp10 -= 1; if mantissa > 0 { digits += 1 } }
                fracDigits = true
                i += 1
            }
            guard fracDigits else { return nil }
            sawDigit = true
        }
        guard sawDigit else { return nil }
        var exponentPart = 0
        if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            var eneg = false
            if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
                eneg = b[i] == UInt8(ascii: "-")
                i += 1
            }
            var sawE = false
            while i < n, b[i] >= 48, b[i] <= 57 {
                if exponentPart < 100_000 { exponentPart = exponentPart * 10 + Int(b[i] - 48) }
                sawE = true
                i += 1
            }
            guard sawE else { return nil }
            if eneg { exponentPart = -exponentPart }
        }
        guard i == n else { return nil }
        let e = exp10 + exponentPart
        if digits <= 15 && mantissa < (1 << 53) && e >= -22 && e <= 22 {
            var v = Double(mantissa)
            if e < 0 { v /= pow10[-e] } else { v *= pow10[e] }
            return negative ? -v : v
        }
        return Double(String(decoding: b, as: UTF8.self))
    }
}
