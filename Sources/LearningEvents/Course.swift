/// A row of the `courses` catalog export.
///
/// Rules: `tenant_id` and `course_id` are required identifiers; `title` is required; `org_ids` may be absent
/// (empty = the whole tenant) and each entry is an identifier; `lesson_count` is required and ≥ 0; `published` is
/// required. The attributes recommendation rules use are optional: `language` is 1–35 characters of
/// `A–Z a–z 0–9 -` (`en`, `pt-BR`); `categories` and `prerequisites` may be absent (= empty), hold at most 64
/// identifiers each, and `prerequisites` never names the course itself; `published_at` and `expires_at` are
/// timestamps as `occurred_at` is (RFC 3339, BigQuery's text form or Avro micros; years 1970–2200), and `expires_at`
/// comes after `published_at` when both are given. Unknown extra fields are ignored by the readers.
///
/// ```swift
/// var raw = RawCourse()
/// raw.tenantID = "acme"; raw.courseID = "sql-2"; raw.title = "SQL II"; raw.lessonCount = 8; raw.published = true
/// raw.language = "en"; raw.categories = ["data"]; raw.prerequisites = ["sql-1"]
/// raw.publishedAt = "2026-01-05 00:00:00 UTC"
/// let course = try Course(validating: raw)
/// ```
public struct Course: Sendable, Hashable {
    /// The most entries of `categories`.
    public static let maxCategories = 64
    /// The most entries of `prerequisites`.
    public static let maxPrerequisites = 64
    /// The longest `language` tag.
    public static let maxLanguageLength = 35

    public var tenantID: String
    public var courseID: String
    public var title: String
    /// Organisations the course is offered to; empty means the whole tenant.
    public var orgIDs: [String]
    public var lessonCount: Int64
    public var published: Bool
    /// The course's language tag (`en`, `pt-BR`), if the catalog gives one.
    public var language: String?
    /// Category identifiers (empty when the catalog gives none).
    public var categories: [String]
    /// When the course is published, in microseconds since the epoch (as ``LearningEvent/occurredAt``).
    public var publishedAt: Int64?
    /// When the course expires, in microseconds since the epoch; after ``publishedAt`` when both are set.
    public var expiresAt: Int64?
    /// Course ids to complete before this one (never the course itself).
    public var prerequisites: [String]

    /// A course from already-checked values.
    public init(
        tenantID: String, courseID: String, title: String, orgIDs: [String], lessonCount: Int64, published: Bool,
        language: String? = nil, categories: [String] = [], publishedAt: Int64? = nil, expiresAt: Int64? = nil,
        prerequisites: [String] = []
    ) {
        self.tenantID = tenantID
        self.courseID = courseID
        self.title = title
        self.orgIDs = orgIDs
        self.lessonCount = lessonCount
        self.published = published
        self.language = language
        self.categories = categories
        self.publishedAt = publishedAt
        self.expiresAt = expiresAt
        self.prerequisites = prerequisites
    }

    /// Validates `raw`; throws the first rule it breaks, in the order of the fields above.
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
        if let tag = raw.language, !Self.isLanguageTag(tag) {
            throw ValidationError(field: "language", reason: .badLanguageTag(ValidationError.excerpt(tag)))
        }
        language = raw.language
        categories = try Self.ids(raw.categories, "categories", limit: Self.maxCategories)
        publishedAt = try Self.timestamp(raw.publishedAt, "published_at")
        expiresAt = try Self.timestamp(raw.expiresAt, "expires_at")
        if let p = publishedAt, let e = expiresAt, e <= p {
            throw ValidationError(field: "expires_at", reason: .notAfter(e, other: "published_at", otherValue: p))
        }
        prerequisites = try Self.ids(raw.prerequisites, "prerequisites", limit: Self.maxPrerequisites)
        if prerequisites.contains(courseID) {
            throw ValidationError(field: "prerequisites", reason: .selfReference(courseID))
        }
    }

    /// Whether `tag` is 1–``maxLanguageLength`` characters of `A–Z a–z 0–9 -`.
    public static func isLanguageTag(_ tag: String) -> Bool {
        let utf8 = tag.utf8
        guard (1...maxLanguageLength).contains(utf8.count) else { return false }
        return utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
        }
    }

    /// A list of identifiers, absent = empty: the count is checked before any entry.
    static func ids(_ values: [String]?, _ field: String, limit: Int) throws(ValidationError) -> [String] {
        guard let values else { return [] }
        guard values.count <= limit else { throw ValidationError(field: field, reason: .tooMany(count: values.count, limit: limit)) }
        for v in values { try LearningEvent.checkID(v, field) }
        return values
    }

    /// An optional timestamp by the rule of `occurred_at`: text in RFC 3339 or BigQuery form, or micros; years
    /// 1970–2200.
    static func timestamp(_ raw: RawValue, _ field: String) throws(ValidationError) -> Int64? {
        let micros: Int64
        switch raw {
        case .null: return nil
        case .timestampMicros(let m): micros = m
        case .text(let s):
            guard let m = Timestamp.parse(s) else {
                throw ValidationError(field: field, reason: .badTimestamp(ValidationError.excerpt(s)))
            }
            micros = m
        default:
            throw ValidationError(field: field, reason: .wrongType(expected: "a timestamp", found: raw.withInput { $0.kindName }))
        }
        guard micros >= EventRules.earliestOccurredAt && micros <= EventRules.latestOccurredAt else {
            throw ValidationError(field: field, reason: .timestampOutOfRange(micros))
        }
        return micros
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
    public var language: String?
    public var categories: [String]?
    /// Text (RFC 3339 or BigQuery form) or ``RawValue/timestampMicros(_:)``; null when absent.
    public var publishedAt: RawValue = nil
    /// Text (RFC 3339 or BigQuery form) or ``RawValue/timestampMicros(_:)``; null when absent.
    public var expiresAt: RawValue = nil
    public var prerequisites: [String]?

    /// An empty raw course; set the fields that were present.
    public init() {}
}
