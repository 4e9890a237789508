/// The learner × course interaction matrix a recommender trains on: CSR by learner, CSC (CSR of the transpose) by
/// course, and the id maps that name rows and columns.
///
/// ```swift
/// let data = try Interactions(events: [("l1", "c1", "course_completed"), ("l1", "c2", "content_viewed")])
/// data.byLearner.count(inRow: 0)   // 2
/// ```
public struct Interactions: Sendable {
    /// Learner ids ↔ row indices.
    public let learners: IDMap
    /// Course ids ↔ column indices.
    public let courses: IDMap
    /// Learner-major CSR (rows: learners, columns: courses, values: summed weights `r`).
    public let byLearner: SparseMatrix
    /// Course-major CSR (the CSC view): rows: courses, columns: learners.
    public let byCourse: SparseMatrix

    /// Builds from index triplets; duplicates are summed. Ids default to the indices as strings.
    public init(
        triplets: [(learner: Int, course: Int, weight: Float)], learnerCount: Int, courseCount: Int,
        learners: IDMap? = nil, courses: IDMap? = nil
    ) throws {
        let l = learners ?? IDMap.indices(learnerCount)
        let c = courses ?? IDMap.indices(courseCount)
        guard l.count == learnerCount, c.count == courseCount else {
            throw ModelsError.shapeMismatch("id maps (\(l.count), \(c.count)) vs counts (\(learnerCount), \(courseCount))")
        }
        let csr = try SparseMatrix(rows: learnerCount, columns: courseCount,
                                   triplets: triplets.lazy.map { ($0.learner, $0.course, $0.weight) })
        try self.init(byLearner: csr, learners: l, courses: c)
    }

    /// Builds from string-id triplets; ids get stable (sorted) indices, duplicates are summed.
    public init(weighted: [(learnerID: String, courseID: String, weight: Float)]) throws {
        let l = IDMap(weighted.lazy.map(\.learnerID)), c = IDMap(weighted.lazy.map(\.courseID))
        var triplets: [(Int, Int, Float)] = []
        triplets.reserveCapacity(weighted.count)
        for t in weighted {
            guard let li = l.index(of: t.learnerID), let ci = c.index(of: t.courseID) else { continue }
            triplets.append((li, ci, t.weight))
        }
        let csr = try SparseMatrix(rows: l.count, columns: c.count, triplets: triplets)
        try self.init(byLearner: csr, learners: l, courses: c)
    }

    /// Builds from events `(learner id, course id, event type)`, weighting each by `confidence`; events whose weight
    /// is zero still name their learner and course but add nothing.
    public init(
        events: [(learnerID: String, courseID: String, eventType: String)],
        confidence: ConfidenceWeights = .standard
    ) throws {
        try self.init(weighted: events.map { (learnerID: $0.learnerID, courseID: $0.courseID, weight: confidence.weight(for: $0.eventType)) })
    }

    /// Builds from a learner-major CSR matrix and its id maps.
    public init(byLearner: SparseMatrix, learners: IDMap? = nil, courses: IDMap? = nil) throws {
        let l = learners ?? IDMap.indices(byLearner.rows)
        let c = courses ?? IDMap.indices(byLearner.columns)
        guard l.count == byLearner.rows, c.count == byLearner.columns else {
            throw ModelsError.shapeMismatch(
                "id maps (\(l.count) learners, \(c.count) courses) vs matrix \(byLearner.rows)×\(byLearner.columns)")
        }
        self.learners = l
        self.courses = c
        self.byLearner = byLearner
        self.byCourse = byLearner.transposed()
    }

    /// Number of learners (rows).
    public var learnerCount: Int { byLearner.rows }
    /// Number of courses (columns).
    public var courseCount: Int { byLearner.columns }
    /// Number of stored (learner, course) pairs.
    public var nonZeroCount: Int { byLearner.nonZeroCount }

    /// How many learners interacted with each course (for popularity fallback).
    public var coursePopularity: [Int] { (0..<courseCount).map { byCourse.count(inRow: $0) } }
}

extension IDMap {
    /// The map `"0", "1", …` for `count` anonymous rows or columns.
    public static func indices(_ count: Int) -> IDMap {
        IDMap(uncheckedOrdered: (0..<max(0, count)).map(String.init))
    }
}
