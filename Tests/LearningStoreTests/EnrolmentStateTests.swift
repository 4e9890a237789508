import Foundation
import LearningEvents
import LearningStore
import MongoStore
import Testing

/// The stream's way of building a state (events one at a time, in any order, the anchor moving with the newest day)
/// gives the batch's features (all events at once, anchored at the cutoff's day).
@Suite struct EnrolmentStateTests {
    static let day = EnrolmentState.microsPerDay
    static let cutoff: Int64 = 20_000 * EnrolmentState.microsPerDay + 15 * 3_600_000_000

    struct E { let type: EventType; let t: Int64; let duration: Int64?; let score: Double? }

    static func events(seed: UInt64, count: Int) -> [E] {
        var rng = SplitMix64(seed: seed)
        let types: [EventType] = [.enrolled, .lessonStarted, .lessonCompleted, .contentViewed, .quizSubmitted, .courseCompleted, .unenrolled]
        return (0..<count).map { _ in
            let type = types[Int(rng.next() % UInt64(types.count))]
            let back = Int64(rng.next() % UInt64(90 * day))
            return E(type: type, t: cutoff - back, duration: rng.next() % 3 == 0 ? Int64(rng.next() % 4000) : nil,
                     score: type == .quizSubmitted ? Double(rng.next() % 1001) / 1000 : nil)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func streamOrderEqualsBatch(seed: UInt64) throws {
        let events = Self.events(seed: seed, count: 60)
        let w = EventWeights.default
        var batch = EnrolmentState(anchorDay: EnrolmentState.day(Self.cutoff))
        for e in events.sorted(by: { $0.t < $1.t }) { batch.apply(e.type, at: e.t, duration: e.duration, score: e.score, weight: w.weight(e.type)) }
        // Shuffled, starting from the first event's day, with a round trip through BSON every few events (as the
        // stream stores and reloads the state).
        var rng = SplitMix64(seed: seed &* 7919)
        var order = events
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var stream = EnrolmentState(anchorDay: EnrolmentState.day(order[0].t))
        for (k, e) in order.enumerated() {
            stream.apply(e.type, at: e.t, duration: e.duration, score: e.score, weight: w.weight(e.type))
            if k % 7 == 0 { stream = try BSONDecoder().decode(EnrolmentState.self, from: BSONEncoder().encode(stream)) }
        }
        #expect(stream.totals.events == 60 && batch.totals.events == 60)
        #expect(stream.totals.views == batch.totals.views && stream.totals.lessonsCompleted == batch.totals.lessonsCompleted)
        #expect(stream.totals.confidence == batch.totals.confidence)
        for asOf in [Self.cutoff, Self.cutoff + 3 * Self.day + 5] {
            let a = try #require(batch.features(asOf: asOf, lessonCount: 9))
            let b = try #require(stream.features(asOf: asOf, lessonCount: 9))
            #expect(a.activeDays7 == b.activeDays7 && a.activeDays14 == b.activeDays14 && a.activeDays28 == b.activeDays28)
            #expect(a.lastActivityAt == b.lastActivityAt && a.enrolledAt == b.enrolledAt)
            #expect(a.completed == b.completed && a.unenrolled == b.unenrolled && a.quizAttempts == b.quizAttempts)
            #expect(a.daysSinceLastActivity == b.daysSinceLastActivity && a.completionRatio == b.completionRatio)
            #expect(abs((a.quizMeanScore ?? -1) - (b.quizMeanScore ?? -1)) < 1e-12)
            #expect(abs((a.quizScoreTrend ?? -1) - (b.quizScoreTrend ?? -1)) < 1e-9)
            #expect(a.lastQuizScore == b.lastQuizScore && a.longestGapDays == b.longestGapDays && a.lessonsPerWeek == b.lessonsPerWeek)
            #expect(abs((a.quizScoreGap ?? -9) - (b.quizScoreGap ?? -9)) < 1e-12)
            #expect(abs((a.gapTrend ?? -99) - (b.gapTrend ?? -99)) < 1e-9)
            #expect(abs(a.decayedActivity - b.decayedActivity) < 1e-9 * max(1, a.decayedActivity))
        }
    }

    @Test("the new features by hand: last quiz and its gap, longest gap, gap trend, decayed activity, pace")
    func newFeatures() throws {
        var s = EnrolmentState(anchorDay: 200)
        // Active on days 170, 180, 186, 190, 192 (gaps 10, 6, 4, 2: shrinking by 8 days over 12 days), quizzes 0.9 then 0.5.
        s.apply(.enrolled, at: 170 * Self.day, duration: nil, score: nil, weight: 1)
        s.apply(.lessonCompleted, at: 180 * Self.day, duration: nil, score: nil, weight: 1)
        s.apply(.quizSubmitted, at: 190 * Self.day + 5, duration: nil, score: 0.5, weight: 1)  // newest quiz, applied first
        s.apply(.quizSubmitted, at: 186 * Self.day, duration: nil, score: 0.9, weight: 1)
        s.apply(.lessonCompleted, at: 192 * Self.day, duration: nil, score: nil, weight: 1)
        let f = try #require(s.features(asOf: 200 * Self.day, lessonCount: 10))
        #expect(f.lastQuizScore == 0.5)
        #expect(abs((f.quizScoreGap ?? 0) - (0.5 - 0.7)) < 1e-12)
        #expect(f.longestGapDays == 9, "days 171…179 idle (the current stretch, 193…200, is 8)")
        // Gaps (6: 170→180 is 10 days) as (x = −days before, length): (−20, 10), (−14, 6), (−10, 4), (−8, 2): slope −0.68 a day.
        let xs = [-20.0, -14, -10, -8], ys = [10.0, 6, 4, 2]
        let mx = xs.reduce(0, +) / 4, my = ys.reduce(0, +) / 4
        let slope = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        #expect(abs((f.gapTrend ?? 0) - slope * 7) < 1e-9)
        // One event each on days 170, 180, 186, 190, 192, seen from day 200.
        let decayed = [30.0, 20, 14, 10, 8].reduce(0) { $0 + exp2(-$1 / 7) }
        #expect(abs(f.decayedActivity - decayed) < 1e-12)
        #expect(abs(f.lessonsPerWeek - 2.0 / 30 * 7) < 1e-12)
        // Seen a week later, the activity has halved.
        let later = try #require(s.features(asOf: 207 * Self.day, lessonCount: 10))
        #expect(abs(later.decayedActivity - decayed / 2) < 1e-12)
        #expect(later.longestGapDays == 15)
    }

    @Test func statesWrittenBeforeTheNewFieldsStillDecode() throws {
        var s = EnrolmentState(anchorDay: 50)
        s.apply(.quizSubmitted, at: 49 * Self.day, duration: nil, score: 0.7, weight: 1)
        var doc = try BSONEncoder().encode(s)
        #expect(doc["last_quiz_score"] != nil && doc["decayed_events"] != nil)
        for k in ["last_quiz_at", "last_quiz_score", "decayed_events"] { doc[k] = nil }
        let old = try BSONDecoder().decode(EnrolmentState.self, from: doc)
        #expect(old.totals.lastQuizAt == .min && old.totals.decayedEvents == 0 && old.totals.quizAttempts == 1)
        #expect(try BSONDecoder().decode(EnrolmentState.self, from: BSONEncoder().encode(s)) == s)
    }

    @Test func activeDaysFollowTheAsOfDay() {
        var s = EnrolmentState(anchorDay: 100)
        s.apply(.lessonStarted, at: 100 * Self.day + 1, duration: nil, score: nil, weight: 1)
        s.apply(.lessonStarted, at: 95 * Self.day, duration: nil, score: nil, weight: 1)
        s.apply(.lessonStarted, at: 103 * Self.day, duration: nil, score: nil, weight: 1)  // moves the anchor
        #expect(s.anchorDay == 103)
        #expect(s.features(asOf: 103 * Self.day, lessonCount: 0)?.activeDays7 == 2)  // days 103 and 100
        #expect(s.features(asOf: 103 * Self.day, lessonCount: 0)?.activeDays14 == 3)
        #expect(s.features(asOf: 109 * Self.day, lessonCount: 0)?.activeDays7 == 1)  // days 103…109: day 103 only
        #expect(s.features(asOf: 110 * Self.day, lessonCount: 0)?.activeDays7 == 0)  // days 104…110: none
        #expect(s.features(asOf: 100 * Self.day + 2, lessonCount: 0)?.activeDays7 == 2)  // seen from day 100: 100, 95
        let applied = s.apply(.lessonStarted, at: -5, duration: nil, score: nil, weight: 1)
        #expect(!applied, "before 1970: ignored")
        #expect(s.totals.events == 3)
    }

    @Test func hostileStateIsRefused() throws {
        var doc = try BSONEncoder().encode(EnrolmentState(anchorDay: 5))
        doc["anchor_day"] = .int64(.max)
        #expect(throws: (any Error).self) { try BSONDecoder().decode(EnrolmentState.self, from: doc) }
        doc["anchor_day"] = .int64(5)
        doc["views"] = .int32(-1)
        #expect(throws: (any Error).self) { try BSONDecoder().decode(EnrolmentState.self, from: doc) }
    }
}
