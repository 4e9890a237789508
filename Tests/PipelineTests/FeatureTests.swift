import LearningEvents
import LearningStore
@testable import Pipeline
import Testing

@Suite("Features and labels")
struct FeatureTests {
    static let day = Cutoffs.microsPerDay
    static let c0: Int64 = 20_000 * Cutoffs.microsPerDay + 12 * 3_600_000_000  // noon, day 20000

    func event(_ id: Int, _ learner: String, _ course: String, _ type: EventType, daysBefore: Double, score: Double? = nil,
               duration: Int64? = nil, lesson: String? = nil, tenant: String = "t1") -> LearningEvent {
        LearningEvent(eventID: "e\(id)", tenantID: tenant, learnerID: learner, courseID: course, lessonID: lesson, type: type,
                      occurredAt: Self.c0 - Int64(daysBefore * Double(Self.day)), durationSeconds: duration, score: score)
    }

    @Test("features as of the score cutoff count only what happened by then")
    func scoreFeatures() throws {
        let cut = try Cutoffs(score: Self.c0, horizonDays: 14)
        var agg = TenantAggregator(tenant: "t1", cutoffs: cut)
        let events = [
            event(1, "a", "c1", .enrolled, daysBefore: 40),
            event(2, "a", "c1", .lessonCompleted, daysBefore: 30, lesson: "l1"),
            event(3, "a", "c1", .lessonCompleted, daysBefore: 10, lesson: "l2"),
            event(4, "a", "c1", .contentViewed, daysBefore: 3, duration: 600),
            event(5, "a", "c1", .contentViewed, daysBefore: 3, duration: 600),
            event(6, "a", "c1", .quizSubmitted, daysBefore: 20, score: 0.9),
            event(7, "a", "c1", .quizSubmitted, daysBefore: 6, score: 0.5),
            event(8, "a", "c1", .lessonCompleted, daysBefore: -2, lesson: "l3"),  // after the cutoff: ignored
            event(9, "b", "c1", .enrolled, daysBefore: 5, tenant: "t2"),  // another tenant: ignored
        ]
        for e in events { agg.add(e) }
        #expect(agg.learners == ["a"])
        let rows = agg.featureRows(at: .score, lessonCount: { _ in 4 })
        #expect(rows.count == 1)
        let r = rows[0]
        #expect(r.lessonsCompleted == 2)
        #expect(r.completionRatio == 0.5)
        #expect(r.views == 2 && r.timeSpentSeconds == 1200)
        #expect(r.activeDays7 == 2)  // days 3 and 6
        #expect(r.activeDays14 == 3)  // + day 10
        #expect(r.activeDays28 == 4)  // + day 20
        #expect(abs(r.daysSinceLastActivity - 3) < 1e-9)
        #expect(r.quizAttempts == 2)
        #expect(abs((r.quizMeanScore ?? 0) - 0.7) < 1e-6, "quiz sums are kept in Float")
        let trend = try #require(r.quizScoreTrend)
        #expect(abs(trend - (-0.4 / 14 * 7)) < 1e-6, "score fell 0.4 in 14 days: -0.2 a week")
        #expect(abs(r.daysEnrolled - 40) < 1e-9)
        #expect(r.isOpen)
        #expect(FeatureSchema.current.names.count == r.vector.count)
    }

