import LearningEvents

/// Running totals of one learner's events in one course, as of one cutoff.
struct CutoffTotals: Sendable {
    var firstActivity: Int64 = .max
    var lastActivity: Int64 = .min
    var lessonsCompleted: Int32 = 0
    var views: Int32 = 0
    var quizAttempts: Int32 = 0
    var timeSpent: Int64 = 0
    // Quiz sums in Float: a handful of attempts per enrolment, and these are kept for every enrolment.
    var quizSum: Float = 0
    // Least-squares trend of quiz scores over time (t in days before the score cutoff, negated).
    var quizT: Float = 0
    var quizTT: Float = 0
    var quizTS: Float = 0
    /// Implicit-feedback confidence accumulated from event types (iALS input).
    var confidence: Float = 0

    var hasActivity: Bool { lastActivity != .min }
}

/// Everything Lodestar keeps of one (learner, course) enrolment while streaming an export: a few totals per
/// cutoff and one bit per active day, never the events themselves (memory stays bounded by enrolments).
struct EnrolmentAggregate: Sendable {
    let learner: Int32
    let course: Int32
    var enrolledAt: Int64 = .max
    var completedAt: Int64 = .max
    var unenrolledAt: Int64 = .max
    /// Bit i set: active on the day i days before the score cutoff.
    var activeDays: UInt64 = 0
    /// [0] as of the training cutoff, [1] as of the score cutoff.
    var totals = (CutoffTotals(), CutoffTotals())

    init(learner: Int32, course: Int32) {
        self.learner = learner
        self.course = course
    }

    mutating func add(_ type: EventType, at t: Int64, duration: Int64?, score: Double?, cutoffs: Cutoffs, weights: EventWeights) {
        guard t <= cutoffs.score else { return }  // after the cutoff: not known yet
        guard t >= 0 else { return }  // before 1970: refused by the readers; never reaches the day arithmetic
        switch type {
        case .enrolled: enrolledAt = min(enrolledAt, t)
        case .courseCompleted: completedAt = min(completedAt, t)
        case .unenrolled: unenrolledAt = min(unenrolledAt, t)
        default: break
        }
        let day = cutoffs.daysBeforeScore(t)
        if day >= 0 && day < Int64(Cutoffs.trackedDays) && type != .unenrolled { activeDays |= 1 << UInt64(day) }
        let w = weights.weight(type)
        if t <= cutoffs.train { Self.update(&totals.0, type, t, duration, score, day, w) }
        Self.update(&totals.1, type, t, duration, score, day, w)
    }

    private static func update(_ s: inout CutoffTotals, _ type: EventType, _ t: Int64, _ duration: Int64?, _ score: Double?,
                               _ day: Int64, _ w: Float) {
        if type != .unenrolled {
            s.firstActivity = min(s.firstActivity, t)
            s.lastActivity = max(s.lastActivity, t)
        }
        s.confidence += w
        // Sums saturate: the readers bound each duration (≤ 30 days), but a long enough export could still add
        // up past Int64 or the 32-bit counters, and a trap there would stop every tenant's run.
        if let duration, duration > 0 { s.timeSpent = saturatingAdd(s.timeSpent, duration) }
        switch type {
        case .lessonCompleted: s.lessonsCompleted = saturatingIncrement(s.lessonsCompleted)
        case .contentViewed: s.views = saturatingIncrement(s.views)
        case .quizSubmitted:
            if let score, score.isFinite {
                s.quizAttempts = saturatingIncrement(s.quizAttempts)
                s.quizSum += Float(score)
                let x = -Float(day)
                s.quizT += x
                s.quizTT += x * x
                s.quizTS += x * Float(score)
            }
        default: break
        }
    }
}

/// `a + b`, clamped to `Int64`'s range.
func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
    let (r, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? .max : .min) : r
}

/// `a + 1`, stopping at `Int32.max`.
func saturatingIncrement(_ a: Int32) -> Int32 { a == .max ? a : a + 1 }
