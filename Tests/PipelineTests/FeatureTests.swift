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

    @Test("training rows use the earlier cutoff; labels read the later one")
    func labels() throws {
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
        // ghost: went quiet 40 days before the training cutoff: already dropped, nothing to predict.
        agg.add(event(50, "ghost", "c1", .enrolled, daysBefore: 60))
        // late: enrols after the training cutoff: not in the training set.
        agg.add(event(40, "late", "c1", .enrolled, daysBefore: 3))

        let set = agg.trainingSet(inactivityDays: 21)
        let byLearner = Dictionary(uniqueKeysWithValues: set.map { (agg.learners[$0.row.learner], $0) })
        #expect(Set(byLearner.keys) == ["stays", "fades", "quits", "finishes"])
        #expect(byLearner["stays"]?.dropped == false)
        #expect(byLearner["fades"]?.dropped == true)
        #expect(byLearner["quits"]?.dropped == true)
        #expect(byLearner["finishes"]?.dropped == false)
        // No leak: the quitter's training features do not know about the unenrolment.
        #expect(byLearner["quits"]?.row.unenrolled == false)
        #expect(abs((byLearner["fades"]?.row.daysSinceLastActivity ?? 0) - 11) < 1e-9)
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
    }
}
