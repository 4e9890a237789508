public import LearningStore

/// The features of one enrolment (by aggregate index) as of one cutoff, and the dense vector the risk model reads.
/// The fields are ``EnrolmentFeatures``' (computed by `LearningStore`, the same code the stream runs), reachable
/// directly: `row.lessonsCompleted`.
@dynamicMemberLookup
public struct FeatureRow: Sendable, Equatable {
    public var learner: Int
    public var course: Int
    public var features: EnrolmentFeatures

    public init(learner: Int, course: Int, features: EnrolmentFeatures) {
        self.learner = learner
        self.course = course
        self.features = features
    }

    public subscript<T>(dynamicMember path: KeyPath<EnrolmentFeatures, T>) -> T { features[keyPath: path] }

    /// An enrolment still open at the cutoff: enrolled or active, not completed, not unenrolled.
    public var isOpen: Bool { features.isOpen }

    /// Open and active within `inactivityDays`: the enrolments a risk score is for (one inactive longer has
    /// already dropped out by the label's definition).
    public func isLive(inactivityDays: Int) -> Bool { features.isLive(inactivityDays: inactivityDays) }

    /// The risk model's input under the current feature schema (`FeatureSchema.current`, shared with serving).
    public var vector: [Float] { FeatureSchema.current.vector(features) }
}

extension FeatureRow: FeatureInputSource {
    public func featureInput(_ input: FeatureInput) -> Double? { features.featureInput(input) }
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

    /// The `learner_features` documents (features as of the score cutoff plus the state they came from) of a slice
    /// of the enrolments: what `ingest` writes and the stream continues from.
    public func featureDocuments(enrolments range: Range<Int>, lessonCount: (Int) -> Int? = { _ in nil }) -> [FeatureDocument] {
        enrolments[range.clamped(to: 0..<enrolments.count)].compactMap { e -> FeatureDocument? in
            guard let row = featureRow(e, at: .score, lessonCount: lessonCount) else { return nil }
            return FeatureDocument(learner: learners[row.learner], course: courses[row.course], org: learnerOrgs[row.learner],
                                   features: row.features, state: e.state)
        }
    }

    /// The lesson count completion ratios use for a course: the catalog's, else the distinct lessons seen.
    public func effectiveLessonCount(course: Int, lessonCount: (Int) -> Int?) -> Int {
        lessonCount(course) ?? lessonsSeen(course: course)
    }

    func featureRow(_ e: EnrolmentAggregate, at cutoff: Cutoff, lessonCount: (Int) -> Int?) -> FeatureRow? {
        let asOf = cutoff == .train ? cutoffs.train : cutoffs.score
        let lessons = effectiveLessonCount(course: Int(e.course), lessonCount: lessonCount)
        guard let f = e.state.features(asOf: asOf, totals: e.totals(cutoff), lessonCount: lessons) else { return nil }
        return FeatureRow(learner: Int(e.learner), course: Int(e.course), features: f)
    }

    /// Dropout labels at the score cutoff for the enrolments still live at the training cutoff (open, and
    /// active within `inactivityDays`: one already inactive that long has dropped out, nothing to predict):
    /// dropped when unenrolled by the score cutoff, or inactive for `inactivityDays` or more then without
    /// completing. Returns (training feature row, dropped) pairs.
    public func trainingSet(inactivityDays: Int, lessonCount: (Int) -> Int? = { _ in nil }) -> [(row: FeatureRow, dropped: Bool)] {
        let limit = Int64(inactivityDays) * Cutoffs.microsPerDay
        return enrolments.compactMap { e in
            guard let row = featureRow(e, at: .train, lessonCount: lessonCount), row.isLive(inactivityDays: inactivityDays) else { return nil }
            let completed = e.state.completedAt <= cutoffs.score
            let unenrolled = e.state.unenrolledAt <= cutoffs.score
            let t = e.state.totals
            let last = t.hasActivity ? t.lastActivity : (row.enrolledAt ?? cutoffs.train)
            let dropped = unenrolled || (!completed && cutoffs.score - last >= limit)
            return (row, dropped)
        }
    }
}
