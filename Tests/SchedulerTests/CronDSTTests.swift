import Foundation
import Testing
@testable import Scheduler

/// The daylight-saving policy, case by case (docs/scheduling.md).
@Suite struct CronDSTTests {
    /// `yyyy-mm-ddThh:mm` in UTC.
    func utc(_ s: String) -> Date {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.date(from: s + ":00")!
    }
    func iso(_ d: Date?) -> String {
        guard let d else { return "none" }
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }
    func firings(_ expr: String, _ tz: String, from: String, to: String) throws -> [String] {
        try CronSchedule(expr, timeZone: tz).firings(after: utc(from), upTo: utc(to)).map(iso)
    }

    // Europe/Rome 2026: 29 March 02:00 CET → 03:00 CEST (01:00Z); 25 October 03:00 CEST → 02:00 CET (01:00Z).

    @Test func skippedLocalTimeRunsOnceAtTheNextValidMinute() throws {
        #expect(try firings("30 2 * * *", "Europe/Rome", from: "2026-03-28T12:00", to: "2026-03-30T12:00")
            == ["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"])
        // Several matches inside the gap collapse into one firing at 03:00 CEST.
        #expect(try firings("0,15,30,45 2 * * *", "Europe/Rome", from: "2026-03-28T23:00", to: "2026-03-29T12:00")
            == ["2026-03-29T01:00:00Z"])
        // A match at 03:00 too is still one firing.
        #expect(try firings("0 2,3 * * *", "Europe/Rome", from: "2026-03-28T23:00", to: "2026-03-29T12:00")
            == ["2026-03-29T01:00:00Z"])
        // Hourly: 01:00 CET, then 03:00 CEST (02:00 does not exist), then 04:00.
        #expect(try firings("0 * * * *", "Europe/Rome", from: "2026-03-28T23:30", to: "2026-03-29T02:00")
            == ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"])
    }

    @Test func repeatedLocalTimeRunsOnce() throws {
        // 02:30 happens at 00:30Z (CEST) and 01:30Z (CET): only the first.
        #expect(try firings("30 2 * * *", "Europe/Rome", from: "2026-10-24T12:00", to: "2026-10-26T12:00")
            == ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"])
        // Every 20 minutes: nothing again during the repeated hour (00:00Z…00:40Z CEST, then 02:00Z CET = 03:00).
        #expect(try firings("*/20 * * * *", "Europe/Rome", from: "2026-10-24T23:50", to: "2026-10-25T02:10")
            == ["2026-10-25T00:00:00Z", "2026-10-25T00:20:00Z", "2026-10-25T00:40:00Z", "2026-10-25T02:00:00Z"])
        // Starting inside the second pass does not fire the already-run local times again.
        #expect(try CronSchedule("45 2 * * *", timeZone: "Europe/Rome").next(after: utc("2026-10-25T01:10")).map(iso)
            == "2026-10-26T01:45:00Z")
    }

    @Test func newYorkTransitions() throws {
        // 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
        #expect(try firings("30 2 * * *", "America/New_York", from: "2026-03-07T12:00", to: "2026-03-09T12:00")
            == ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"])
        #expect(try firings("30 1 * * *", "America/New_York", from: "2026-10-31T12:00", to: "2026-11-02T12:00")
            == ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"])
    }

    @Test func nightlyRefreshAtTwoRome() throws {
        let s = try CronSchedule("0 2 * * *", timeZone: "Europe/Rome")
        #expect(iso(s.next(after: utc("2026-01-10T12:00"))) == "2026-01-11T01:00:00Z")  // CET
        #expect(iso(s.next(after: utc("2026-07-10T12:00"))) == "2026-07-11T00:00:00Z")  // CEST
        #expect(throws: CronError.self) { try CronSchedule("0 2 * * *", timeZone: "Europe/Atlantis") }
    }

    @Test func aliasesAndRareDates() throws {
        #expect(try firings("@monthly", "UTC", from: "2026-01-15T00:00", to: "2026-04-15T00:00")
            == ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"])
        #expect(iso(try CronSchedule("0 0 29 2 *").next(after: utc("2026-03-01T00:00"))) == "2028-02-29T00:00:00Z")
        // Both day fields restricted: either matches (1st of the month or a Monday).
        #expect(try firings("0 0 1 * mon", "UTC", from: "2026-06-01T00:00", to: "2026-06-16T00:00")
            == ["2026-06-08T00:00:00Z", "2026-06-15T00:00:00Z"])
    }
}
