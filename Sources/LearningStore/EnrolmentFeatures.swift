/// The features of one enrolment as of one moment: what `learner_features` stores and the risk model reads (through
/// ``FeatureSchema``). Computed only by ``EnrolmentState/features(asOf:totals:lessonCount:)``, for batch and stream.
public struct EnrolmentFeatures: Sendable, Equatable {
    /// Microseconds since the epoch.
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

    /// An enrolment still open: not completed, not unenrolled.
    public var isOpen: Bool { !completed && !unenrolled }

    /// Open and active within `inactivityDays`: the enrolments a risk score is for (one inactive longer has already
    /// dropped out by the label's definition).
    public func isLive(inactivityDays: Int) -> Bool { isOpen && daysSinceLastActivity < Double(inactivityDays) }
}

extension EnrolmentFeatures: FeatureInputSource {
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

extension EnrolmentState {
    /// The features as of `asOf` (microseconds), from ``totals`` or the given `totals` (the batch's training-cutoff
    /// totals, which share this state's dates and active days). `lessonCount` is the course's lesson count (0 when
    /// unknown: the completion ratio is then 0). Nil when the enrolment had neither activity nor an enrolment by then.
    ///
    /// Active days after `asOf`'s day are not counted; the caller only passes totals of events up to `asOf`.
    public func features(asOf: Int64, totals other: ActivityTotals? = nil, lessonCount: Int) -> EnrolmentFeatures? {
        let t = other ?? totals
        guard t.hasActivity || enrolledAt <= asOf else { return nil }
        let enrolled = min(enrolledAt, t.firstActivity)
        let last = t.hasActivity ? t.lastActivity : enrolled
        let mean = t.quizAttempts > 0 ? t.quizSum / Double(t.quizAttempts) : nil
        var trend: Double? = nil
        if t.quizAttempts >= 2 {
            let n = Double(t.quizAttempts), st = t.quizT, ss = t.quizSum
            let varT = t.quizTT - st * st / n
            if varT > 1e-6 { trend = (t.quizTS - st * ss / n) / varT * 7 }  // score change per week
        }
        let mask = activeDays(seenFrom: Self.day(asOf))
        func activeIn(_ window: Int) -> Int {
            let m: UInt64 = window >= 64 ? .max : (UInt64(1) << UInt64(window)) - 1
            return (mask & m).nonzeroBitCount
        }
        let day = Double(Self.microsPerDay)
        return EnrolmentFeatures(
            asOf: asOf, enrolledAt: enrolled == .max ? nil : enrolled, lastActivityAt: t.hasActivity ? t.lastActivity : nil,
            daysSinceLastActivity: Double(asOf - last) / day,
            activeDays7: activeIn(7), activeDays14: activeIn(14), activeDays28: activeIn(28),
            lessonsCompleted: Int(t.lessonsCompleted),
            completionRatio: lessonCount > 0 ? min(1, Double(t.lessonsCompleted) / Double(lessonCount)) : 0,
            views: Int(t.views), timeSpentSeconds: t.timeSpent, quizAttempts: Int(t.quizAttempts),
            quizMeanScore: mean, quizScoreTrend: trend,
            daysEnrolled: enrolled == .max ? 0 : Double(asOf - enrolled) / day,
            completed: completedAt <= asOf, unenrolled: unenrolledAt <= asOf)
    }
}

extension EnrolmentFeatures {
    /// The features of an enrolment that has neither activity nor an enrolment yet (only an `unenrolled` event, which
    /// the stream may receive before the enrolment itself): nothing counted, flags from `state`.
    public static func inactive(asOf: Int64, state: EnrolmentState) -> EnrolmentFeatures {
        EnrolmentFeatures(asOf: asOf, enrolledAt: nil, lastActivityAt: nil, daysSinceLastActivity: 0, activeDays7: 0,
                          activeDays14: 0, activeDays28: 0, lessonsCompleted: 0, completionRatio: 0, views: 0,
                          timeSpentSeconds: 0, quizAttempts: 0, quizMeanScore: nil, quizScoreTrend: nil, daysEnrolled: 0,
                          completed: state.completedAt <= asOf, unenrolled: state.unenrolledAt <= asOf)
    }
}

extension EnrolmentState {
    /// The newest time among the events applied (microseconds; 0 when none).
    public var newestEvent: Int64 {
        var t = totals.hasActivity ? totals.lastActivity : 0
        for d in [enrolledAt, completedAt, unenrolledAt] where d != .max { t = max(t, d) }
        return t
    }
}