    @Test("snapshots know only what happened by their moment; outcomes are read as known at a moment")
    func outcomesAndSnapshots() throws {
        let cut = try Cutoffs(score: Self.c0, horizonDays: 14)
        var agg = TenantAggregator(tenant: "t1", cutoffs: cut)
        // stays: active throughout.
        for (i, d) in [30.0, 20, 15, 10, 5, 1].enumerated() { agg.add(event(i, "stays", "c1", .lessonStarted, daysBefore: d)) }
        // fades: last active 25 days before the score cutoff (11 days before the training cutoff).
        agg.add(event(10, "fades", "c1", .enrolled, daysBefore: 40))
        agg.add(event(11, "fades", "c1", .lessonStarted, daysBefore: 25))
        // quits: unenrols after the training cutoff.
        agg.add(event(20, "quits", "c1", .enrolled, daysBefore: 30))
        agg.add(event(21, "quits", "c1", .unenrolled, daysBefore: 5))
        // finishes: completes after the training cutoff, then goes quiet: not a dropout.
        agg.add(event(30, "finishes", "c1", .enrolled, daysBefore: 40))
        agg.add(event(31, "finishes", "c1", .lessonStarted, daysBefore: 20))
        agg.add(event(32, "finishes", "c1", .courseCompleted, daysBefore: 12))
        // ghost: went quiet 60 days before: dropped long ago.
        agg.add(event(50, "ghost", "c1", .enrolled, daysBefore: 60))
        // late: enrols after the training cutoff.
        agg.add(event(40, "late", "c1", .enrolled, daysBefore: 3))

        func e(_ learner: String) -> Int { (0..<agg.enrolmentCount).first { agg.learners[agg.learner(ofEnrolment: $0)] == learner }! }
        func outcome(_ learner: String, _ at: TenantAggregator.Cutoff) -> RiskOutcome { agg.outcome(e(learner), knownAt: at, inactivityDays: 21) }
        let day = Self.day
        #expect(outcome("stays", .score).kind == .open)
        #expect(outcome("fades", .score) == RiskOutcome(kind: .dropped, at: Self.c0 - 4 * day), "dropped once 21 days passed without activity")
        #expect(outcome("fades", .train).kind == .open, "11 days of silence at the training cutoff: not known yet")
        #expect(outcome("quits", .score) == RiskOutcome(kind: .dropped, at: Self.c0 - 5 * day))
        #expect(outcome("quits", .train).kind == .open)
        #expect(outcome("finishes", .score) == RiskOutcome(kind: .completed, at: Self.c0 - 12 * day))
        #expect(outcome("ghost", .score).kind == .dropped)

        // Features as of the training cutoff (a snapshot) never see later events.
        let train = Dictionary(uniqueKeysWithValues: agg.featureRows(at: .train).map { (agg.learners[$0.learner], $0) })
        #expect(Set(train.keys) == ["stays", "fades", "quits", "finishes", "ghost"], "late enrolled after the training cutoff")
        #expect(train["quits"]?.unenrolled == false)
        #expect(train["finishes"]?.completed == false)
        #expect(abs((train["fades"]?.daysSinceLastActivity ?? 0) - 11) < 1e-9)
        #expect(train["stays"]?.activeDays7 == 2, "days 15 and 20 before the score cutoff: 1 and 6 before the training cutoff")
        #expect(train["fades"]?.isLive(inactivityDays: 21) == true && train["ghost"]?.isLive(inactivityDays: 21) == false)
        // A snapshot is the state that would have been built from the events up to its moment.
        var early = TenantAggregator(tenant: "t1", cutoffs: try Cutoffs(score: Self.c0 - 14 * day, horizonDays: 14))
        for (i, d) in [30.0, 20, 15].enumerated() { early.add(event(i, "stays", "c1", .lessonStarted, daysBefore: d)) }
        #expect(early.featureRows(at: .score).first?.features == train["stays"]?.features)
    }

    @Test("interactions sum configurable confidences per enrolment")
    func interactions() throws {
        let cut = try Cutoffs(score: Self.c0, horizonDays: 7)
        var agg = TenantAggregator(tenant: "t1", cutoffs: cut, weights: EventWeights(values: [.courseCompleted: 5, .contentViewed: 1]))
        agg.add(event(1, "a", "c1", .contentViewed, daysBefore: 2))
        agg.add(event(2, "a", "c1", .courseCompleted, daysBefore: 1))
        agg.add(event(3, "a", "c2", .contentViewed, daysBefore: 1))
        agg.add(event(4, "b", "c2", .enrolled, daysBefore: 1))  // weight 0: no interaction
        let x = agg.interactions(at: .score).map { "\(agg.learners[$0.learner])/\(agg.courses[$0.course])=\($0.confidence)" }
        #expect(Set(x) == ["a/c1=6.0", "a/c2=1.0"])
        #expect(throws: PipelineError.self) { try Cutoffs(score: 0, horizonDays: 60) }
        #expect(throws: PipelineError.self) { try Cutoffs(score: 0, horizonDays: 0) }
    }
}
