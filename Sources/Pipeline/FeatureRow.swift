package import LearningStore

/// The features of one enrolment (by aggregate index) as of one cutoff, and the dense vector the risk model reads.
/// The fields are ``EnrolmentFeatures``' (computed by `LearningStore`, the same code the stream runs), reachable
/// directly: `row.lessonsCompleted`.
@dynamicMemberLookup
package struct FeatureRow: Sendable, Equatable {
    public var learner: Int
    public var course: Int
    /// The course id (for the schema's course-level inputs).
    public var courseID: String?
    public var features: EnrolmentFeatures

    public init(learner: Int, course: Int, courseID: String? = nil, features: EnrolmentFeatures) {
        self.learner = learner
        self.course = course
        self.courseID = courseID
        self.features = features
    }

    public subscript<T>(dynamicMember path: KeyPath<EnrolmentFeatures, T>) -> T { features[keyPath: path] }

    /// An enrolment still open at the cutoff: enrolled or active, not completed, not unenrolled.
    public var isOpen: Bool { features.isOpen }

    /// Open and active within `inactivityDays`: the enrolments a risk score is for (one inactive longer has
    /// already dropped out by the label's definition).
    public func isLive(inactivityDays: Int) -> Bool { features.isLive(inactivityDays: inactivityDays) }

    /// The risk model's input under the current feature schema without a course context.
    public var vector: [Float] { FeatureSchema.current.vector(self) }
}

extension FeatureRow: FeatureInputSource {
    public func featureInput(_ input: FeatureInput) -> Double? { features.featureInput(input) }
    public var featureCourseID: String? { courseID }
}

/// How an enrolment ended, as known at one moment.
package struct RiskOutcome: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case dropped, completed, open }
    public var kind: Kind
    /// When it ended (microseconds); for `open`, the moment it is known up to (censored there).
    public var at: Int64
}

extension TenantAggregator {
    /// Feature rows of every enrolment with activity by `cutoff`. `lessonCount` gives a course's lesson count
    /// from the catalog (nil: the distinct lessons seen in events are used).
    public func featureRows(at cutoff: Cutoff, lessonCount: (Int) -> Int? = { _ in nil }) -> [FeatureRow] {
        featureRows(at: cutoff, enrolments: 0..<enrolments.count, lessonCount: lessonCount)
    }

    /// The feature rows of a slice of the enrolments (for building and writing them a chunk at a time).
    public func featureRows(at cutoff: Cutoff, enrolments range: Range<Int>, lessonCount: (Int) -> Int? = { _ in nil }) -> [FeatureRow] {
        range.clamped(to: 0..<enrolments.count).compactMap { featureRow($0, at: cutoff, lessonCount: lessonCount) }
    }

    /// The `learner_features` documents (features as of the score cutoff plus the state they came from) of a slice
    /// of the enrolments: what `ingest` writes and the stream continues from.
    public func featureDocuments(enrolments range: Range<Int>, lessonCount: (Int) -> Int? = { _ in nil }) -> [FeatureDocument] {
        range.clamped(to: 0..<enrolments.count).compactMap { e -> FeatureDocument? in
            guard let row = featureRow(e, at: .score, lessonCount: lessonCount) else { return nil }
            return FeatureDocument(learner: learners[row.learner], course: courses[row.course], org: learnerOrgs[row.learner],
                                   features: row.features, state: enrolments[e].state)
        }
    }

    /// The lesson count completion ratios use for a course: the catalog's, else the distinct lessons seen.
    public func effectiveLessonCount(course: Int, lessonCount: (Int) -> Int?) -> Int {
        lessonCount(course) ?? lessonsSeen(course: course)
    }

    /// Enrolment `e`'s features as of `cutoff` (nil: nothing known of it by then, or no snapshot kept).
    public func featureRow(_ e: Int, at cutoff: Cutoff, lessonCount: (Int) -> Int?) -> FeatureRow? {
        guard let state = state(e, at: cutoff) else { return nil }
        let agg = enrolments[e]
        let lessons = effectiveLessonCount(course: Int(agg.course), lessonCount: lessonCount)
        guard let f = state.features(asOf: time(cutoff), lessonCount: lessons) else { return nil }
        return FeatureRow(learner: Int(agg.learner), course: Int(agg.course), courseID: courses[Int(agg.course)], features: f)
    }

    /// How enrolment `e` ended as known at `cutoff`: completed (at its completion), dropped (at its unenrolment, or
    /// `inactivityDays` after its last activity once that moment has passed without a completion), or still open.
    public func outcome(_ e: Int, knownAt cutoff: Cutoff, inactivityDays: Int) -> RiskOutcome {
        let t = time(cutoff)
        guard let s = state(e, at: cutoff) else { return RiskOutcome(kind: .open, at: t) }
        if s.completedAt != .max, s.completedAt <= s.unenrolledAt { return RiskOutcome(kind: .completed, at: s.completedAt) }
        if s.unenrolledAt != .max { return RiskOutcome(kind: .dropped, at: s.unenrolledAt) }
        let last = s.totals.hasActivity ? s.totals.lastActivity : s.enrolledAt
        let limit = Int64(inactivityDays) * Cutoffs.microsPerDay
        if last != .max, t - last >= limit { return RiskOutcome(kind: .dropped, at: last + limit) }
        return RiskOutcome(kind: .open, at: t)
    }
}
