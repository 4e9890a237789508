public import LearningEvents

/// The `courses` export by tenant: lesson counts for completion ratios, and which courses a learner may be
/// recommended (published, and visible to the learner's organisation; an empty `org_ids` means the whole tenant).
public struct Catalog: Sendable {
    private var byTenant: [String: [String: Course]] = [:]

    public init(_ courses: [Course] = []) {
        for c in courses { byTenant[c.tenantID, default: [:]][c.courseID] = c }
    }

    public var isEmpty: Bool { byTenant.isEmpty }

    public func course(tenant: String, id: String) -> Course? { byTenant[tenant]?[id] }

    public func title(tenant: String, id: String) -> String { course(tenant: tenant, id: id)?.title ?? id }

    public func lessonCount(tenant: String, course id: String) -> Int? {
        guard let c = course(tenant: tenant, id: id), c.lessonCount > 0 else { return nil }
        return Int(c.lessonCount)
    }

    /// Unknown courses (not in the catalog) are allowed only when the tenant has no catalog at all.
    public func isRecommendable(tenant: String, course id: String, org: String?) -> Bool {
        guard let courses = byTenant[tenant] else { return true }
        guard let c = courses[id], c.published else { return false }
        if c.orgIDs.isEmpty { return true }
        guard let org else { return false }
        return c.orgIDs.contains(org)
    }
}
