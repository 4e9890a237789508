/// Durations as job files write them: `90s`, `15m`, `2h`, `1d`, `1h30m`, `500ms`.
package enum DurationText {
    /// Parses `text`; `nil` when it is not a positive duration of at most a year.
    public static func parse(_ text: String) -> Duration? {
        let s = text.trimmingWhitespace().lowercased()
        guard !s.isEmpty, s.utf8.count <= 32 else { return nil }
        var total: Int64 = 0  // milliseconds
        var number: Int64 = 0
        var digits = 0
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c.isASCIIDigit {
                guard digits < 9 else { return nil }
                number = number * 10 + Int64(c.asciiValue! - 48)
                digits += 1
                i = s.index(after: i)
                continue
            }
            guard digits > 0 else { return nil }
            let unit: Int64
            if s[i...].hasPrefix("ms") { unit = 1; i = s.index(i, offsetBy: 2) } else {
                switch c {
                case "s": unit = 1000
                case "m": unit = 60_000
                case "h": unit = 3_600_000
                case "d": unit = 86_400_000
                default: return nil
                }
                i = s.index(after: i)
            }
            total += number * unit
            guard total <= 366 * 86_400_000 else { return nil }
            number = 0
            digits = 0
        }
        guard digits == 0, total > 0 else { return nil }
        return .milliseconds(total)
    }

    /// `2h`, `1h30m`, `45s`, `1.5s`: a short form for tables.
    public static func format(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        if ms < 60_000 {
            let s = Double(ms) / 1000
            return s == s.rounded() ? "\(Int(s))s" : "\(s)s"
        }
        var rest = ms / 1000
        var out = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
