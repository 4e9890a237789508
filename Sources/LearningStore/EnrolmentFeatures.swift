import Foundation

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
    /// Score of the newest quiz, and its difference from the mean of this enrolment's quizzes (negative: falling).
    public var lastQuizScore: Double?
    public var quizScoreGap: Double?
    /// The longest stretch of whole days without activity since enrolment within the last
    /// ``EnrolmentFeatures/gapWindowDays`` days, the current one included.
    public var longestGapDays: Double = 0
    /// Whether the gaps between active days grow: the least-squares slope of each gap's length against the day it
    /// ended, in days per week, over the same window (nil with fewer than three active days).
    public var gapTrend: Double?
    /// Activity with a one-week half-life (events, whole days): a learner active today counts fully, one last active
    /// a week ago half.
    public var decayedActivity: Double = 0
    /// Lessons completed per week since enrolment (at least one day counted).
    public var lessonsPerWeek: Double = 0

    /// Days back from `asOf` that the gap features look at (the active-day mask holds 64).
    public static let gapWindowDays = 63

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
        case .lastQuizScore: lastQuizScore
        case .quizScoreGap: quizScoreGap
        case .longestGapDays: longestGapDays
        case .gapTrend: gapTrend
        case .decayedActivity: decayedActivity
        case .lessonsPerWeek: lessonsPerWeek
        case .courseDropoutRate, .paceVsCohort: nil  // course-level: the schema's course context provides them
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
        let asOfDay = Self.day(asOf)
        let daysEnrolled = enrolled == .max ? 0 : Double(asOf - enrolled) / day
        let gaps = Self.gaps(mask: mask, enrolledDaysAgo: enrolled == .max ? 0 : asOfDay - Self.day(enrolled))
        // The decayed sum is relative to the anchor day of `t` (this state's); seen from `asOf` it decays further.
        let decayed = t.decayedEvents * exp2(-Double(asOfDay - anchorDay) / 7)
        let lastQuiz: Double? = t.lastQuizAt != .min ? t.lastQuizScore : nil
        var f = EnrolmentFeatures(
            asOf: asOf, enrolledAt: enrolled == .max ? nil : enrolled, lastActivityAt: t.hasActivity ? t.lastActivity : nil,
            daysSinceLastActivity: Double(asOf - last) / day,
            activeDays7: activeIn(7), activeDays14: activeIn(14), activeDays28: activeIn(28),
            lessonsCompleted: Int(t.lessonsCompleted),
            completionRatio: lessonCount > 0 ? min(1, Double(t.lessonsCompleted) / Double(lessonCount)) : 0,
            views: Int(t.views), timeSpentSeconds: t.timeSpent, quizAttempts: Int(t.quizAttempts),
            quizMeanScore: mean, quizScoreTrend: trend,
            daysEnrolled: daysEnrolled,
            completed: completedAt <= asOf, unenrolled: unenrolledAt <= asOf)
        f.lastQuizScore = lastQuiz
        f.quizScoreGap = lastQuiz.flatMap { last in mean.map { last - $0 } }
        f.longestGapDays = gaps.longest
        f.gapTrend = gaps.trend
        f.decayedActivity = decayed.isFinite ? decayed : 0
        f.lessonsPerWeek = Double(t.lessonsCompleted) / max(1, daysEnrolled) * 7
        return f
    }

    /// The longest idle stretch and the gap trend from an active-day mask seen from the day features are computed
    /// for (bit `i`: active `i` days before), looking back at most ``EnrolmentFeatures/gapWindowDays`` days and not
    /// before the enrolment day.
    static func gaps(mask: UInt64, enrolledDaysAgo: Int64) -> (longest: Double, trend: Double?) {
        let window = Int(min(Int64(EnrolmentFeatures.gapWindowDays - 1), max(0, enrolledDaysAgo)))
        var longest = 0, run = 0
        var active: [Int] = []  // days before, oldest first
        for i in stride(from: window, through: 0, by: -1) {
            if mask & (UInt64(1) << UInt64(i)) != 0 {
                active.append(i)
                run = 0
            } else {
                run += 1
                longest = max(longest, run)
            }
        }
        guard active.count >= 3 else { return (Double(longest), nil) }
        // Gap k is between active days k and k+1 (in days), placed at the later day (x = −days before).
        var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        let n = Double(active.count - 1)
        for k in 0..<(active.count - 1) {
            let x = -Double(active[k + 1]), y = Double(active[k] - active[k + 1])
            sx += x
            sy += y
            sxx += x * x
            sxy += x * y
        }
        let varX = sxx - sx * sx / n
        guard varX > 1e-9 else { return (Double(longest), nil) }
        return (Double(longest), (sxy - sx * sy / n) / varX * 7)
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
