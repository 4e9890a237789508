public import Foundation

/// `courses`: what the batch knew of a course at its last ingest, key (tenant_id, course_id): the lesson count its
/// completion ratios used and the catalog's visibility. The stream reads it to compute the same completion ratio and
/// to keep recommendations within what the batch would show (``CourseCatalogView``, the one visibility rule).
///
/// Written by the `ingest` phase for every course of the tenant's events and of its catalog.
public struct CourseDocument: Codable, Sendable, Equatable {
    public var course_id: String
    public var title: String
    /// Organisations that may see it (empty: the whole tenant).
    public var org_ids: [String]
    /// The lesson count behind completion ratios: the catalog's, else the distinct lessons seen in events (0: unknown).
    public var lesson_count: Int
    public var published: Bool
    /// True when the course came from a catalog export. A course seen only in events is recommendable only when the
    /// run had no catalog (with a catalog, recommendations fail closed).
    public var in_catalog: Bool
    /// The catalog's language tag (`en`, `pt-BR`), if it gives one.
    public var language: String?
    /// The catalog's categories (absent in documents written before they existed).
    public var categories: [String]?
    /// When the course was published; before it, the course is not recommended.
    public var published_at: Date?
    /// When the course expires; from then on it is not recommended.
    public var expires_at: Date?
    /// Courses to complete before this one is recommended.
    public var prerequisites: [String]?

    public init(course_id: String, title: String, org_ids: [String], lesson_count: Int, published: Bool, in_catalog: Bool,
                language: String? = nil, categories: [String]? = nil, published_at: Date? = nil, expires_at: Date? = nil,
                prerequisites: [String]? = nil) {
        self.course_id = course_id
        self.title = title
        self.org_ids = org_ids
        self.lesson_count = lesson_count
        self.published = published
        self.in_catalog = in_catalog
        self.language = language
        self.categories = categories
        self.published_at = published_at
        self.expires_at = expires_at
        self.prerequisites = prerequisites
    }
}
