public import LearningEvents

/// Everything Lodestar keeps of one (learner, course) enrolment: a few dates, the totals and one bit per active day,
/// never the events themselves. The batch builds one per enrolment from an export; the stream keeps it in
/// `learner_features.state` and applies each new event to it, so both compute features with the same arithmetic
/// (``features(asOf:totals:lessonCount:)``).
///
/// Days are whole UTC days since 1970. Bit `i` of ``activeDays`` means "active on day `anchorDay − i`"; the anchor is
/// the newest day the state knows of (the batch anchors it at its cutoff's day). An event on a later day moves the
/// anchor forward (the mask shifts, the quiz sums are rebased); an older one sets an older bit.
///
/// ```swift
/// var s = EnrolmentState(anchorDay: EnrolmentState.day(cutoff))
/// s.apply(.lessonCompleted, at: t, duration: 600, score: nil, weight: EventWeights.default.weight(.lessonCompleted))
/// let f = s.features(asOf: cutoff, lessonCount: 12)
/// ```
///
/// Adding a feature: a new total goes in ``ActivityTotals`` (`add`, `rebase`, and its field in `Codable` below), the
/// feature in ``EnrolmentFeatures`` and its computation in `features(asOf:)`, its input in ``FeatureInput`` and
/// ``FeatureDocument``.
public struct EnrolmentState: Sendable, Equatable {
    public static let microsPerDay: Int64 = 86_400_000_000
    /// Active days kept (one bit a day back from the anchor).
    public static let trackedDays = 64

    /// The newest day the state knows of (bit 0 of ``activeDays``).
    public private(set) var anchorDay: Int64
    /// First `enrolled`, `course_completed` and `unenrolled` times (`.max` when not seen).
    public var enrolledAt: Int64 = .max
    public var completedAt: Int64 = .max
    public var unenrolledAt: Int64 = .max
    /// Bit `i`: active on day `anchorDay − i`.
    public private(set) var activeDays: UInt64 = 0
    public var totals = ActivityTotals()
    /// Bumped by every write of the stream (0 as written by the batch): how many stream writes the state has seen.
    public var revision: Int64 = 0

    /// An empty state anchored at `anchorDay`.
    public init(anchorDay: Int64) { self.anchorDay = anchorDay }

    /// The UTC day of `micros` (floor division, so times before 1970 fall on negative days).
    public static func day(_ micros: Int64) -> Int64 {
        micros >= 0 ? micros / microsPerDay : (micros - microsPerDay + 1) / microsPerDay
    }

    /// Applies one event. Events before 1970 are ignored (the readers refuse them; never reaches the day arithmetic).
    /// `also`, when given, receives the same event with the same day offset (the batch's training-cutoff totals).
    /// Returns false when the event was ignored.
    @discardableResult
    public mutating func apply(_ type: EventType, at t: Int64, duration: Int64?, score: Double?, weight: Float) -> Bool {
        var none: ActivityTotals? = nil
        return apply(type, at: t, duration: duration, score: score, weight: weight, also: &none)
    }

    @discardableResult
    public mutating func apply(_ type: EventType, at t: Int64, duration: Int64?, score: Double?, weight: Float,
                               also extra: inout ActivityTotals?) -> Bool {
        guard t >= 0 else { return false }
        let day = Self.day(t)
        if day > anchorDay { moveAnchor(to: day) }
        switch type {
        case .enrolled: enrolledAt = min(enrolledAt, t)
        case .courseCompleted: completedAt = min(completedAt, t)
        case .unenrolled: unenrolledAt = min(unenrolledAt, t)
        default: break
        }
        let back = anchorDay - day  // ≥ 0
        if back < Int64(Self.trackedDays) && type != .unenrolled { activeDays |= 1 << UInt64(back) }
        totals.add(type, at: t, duration: duration, score: score, x: -Double(back), weight: weight)
        extra?.add(type, at: t, duration: duration, score: score, x: -Double(back), weight: weight)
        return true
    }

    /// Moves the anchor to a later day: older bits shift out, quiz sums are rebased.
    public mutating func moveAnchor(to day: Int64) {
        guard day > anchorDay else { return }
        let k = day - anchorDay
        activeDays = k >= Int64(Self.trackedDays) ? 0 : activeDays << UInt64(k)
        totals.rebase(by: k)
        anchorDay = day
    }

    /// The active-day mask as seen from `day` (bit `i`: active on `day − i`).
    public func activeDays(seenFrom day: Int64) -> UInt64 {
        let shift = day - anchorDay
        if shift >= 0 { return shift >= Int64(Self.trackedDays) ? 0 : activeDays << UInt64(shift) }
        return -shift >= Int64(Self.trackedDays) ? 0 : activeDays >> UInt64(-shift)
    }
}

