public import LearningEvents
import Foundation

/// Running totals of one learner's events in one course: counts, time, quiz sums and the iALS confidence. Part of
/// ``EnrolmentState``; the batch keeps a second one for its training cutoff.
///
/// Quiz times `x` are whole days relative to the state's anchor day (`day - anchorDay`, so ≤ 0), which keeps the
/// least-squares sums small; ``rebase(by:)`` moves them when the anchor moves.
public struct ActivityTotals: Sendable, Equatable {
    /// Microseconds of the first and last activity (`.max` / `.min` while there is none).
    public var firstActivity: Int64 = .max
    public var lastActivity: Int64 = .min
    public var lessonsCompleted: Int32 = 0
    public var views: Int32 = 0
    public var quizAttempts: Int32 = 0
    public var timeSpent: Int64 = 0
    /// Sum of quiz scores.
    public var quizSum: Double = 0
    /// Least-squares sums of the quiz trend: Σx, Σx², Σx·score (x in days relative to the anchor day).
    public var quizT: Double = 0
    public var quizTT: Double = 0
    public var quizTS: Double = 0
    /// Implicit-feedback confidence accumulated from event types (iALS input).
    public var confidence: Float = 0
    /// Events applied (of every type): what "nothing lost, nothing counted twice" is checked on.
    public var events: Int64 = 0
    /// Time (microseconds) and score of the newest quiz (`.min` and 0 while there is none). Two quizzes at the same
    /// microsecond keep the higher score, so the order events arrive in never matters.
    public var lastQuizAt: Int64 = .min
    public var lastQuizScore: Double = 0
    /// Activity with a one-week half-life: Σ 0.5^(days before the anchor day / 7) over every event but `unenrolled`
    /// (whole days, so batch and stream agree); ``rebase(by:)`` decays it when the anchor moves.
    public var decayedEvents: Double = 0

    public init() {}

    /// True once any event other than `unenrolled` was applied.
    public var hasActivity: Bool { lastActivity != .min }

    /// Adds one event at `t` (microseconds), `x` days relative to the anchor day, with confidence `weight`.
    public mutating func add(_ type: EventType, at t: Int64, duration: Int64?, score: Double?, x: Double, weight: Float) {
        events = events == .max ? events : events + 1
        if type != .unenrolled {
            firstActivity = min(firstActivity, t)
            lastActivity = max(lastActivity, t)
            decayedEvents += exp2(min(0, x) / 7)
        }
        confidence += weight
        // Sums saturate: each duration is bounded by the rule table, but a long enough history could still add up
        // past Int64 or the 32-bit counters, and a trap there would stop a whole run or the consumer.
        if let duration, duration > 0 { timeSpent = saturatingAdd(timeSpent, duration) }
        switch type {
        case .lessonCompleted: lessonsCompleted = saturatingIncrement(lessonsCompleted)
        case .contentViewed: views = saturatingIncrement(views)
        case .quizSubmitted:
            if let score, score.isFinite {
                quizAttempts = saturatingIncrement(quizAttempts)
                quizSum += score
                quizT += x
                quizTT += x * x
                quizTS += x * score
                if t > lastQuizAt || (t == lastQuizAt && score > lastQuizScore) {
                    lastQuizAt = t
                    lastQuizScore = score
                }
            }
        default: break
        }
    }

    /// Re-expresses the quiz sums for an anchor `k` days later (every x becomes x − k; the trend does not change) and
    /// decays ``decayedEvents`` by `k` days.
    public mutating func rebase(by k: Int64) {
        guard k != 0 else { return }
        decayedEvents *= exp2(-Double(k) / 7)
        guard quizAttempts > 0 else { return }
        let n = Double(quizAttempts), d = Double(k)
        quizTT = quizTT - 2 * d * quizT + n * d * d
        quizTS -= d * quizSum
        quizT -= n * d
    }
}

/// `a + b`, clamped to `Int64`'s range.
func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
    let (r, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? .max : .min) : r
}

/// `a + 1`, stopping at `Int32.max`.
func saturatingIncrement(_ a: Int32) -> Int32 { a == .max ? a : a + 1 }
