/// Timestamps as microseconds since 1970-01-01T00:00:00Z (`Int64`), the unit of Avro's `timestamp-micros` and of
/// BigQuery's TIMESTAMP. Parsing and formatting work on bytes, without Foundation's formatters.
///
/// Accepted text forms:
/// - RFC 3339: `2026-03-01T09:30:00Z`, `2026-03-01T09:30:00.123456+02:00` (`t`/`z` lower case too);
/// - BigQuery exports: `2026-03-01 09:30:00 UTC`, `2026-03-01 09:30:00.123456 UTC`, and the same with `+00` or `Z`.
///
/// Fractions longer than six digits are truncated to microseconds. Years 0001–9999.
///
/// ```swift
/// Timestamp.parse("2026-03-01 09:30:00.5 UTC")      // 1772357400500000
/// Timestamp.bigQuery(1772357400500000)             // "2026-03-01 09:30:00.500000 UTC"
/// ```
public enum Timestamp {
    /// Microseconds in one day.
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Parses `text`; nil when it is not one of the accepted forms.
    public static func parse(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { parse(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Parses UTF-8 `bytes` (no allocation); nil when they are not one of the accepted forms.
    public static func parse(bytes p: UnsafeRawBufferPointer) -> Int64? {
        let n = p.count
        guard n >= 19 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let d = Int(p[i]) &- 48
            return d >= 0 && d <= 9 ? d : nil
        }
        @inline(__always) func two(_ i: Int) -> Int? {
            guard let a = digit(i), let b = digit(i + 1) else { return nil }
            return a * 10 + b
        }
        guard let y1 = two(0), let y2 = two(2), p[4] == UInt8(ascii: "-"), let month = two(5),
            p[7] == UInt8(ascii: "-"), let day = two(8)
        else { return nil }
        let sep = p[10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == UInt8(ascii: " ") else { return nil }
        guard let hour = two(11), p[13] == UInt8(ascii: ":"), let minute = two(14), p[16] == UInt8(ascii: ":"),
            let second = two(17)
        else { return nil }
        let year = y1 * 100 + y2
        guard year >= 1, month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year), hour < 24,
            minute < 60, second < 60
        else { return nil }
        var i = 19
        var micros = 0
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < n, let d = digit(i) {
                if digits < 6 { micros = micros * 10 + d }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            while digits < 6 {
                micros *= 10
                digits += 1
            }
        }
        // Zone: Z, ±HH:MM, ±HH, " UTC", or " +00"-like after a space (BigQuery).
        var offsetMinutes = 0
        if i < n, p[i] == UInt8(ascii: " ") { i += 1 }
        guard i < n else { return nil }  // a zone is required
        let z = p[i]
        if z == UInt8(ascii: "Z") || z == UInt8(ascii: "z") {
            i += 1
        } else if z == UInt8(ascii: "U") {
            guard n - i >= 3, p[i + 1] == UInt8(ascii: "T"), p[i + 2] == UInt8(ascii: "C") else { return nil }
            i += 3
        } else if z == UInt8(ascii: "+") || z == UInt8(ascii: "-") {
            guard n - i >= 3, let oh = two(i + 1), oh < 24 else { return nil }
            i += 3
            var om = 0
            if i < n, p[i] == UInt8(ascii: ":") {
                guard n - i >= 3, let m = two(i + 1), m < 60 else { return nil }
                om = m
                i += 3
            }
            offsetMinutes = (oh * 60 + om) * (z == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1_000_000 + Int64(micros)
    }

    /// Formats `micros` as BigQuery writes TIMESTAMP in JSON and CSV exports: `YYYY-MM-DD HH:MM:SS.ffffff UTC`
    /// (BigQuery drops the fraction when it is zero; so does this).
    public static func bigQuery(_ micros: Int64) -> String {
        var out = [UInt8]()
        out.reserveCapacity(30)
        appendBigQuery(micros, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the BigQuery form of `micros` to `out` (the writers' allocation-free path).
    public static func appendBigQuery(_ micros: Int64, to out: inout [UInt8]) {
        appendDateTime(micros, separator: UInt8(ascii: " "), to: &out)
        out.append(contentsOf: " UTC".utf8)
    }

    /// Formats `micros` as RFC 3339 in UTC (`2026-03-01T09:30:00.500000Z`).
    public static func rfc3339(_ micros: Int64) -> String {
        var out = [UInt8]()
        appendDateTime(micros, separator: UInt8(ascii: "T"), to: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    static func appendDateTime(_ micros: Int64, separator: UInt8, to out: inout [UInt8]) {
        var days = micros / microsPerDay
        var rest = micros % microsPerDay
        if rest < 0 {
            rest += microsPerDay
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        let secs = Int(rest / 1_000_000)
        let frac = Int(rest % 1_000_000)
        // Any Int64 formats (years before 1 or after 9999 get a sign or more digits): quarantine reasons quote
        // out-of-range values, so formatting must never trap.
        @inline(__always) func put(_ v: Int, _ width: Int) {
            if v < 0 { out.append(UInt8(ascii: "-")) }
            var x = v.magnitude
            var div: UInt = 1
            var digits = 1
            while digits < width || x / div >= 10 {
                div *= 10
                digits += 1
            }
            while div > 0 {
                out.append(UInt8(48 + (x / div) % 10))
                x %= div
                div /= 10
            }
        }
        put(y, 4)
        out.append(UInt8(ascii: "-"))
        put(m, 2)
        out.append(UInt8(ascii: "-"))
        put(d, 2)
        out.append(separator)
        put(secs / 3600, 2)
        out.append(UInt8(ascii: ":"))
        put(secs / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        put(secs % 60, 2)
        if frac != 0 {
            out.append(UInt8(ascii: "."))
            put(frac, 6)
        }
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian (year, month, day) of `days` since 1970-01-01.
    public static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }
}