extension EnrolmentState: Codable {
    // Stored in `learner_features.state` (snake_case, times in microseconds, absent dates omitted, the mask as its
    // Int64 bit pattern since BSON has no unsigned integers).
    enum CodingKeys: String, CodingKey {
        case anchorDay = "anchor_day", enrolledAt = "enrolled_at", completedAt = "completed_at", unenrolledAt = "unenrolled_at"
        case activeDays = "active_days", firstActivity = "first_activity", lastActivity = "last_activity"
        case lessonsCompleted = "lessons_completed", views, quizAttempts = "quiz_attempts", timeSpent = "time_spent"
        case quizSum = "quiz_sum", quizT = "quiz_t", quizTT = "quiz_tt", quizTS = "quiz_ts", confidence, events, revision
        case lastQuizAt = "last_quiz_at", lastQuizScore = "last_quiz_score", decayedEvents = "decayed_events"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        anchorDay = try c.decode(Int64.self, forKey: .anchorDay)
        guard abs(anchorDay) <= 4_000_000 else {  // ±10,000 years: keeps every day difference far from overflow
            throw DecodingError.dataCorruptedError(forKey: .anchorDay, in: c, debugDescription: "anchor day \(anchorDay) out of range")
        }
        enrolledAt = try c.decodeIfPresent(Int64.self, forKey: .enrolledAt) ?? .max
        completedAt = try c.decodeIfPresent(Int64.self, forKey: .completedAt) ?? .max
        unenrolledAt = try c.decodeIfPresent(Int64.self, forKey: .unenrolledAt) ?? .max
        activeDays = UInt64(bitPattern: try c.decode(Int64.self, forKey: .activeDays))
        var t = ActivityTotals()
        t.firstActivity = try c.decodeIfPresent(Int64.self, forKey: .firstActivity) ?? .max
        t.lastActivity = try c.decodeIfPresent(Int64.self, forKey: .lastActivity) ?? .min
        t.lessonsCompleted = try c.decode(Int32.self, forKey: .lessonsCompleted)
        t.views = try c.decode(Int32.self, forKey: .views)
        t.quizAttempts = try c.decode(Int32.self, forKey: .quizAttempts)
        t.timeSpent = try c.decode(Int64.self, forKey: .timeSpent)
        t.quizSum = try c.decode(Double.self, forKey: .quizSum)
        t.quizT = try c.decode(Double.self, forKey: .quizT)
        t.quizTT = try c.decode(Double.self, forKey: .quizTT)
        t.quizTS = try c.decode(Double.self, forKey: .quizTS)
        t.confidence = try c.decode(Float.self, forKey: .confidence)
        t.events = try c.decode(Int64.self, forKey: .events)
        // Absent in states written before these existed: no last quiz known, no decayed activity (the next ingest
        // rebuilds them from the export).
        t.lastQuizAt = try c.decodeIfPresent(Int64.self, forKey: .lastQuizAt) ?? .min
        t.lastQuizScore = try c.decodeIfPresent(Double.self, forKey: .lastQuizScore) ?? 0
        t.decayedEvents = try c.decodeIfPresent(Double.self, forKey: .decayedEvents) ?? 0
        guard t.decayedEvents.isFinite, t.decayedEvents >= 0, t.lastQuizScore.isFinite else {
            throw DecodingError.dataCorruptedError(forKey: .decayedEvents, in: c, debugDescription: "non-finite or negative value in enrolment state")
        }
        guard t.lessonsCompleted >= 0, t.views >= 0, t.quizAttempts >= 0, t.timeSpent >= 0, t.events >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .events, in: c, debugDescription: "negative count in enrolment state")
        }
        totals = t
        revision = try c.decodeIfPresent(Int64.self, forKey: .revision) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(anchorDay, forKey: .anchorDay)
        if enrolledAt != .max { try c.encode(enrolledAt, forKey: .enrolledAt) }
        if completedAt != .max { try c.encode(completedAt, forKey: .completedAt) }
        if unenrolledAt != .max { try c.encode(unenrolledAt, forKey: .unenrolledAt) }
        try c.encode(Int64(bitPattern: activeDays), forKey: .activeDays)
        if totals.firstActivity != .max { try c.encode(totals.firstActivity, forKey: .firstActivity) }
        if totals.lastActivity != .min { try c.encode(totals.lastActivity, forKey: .lastActivity) }
        try c.encode(totals.lessonsCompleted, forKey: .lessonsCompleted)
        try c.encode(totals.views, forKey: .views)
        try c.encode(totals.quizAttempts, forKey: .quizAttempts)
        try c.encode(totals.timeSpent, forKey: .timeSpent)
        try c.encode(totals.quizSum, forKey: .quizSum)
        try c.encode(totals.quizT, forKey: .quizT)
        try c.encode(totals.quizTT, forKey: .quizTT)
        try c.encode(totals.quizTS, forKey: .quizTS)
        try c.encode(totals.confidence, forKey: .confidence)
        try c.encode(totals.events, forKey: .events)
        try c.encode(revision, forKey: .revision)
        if totals.lastQuizAt != .min {
            try c.encode(totals.lastQuizAt, forKey: .lastQuizAt)
            try c.encode(totals.lastQuizScore, forKey: .lastQuizScore)
        }
        try c.encode(totals.decayedEvents, forKey: .decayedEvents)
    }
}
