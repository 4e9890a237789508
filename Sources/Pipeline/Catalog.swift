public import LearningEvents

/// The `courses` export by tenant: lesson counts for completion ratios, titles, and the rows the ingest writes as
/// `courses` documents (which the recommender's one visibility rule, `CourseCatalogView`, reads).
///
/// A catalog that was given (`isProvided`) fails closed: a course it does not list, or a tenant it has no row
/// of, is not recommendable. Without a catalog (none given) every course seen in events is.
public struct Catalog: Sendable {
    private var byTenant: [String: [String: Course]] = [:]
    /// True when a `courses` export was given (even if every row of it was refused).
    public let isProvided: Bool

    /// `provided` defaults to whether there are courses.
    public init(_ courses: [Course] = [], provided: Bool? = nil) {
        for c in courses { byTenant[c.tenantID, default: [:]][c.courseID] = c }
        isProvided = provided ?? !courses.isEmpty
    }

    public var isEmpty: Bool { byTenant.isEmpty }

    /// True when the catalog has at least one valid course of `tenant`.
    public func hasCourses(tenant: String) -> Bool { !(byTenant[tenant]?.isEmpty ?? true) }

    public func course(tenant: String, id: String) -> Course? { byTenant[tenant]?[id] }

    /// The valid catalog rows of `tenant`, by course id.
    public func courses(tenant: String) -> [Course] {
        (byTenant[tenant] ?? [:]).keys.sorted().map { byTenant[tenant]![$0]! }
    }

    public func title(tenant: String, id: String) -> String { course(tenant: tenant, id: id)?.title ?? id }

    public func lessonCount(tenant: String, course id: String) -> Int? {
        guard let c = course(tenant: tenant, id: id), c.lessonCount > 0 else { return nil }
        return Int(c.lessonCount)
    }
}
