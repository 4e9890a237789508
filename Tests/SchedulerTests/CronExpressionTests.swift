import Foundation
import Testing
@testable import Scheduler

@Suite struct CronExpressionTests {
    @Test func parsesFieldsAndNames() throws {
        let e = try CronExpression("*/15 9-17 * jan,Jul mon-fri")
        #expect(e.matchesMinute(0) && e.matchesMinute(45) && !e.matchesMinute(10))
        #expect(e.matchesHour(9) && e.matchesHour(17) && !e.matchesHour(18))
        #expect(e.matchesDay(month: 1, day: 5, weekday: 1) && !e.matchesDay(month: 2, day: 5, weekday: 1))
        #expect(!e.matchesDay(month: 7, day: 5, weekday: 0))
        #expect(try CronExpression("0 0 * * 7").matchesDay(month: 3, day: 1, weekday: 0))
        #expect(try CronExpression("5/20 * * * *").minutes == (1 << 5) | (1 << 25) | (1 << 45))
        #expect(try CronExpression("@daily").minutes == CronExpression("0 0 * * *").minutes)
        #expect(try CronExpression("@weekly").matchesDay(month: 6, day: 7, weekday: 0))
    }

    /// Vixie cron's reading of the two day fields: a field starting with `*` (also `*/n`) is unrestricted, so the
    /// other alone decides; when both are restricted either matches. (croniter ORs whenever neither is a bare `*`.)
    @Test func dayFieldsFollowVixieCron() throws {
        let e = try CronExpression("0 0 1 * */2")  // the 1st, when it is a Sunday, Tuesday, Thursday or Saturday
        #expect(e.matchesDay(month: 3, day: 1, weekday: 0))
        #expect(!e.matchesDay(month: 3, day: 1, weekday: 1))
        #expect(!e.matchesDay(month: 3, day: 3, weekday: 2))
        let both = try CronExpression("0 0 1 * 2")  // the 1st or any Tuesday
        #expect(both.matchesDay(month: 3, day: 1, weekday: 1) && both.matchesDay(month: 3, day: 3, weekday: 2))
        #expect(!both.matchesDay(month: 3, day: 4, weekday: 3))
        // A one-value range is that value (croniter reads `6-6` as `*`).
        #expect(try CronExpression("0 0 * 6-6 *").months == 1 << 6)
    }

    @Test func refusesBadExpressionsNamingTheField() {
        func field(_ s: String) -> String? {
            do { _ = try CronExpression(s); return nil } catch let e as CronError { return e.field } catch { return "?" }
        }
        #expect(field("60 * * * *") == "minute")
        #expect(field("* 24 * * *") == "hour")
        #expect(field("* * 0 * *") == "day-of-month")
        #expect(field("* * * 13 *") == "month")
        #expect(field("* * * * 8") == "day-of-week")
        #expect(field("* * * *") == "expression")
        #expect(field("@reboot") == "expression")
        #expect(field("*/0 * * * *") == "minute")
        #expect(field("5-1 * * * *") == "minute")
        #expect(field("* * L * *") == "day-of-month")
        #expect(field("0 0 30 2 *") == "day-of-month")
        #expect(field("1,,2 * * * *") == "minute")
        #expect(field("* * * foo *") == "month")
        #expect(field("*/15 * * * *") == nil)
    }

    @Test func durations() {
        #expect(DurationText.parse("2h") == .seconds(7200))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("1d") == .seconds(86_400))
        #expect(DurationText.parse("2 hours") == nil && DurationText.parse("") == nil && DurationText.parse("0s") == nil)
        #expect(DurationText.parse("400d") == nil && DurationText.parse("99999999999h") == nil)
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
    }

    @Test func retryDelaysGrowWithJitter() {
        let p = RetryPolicy(maxRetries: 5, backoff: .exponential, initial: .seconds(60), maxDelay: .seconds(300), jitter: true)
        #expect(p.delay(afterAttempt: 1, unit: 0) == .seconds(30))
        #expect(p.delay(afterAttempt: 1, unit: 1) == .seconds(60))
        #expect(p.delay(afterAttempt: 2, unit: 1) == .seconds(120))
        #expect(p.delay(afterAttempt: 5, unit: 1) == .seconds(300))  // capped
        let fixed = RetryPolicy(maxRetries: 2, backoff: .fixed, initial: .seconds(10), jitter: false)
        #expect(fixed.delay(afterAttempt: 3, unit: 0.3) == .seconds(10))
    }
}
