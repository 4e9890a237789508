public import Foundation

/// `courses`: one course of a tenant's catalog as of the last refresh, key (tenant_id, course_id). The serving side
/// reads it to keep live recommendations inside the catalog an organisation may see (published, and `org_ids` empty
/// or containing the learner's organisation) and to name courses in reasons.
public struct CourseDocument: Codable, Sendable, Equatable {
    public var course_id: String
    public var title: String
    /// Organisations the course is offered to; empty means the whole tenant.
    public var org_ids: [String]
    public var lesson_count: Int64
    public var published: Bool
    public var updated_at: Date

    public init(course_id: String, title: String, org_ids: [String], lesson_count: Int64, published: Bool, updated_at: Date) {
        self.course_id = course_id
        self.title = title
        self.org_ids = org_ids
        self.lesson_count = lesson_count
        self.published = published
        self.updated_at = updated_at
    }

    /// Whether a learner of `org` may be recommended this course.
    public func isVisible(to org: String?) -> Bool {
        guard published else { return false }
        if org_ids.isEmpty { return true }
        guard let org else { return false }
        return org_ids.contains(org)
    }
}
