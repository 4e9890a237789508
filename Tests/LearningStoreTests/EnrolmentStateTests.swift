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
        var rng = SplitMix(seed)
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
        var rng = SplitMix(seed &* 7919)
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
        }
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

/// SplitMix64, for reproducible test data.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
