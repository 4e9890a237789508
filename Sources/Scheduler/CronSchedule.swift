public import Foundation

/// A cron expression read in an IANA time zone: when it fires.
///
/// Daylight-saving policy (docs/scheduling.md): the expression matches local wall-clock minutes, and each
/// matching local minute fires at most once —
/// - a local time that does not exist (the hour skipped in spring) fires once, at the first valid minute after
///   the gap (02:30 on Europe/Rome's spring day fires at 03:00 CEST; 02:00, 02:15 and 02:30 together fire once);
/// - a local time that occurs twice (the hour repeated in autumn) fires once, at its first occurrence; the
///   repeated hour fires nothing again.
///
/// ```swift
/// let s = try CronSchedule("0 2 * * *", timeZone: "Europe/Rome")
/// let next = s.next(after: Date())
/// ```
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    public let expression: CronExpression
    public let timeZone: TimeZone
    /// The zone's name as written (`UTC` stays `UTC`).
    public let zoneName: String

    public init(_ expression: CronExpression, timeZone: TimeZone, zoneName: String? = nil) {
        self.expression = expression
        self.timeZone = timeZone
        self.zoneName = zoneName ?? timeZone.identifier
    }

    /// `timeZone` is an IANA name such as `Europe/Rome` or `UTC`; throws `CronError` for an unknown one.
    public init(_ expression: String, timeZone name: String = "UTC") throws {
        guard let tz = CronSchedule.timeZone(named: name) else {
            throw CronError(field: "time_zone", message: "unknown time zone '\(name)' (use an IANA name such as Europe/Rome or UTC)")
        }
        self.init(try CronExpression(expression), timeZone: tz, zoneName: name)
    }

    /// The IANA zone called `name` (exact identifiers only, plus `UTC`).
    public static func timeZone(named name: String) -> TimeZone? {
        if name == "UTC" || name == "Etc/UTC" { return TimeZone(identifier: "UTC") }
        // IANA names are Area/Location (ICU also knows aliases such as Asia/Kolkata that the list may omit).
        guard name.contains("/") || TimeZone.knownTimeZoneIdentifiers.contains(name),
              name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), let tz = TimeZone(identifier: name) else { return nil }
        return tz
    }

    public var description: String { "\(expression.text) (\(zoneName))" }

    /// How far ahead `next(after:)` looks (an expression such as `0 0 29 2 *` fires once in four years).
    static let horizonDays: Int64 = 366 * 9

    /// The first firing strictly after `instant`, or `nil` if none within nine years.
    public func next(after instant: Date) -> Date? {
        let t = Int64((instant.timeIntervalSince1970).rounded(.down))
        guard let s = nextSecond(after: t) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(s))
    }

    /// Every firing in `(from, to]`, at most `limit` of them (missed-run accounting, backfills).
    public func firings(after from: Date, upTo to: Date, limit: Int = 10_000) -> [Date] {
        var out: [Date] = []
        var t = from
        while out.count < limit, let n = next(after: t), n <= to {
            out.append(n)
            t = n
        }
        return out
    }

    /// Seconds since the epoch: the first firing strictly after `after`.
    func nextSecond(after: Int64) -> Int64? {
        let e = expression
        let wall = after + Int64(offset(at: after))
        var day = floorDiv(wall, 86_400)
        let secondOfDay = wall - day * 86_400
        var startHour = Int(secondOfDay / 3600)
        var startMinute = Int(secondOfDay % 3600 / 60)
        let lastDay = day + Self.horizonDays
        while day <= lastDay {
            let (_, m, d) = civil(fromDays: day)
            let weekday = Int(floorMod(day + 4, 7))  // 1970-01-01 was a Thursday
            if e.matchesDay(month: m, day: d, weekday: weekday) {
                for h in startHour..<24 where e.matchesHour(h) {
                    for minute in (h == startHour ? startMinute : 0)..<60 where e.matchesMinute(minute) {
                        let w = day * 86_400 + Int64(h * 3600 + minute * 60)
                        let i = instant(ofWall: w)
                        if i > after { return i }
                    }
                }
            }
            day += 1
            startHour = 0
            startMinute = 0
        }
        return nil
    }

    func offset(at instant: Int64) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    /// The instant of local wall time `w` (seconds since the epoch as if the zone were UTC): its first
    /// occurrence when repeated, the end of the gap when skipped.
    func instant(ofWall w: Int64) -> Int64 {
        let before = offset(at: w - 86_400), after = offset(at: w + 86_400)
        if before == after { return w - Int64(before) }
        var best: Int64?
        for o in [before, after] {
            let i = w - Int64(o)
            if offset(at: i) == o { best = min(best ?? i, i) }
        }
        if let best { return best }
        // Skipped: the transition lies between the two readings; find its first second with the new offset.
        var lo = w - Int64(after), hi = w - Int64(before)  // offset(lo) == before, offset(hi) == after
        if lo > hi { swap(&lo, &hi) }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if offset(at: mid) == after { hi = mid } else { lo = mid }
        }
        // The first valid minute at or after the transition.
        let r = floorMod(hi + Int64(after), 60)
        return r == 0 ? hi : hi + (60 - r)
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

/// Year, month (1…12), day (1…31) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
    let z = z0 + 719_468
    let era = floorDiv(z, 146_097)
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = Int(doy - (153 * mp + 2) / 5 + 1)
    let m = Int(mp < 10 ? mp + 3 : mp - 9)
    return (m <= 2 ? y + 1 : y, m, d)
}

/// Days since 1970-01-01 of a civil date.
func days(fromCivil y0: Int64, _ m: Int, _ d: Int) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = floorDiv(y, 400)
    let yoe = y - era * 400
    let mp = Int64(m > 2 ? m - 3 : m + 9)
    let doy = (153 * mp + 2) / 5 + Int64(d) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}
