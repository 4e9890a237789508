/// A row of the `courses` catalog export.
///
/// Rules: `tenant_id` and `course_id` are required identifiers; `title` is required; `org_ids` may be absent
/// (empty = the whole tenant) and each entry is an identifier; `lesson_count` is required and ≥ 0; `published` is
/// required. Unknown extra fields are ignored by the readers.
public struct Course: Sendable, Hashable {
    public var tenantID: String
    public var courseID: String
    public var title: String
    /// Organisations the course is offered to; empty means the whole tenant.
    public var orgIDs: [String]
    public var lessonCount: Int64
    public var published: Bool

    /// A course from already-checked values.
    public init(tenantID: String, courseID: String, title: String, orgIDs: [String], lessonCount: Int64, published: Bool) {
        self.tenantID = tenantID
        self.courseID = courseID
        self.title = title
        self.orgIDs = orgIDs
        self.lessonCount = lessonCount
        self.published = published
    }

    /// Validates `raw`; throws the first rule it breaks.
    public init(validating raw: RawCourse) throws(ValidationError) {
        tenantID = try LearningEvent.requiredID(raw.tenantID, "tenant_id")
        courseID = try LearningEvent.requiredID(raw.courseID, "course_id")
        guard let title = raw.title else { throw ValidationError(field: "title", reason: .missing) }
        self.title = title
        for org in raw.orgIDs ?? [] { try LearningEvent.checkID(org, "org_ids") }
        orgIDs = raw.orgIDs ?? []
        guard let count = raw.lessonCount else { throw ValidationError(field: "lesson_count", reason: .missing) }
        if count < 0 { throw ValidationError(field: "lesson_count", reason: .negative(count)) }
        lessonCount = count
        guard let published = raw.published else { throw ValidationError(field: "published", reason: .missing) }
        self.published = published
    }
}

/// A `courses` row as read, before validation.
public struct RawCourse: Sendable, Hashable {
    public var tenantID: String?
    public var courseID: String?
    public var title: String?
    public var orgIDs: [String]?
    public var lessonCount: Int64?
    public var published: Bool?

    /// An empty raw course; set the fields that were present.
    public init() {}
}
