/// A five-field cron expression: minute, hour, day of month, month, day of week.
///
/// Fields take `*`, numbers, ranges `a-b`, steps `*/n`, `a-b/n` and `a/n` (from `a` to the end), lists `a,b-c`, and
/// the names `jan`…`dec` and `sun`…`sat` (any case). Day of week is 0–7 with both 0 and 7 meaning Sunday. The aliases
/// `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`) and `@hourly` stand for their usual
/// expressions. As in Vixie cron, when both day fields are restricted (neither starts with `*`) a day matches if
/// either matches; otherwise both must.
///
/// ```swift
/// let e = try CronExpression("*/15 9-17 * * mon-fri")
/// ```
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// Bit i set: minute i matches (0…59).
    let minutes: UInt64
    /// Bit i set: hour i matches (0…23).
    let hours: UInt32
    /// Bit i set: day of month i matches (1…31).
    let daysOfMonth: UInt32
    /// Bit i set: month i matches (1…12).
    let months: UInt16
    /// Bit i set: weekday i matches (0 = Sunday … 6).
    let daysOfWeek: UInt8
    /// The day-of-month field starts with `*`.
    let domStar: Bool
    /// The day-of-week field starts with `*`.
    let dowStar: Bool

    public var description: String { text }

    static let aliases: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses `text`; throws `CronError` naming the field and the problem.
    public init(_ text: String) throws {
        self.text = text
        let trimmed = text.trimmingWhitespace()
        guard trimmed.utf8.count <= 512 else { throw CronError(field: "expression", message: "longer than 512 characters") }
        var expanded = trimmed
        if trimmed.hasPrefix("@") {
            guard let e = Self.aliases[trimmed.lowercased()] else {
                throw CronError(field: "expression", message: "unknown alias '\(trimmed)' (use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)")
            }
            expanded = e
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(field: "expression", message: "'\(trimmed)' has \(fields.count) fields; a schedule has 5 (minute hour day-of-month month day-of-week)")
        }
        minutes = try Self.parse(fields[0], "minute", 0...59, names: [])
        hours = UInt32(try Self.parse(fields[1], "hour", 0...23, names: []))
        daysOfMonth = UInt32(try Self.parse(fields[2], "day-of-month", 1...31, names: []))
        months = UInt16(try Self.parse(fields[3], "month", 1...12, names: Self.monthNames, nameBase: 1))
        let dow = try Self.parse(fields[4], "day-of-week", 0...7, names: Self.dayNames)
        daysOfWeek = UInt8((dow & 0x7F) | (dow >> 7))  // 7 is Sunday too
        domStar = fields[2].hasPrefix("*")
        dowStar = fields[4].hasPrefix("*")
        guard canEverMatch else {
            throw CronError(field: "day-of-month", message: "'\(fields[2])' never occurs in month(s) '\(fields[3])'")
        }
    }

    /// False when only the day of month restricts days and none of its days exists in any chosen month (`0 0 30 2 *`).
    var canEverMatch: Bool {
        guard dowStar || domStar else { return true }  // either day field may match: some weekday always comes
        guard !domStar else { return true }
        let longest: [Int] = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for m in 1...12 where months & (1 << m) != 0 {
            for d in 1...longest[m] where daysOfMonth & (1 << d) != 0 { return true }
        }
        return false
    }

    /// One field as a bit set; `nameBase` is the value of the first name.
    static func parse(_ field: String, _ name: String, _ range: ClosedRange<Int>, names: [String], nameBase: Int = 0) throws -> UInt64 {
        func fail(_ m: String) -> CronError { CronError(field: name, message: "'\(field)': \(m)") }
        func value(_ s: Substring) throws -> Int {
            if let v = Int(s), String(v) == s || (s.count <= 3 && s.allSatisfy(\.isASCIIDigit)) {
                guard range.contains(v) else { throw fail("\(v) is outside \(range.lowerBound)…\(range.upperBound)") }
                return v
            }
            if let i = names.firstIndex(of: s.lowercased()) { return i + nameBase }
            if s.contains(where: { "LW#?".contains($0) }) { throw fail("'L', 'W', '#' and '?' are not supported") }
            throw fail("'\(s)' is not a number\(names.isEmpty ? "" : " or a name (\(names.first!)…\(names.last!))")")
        }
        var bits: UInt64 = 0
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw fail("empty list item") }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw fail("more than one '/' in '\(part)'") }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), pieces[1].allSatisfy(\.isASCIIDigit), s >= 1, s <= range.upperBound - range.lowerBound + 1 else {
                    throw fail("step '\(pieces[1])' must be an integer in 1…\(range.upperBound - range.lowerBound + 1)")
                }
                step = s
            }
            let base = pieces[0]
            var lo: Int, hi: Int
            if base == "*" {
                lo = range.lowerBound; hi = range.upperBound
                if name == "day-of-week" { hi = 6 }  // `*` is Sunday…Saturday once
            } else if let dash = base.firstIndex(of: "-") {
                lo = try value(base[..<dash])
                hi = try value(base[base.index(after: dash)...])
                guard lo <= hi else { throw fail("range \(base) runs backwards") }
            } else {
                lo = try value(base)
                hi = pieces.count == 2 ? (name == "day-of-week" ? 6 : range.upperBound) : lo
                if lo > hi { hi = lo }
            }
            var v = lo
            while v <= hi {
                bits |= 1 << UInt64(v)
                v += step
            }
        }
        return bits
    }

    /// True when the calendar day (`month` 1…12, `day` 1…31, `weekday` 0 = Sunday) matches the day fields.
    func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        guard months & (1 << UInt16(month)) != 0 else { return false }
        let dom = daysOfMonth & (1 << UInt32(day)) != 0
        let dow = daysOfWeek & (1 << UInt8(weekday)) != 0
        if domStar || dowStar { return dom && dow }
        return dom || dow
    }

    func matchesHour(_ h: Int) -> Bool { hours & (1 << UInt32(h)) != 0 }
    func matchesMinute(_ m: Int) -> Bool { minutes & (1 << UInt64(m)) != 0 }
}

/// A cron expression that cannot be read: which field and why.
package struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `minute`, `hour`, `day-of-month`, `month`, `day-of-week` or `expression`.
    public let field: String
    public let message: String
    public var description: String { "\(field): \(message)" }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
