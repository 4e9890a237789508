public import Foundation
public import LearningStore

/// The features of one enrolment as of one cutoff, and the dense vector the risk model reads.
public struct FeatureRow: Sendable, Equatable {
    public var learner: Int
    public var course: Int
    public var asOf: Int64
    public var enrolledAt: Int64?
    public var lastActivityAt: Int64?
    public var daysSinceLastActivity: Double
    public var activeDays7: Int
    public var activeDays14: Int
    public var activeDays28: Int
    public var lessonsCompleted: Int
    public var completionRatio: Double
    public var views: Int
    public var timeSpentSeconds: Int64
    public var quizAttempts: Int
    public var quizMeanScore: Double?
    public var quizScoreTrend: Double?
    public var daysEnrolled: Double
    public var completed: Bool
    public var unenrolled: Bool

    /// An enrolment still open at the cutoff: enrolled or active, not completed, not unenrolled.
    public var isOpen: Bool { !completed && !unenrolled }

    /// Open and active within `inactivityDays`: the enrolments a risk score is for (one inactive longer has
    /// already dropped out by the label's definition).
    public func isLive(inactivityDays: Int) -> Bool { isOpen && daysSinceLastActivity < Double(inactivityDays) }

    /// The risk model's input under the current feature schema (`FeatureSchema.current`, shared with serving).
    public var vector: [Float] { FeatureSchema.current.vector(self) }
}

extension FeatureRow: FeatureInputSource {
    public func featureInput(_ input: FeatureInput) -> Double? {
        switch input {
        case .daysSinceLastActivity: daysSinceLastActivity
        case .activeDays7: Double(activeDays7)
        case .activeDays14: Double(activeDays14)
        case .activeDays28: Double(activeDays28)
        case .completionRatio: completionRatio
        case .lessonsCompleted: Double(lessonsCompleted)
        case .views: Double(views)
        case .timeSpentSeconds: Double(timeSpentSeconds)
        case .quizAttempts: Double(quizAttempts)
        case .quizMeanScore: quizMeanScore
        case .quizScoreTrend: quizScoreTrend
        case .daysEnrolled: daysEnrolled
        }
    }
}

extension TenantAggregator {
    /// Feature rows of every enrolment with activity by `cutoff`. `lessonCount` gives a course's lesson count
    /// from the catalog (nil: the distinct lessons seen in events are used).
    public func featureRows(at cutoff: Cutoff, lessonCount: (Int) -> Int? = { _ in nil }) -> [FeatureRow] {
        featureRows(at: cutoff, enrolments: 0..<enrolments.count, lessonCount: lessonCount)
    }

    /// The feature rows of a slice of the enrolments (for building and writing them a chunk at a time).
    public func featureRows(at cutoff: Cutoff, enrolments range: Range<Int>, lessonCount: (Int) -> Int? = { _ in nil }) -> [FeatureRow] {
        enrolments[range.clamped(to: 0..<enrolments.count)].compactMap { featureRow($0, at: cutoff, lessonCount: lessonCount) }
    }

    func featureRow(_ e: EnrolmentAggregate, at cutoff: Cutoff, lessonCount: (Int) -> Int?) -> FeatureRow? {
        let asOf = cutoff == .train ? cutoffs.train : cutoffs.score
        let offset = cutoff == .train ? cutoffs.horizonDays : 0
        do {
            let t = cutoff == .train ? e.totals.0 : e.totals.1
            guard t.hasActivity || e.enrolledAt <= asOf else { return nil }
            let enrolled = min(e.enrolledAt, t.firstActivity)
            let last = t.hasActivity ? t.lastActivity : enrolled
            let lessons = lessonCount(Int(e.course)) ?? lessonsSeen(course: Int(e.course))
            let mean = t.quizAttempts > 0 ? Double(t.quizSum) / Double(t.quizAttempts) : nil
            var trend: Double? = nil
            if t.quizAttempts >= 2 {
                let n = Double(t.quizAttempts), st = Double(t.quizT), ss = Double(t.quizSum)
                let varT = Double(t.quizTT) - st * st / n
                if varT > 1e-6 { trend = (Double(t.quizTS) - st * ss / n) / varT * 7 }  // score change per week
            }
            func activeDays(_ window: Int) -> Int {
                let mask: UInt64 = window >= 64 ? .max : (UInt64(1) << UInt64(window)) - 1
                return ((e.activeDays >> UInt64(offset)) & mask).nonzeroBitCount
            }
            let day = Double(Cutoffs.microsPerDay)
            return FeatureRow(
                learner: Int(e.learner), course: Int(e.course), asOf: asOf,
                enrolledAt: enrolled == .max ? nil : enrolled, lastActivityAt: t.hasActivity ? t.lastActivity : nil,
                daysSinceLastActivity: Double(asOf - last) / day,
                activeDays7: activeDays(7), activeDays14: activeDays(14), activeDays28: activeDays(28),
                lessonsCompleted: Int(t.lessonsCompleted),
                completionRatio: lessons > 0 ? min(1, Double(t.lessonsCompleted) / Double(lessons)) : 0,
                views: Int(t.views), timeSpentSeconds: t.timeSpent, quizAttempts: Int(t.quizAttempts),
                quizMeanScore: mean, quizScoreTrend: trend,
                daysEnrolled: enrolled == .max ? 0 : Double(asOf - enrolled) / day,
                completed: e.completedAt <= asOf, unenrolled: e.unenrolledAt <= asOf
            )
        }
    }

    /// Dropout labels at the score cutoff for the enrolments still live at the training cutoff (open, and
    /// active within `inactivityDays`: one already inactive that long has dropped out, nothing to predict):
    /// dropped when unenrolled by the score cutoff, or inactive for `inactivityDays` or more then without
    /// completing. Returns (training feature row, dropped) pairs.
    public func trainingSet(inactivityDays: Int, lessonCount: (Int) -> Int? = { _ in nil }) -> [(row: FeatureRow, dropped: Bool)] {
        let limit = Int64(inactivityDays) * Cutoffs.microsPerDay
        return enrolments.compactMap { e in
            guard let row = featureRow(e, at: .train, lessonCount: lessonCount), row.isLive(inactivityDays: inactivityDays) else { return nil }
            let completed = e.completedAt <= cutoffs.score
            let unenrolled = e.unenrolledAt <= cutoffs.score
            let last = e.totals.1.hasActivity ? e.totals.1.lastActivity : (row.enrolledAt ?? cutoffs.train)
            let dropped = unenrolled || (!completed && cutoffs.score - last >= limit)
            return (row, dropped)
        }
    }
}
