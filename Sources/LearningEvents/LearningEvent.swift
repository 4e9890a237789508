/// One learning event, validated: every identifier follows ``Identifier``, the score is in 0…1, the duration is
/// not negative. Build one with ``init(validating:)`` from a ``RawLearningEvent``; readers do the same checks on bytes.
///
/// `occurredAt` is microseconds since the Unix epoch (UTC), the unit of BigQuery TIMESTAMP and Avro
/// `timestamp-micros`; ``Timestamp`` converts it to and from text.
public struct LearningEvent: Sendable, Hashable {
    /// Unique per event; the idempotency key.
    public var eventID: String
    public var tenantID: String
    /// The organisation inside the tenant, if any.
    public var orgID: String?
    public var learnerID: String
    public var courseID: String
    public var lessonID: String?
    public var type: EventType
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var occurredAt: Int64
    /// Seconds spent, ≥ 0.
    public var durationSeconds: Int64?
    /// Quiz score in 0…1 (for `quiz_submitted`).
    public var score: Double?

    /// An event from already-checked values (the readers' path). Prefer ``init(validating:)`` for untrusted input.
    public init(
        eventID: String, tenantID: String, orgID: String? = nil, learnerID: String, courseID: String,
        lessonID: String? = nil, type: EventType, occurredAt: Int64, durationSeconds: Int64? = nil, score: Double? = nil
    ) {
        self.eventID = eventID
        self.tenantID = tenantID
        self.orgID = orgID
        self.learnerID = learnerID
        self.courseID = courseID
        self.lessonID = lessonID
        self.type = type
        self.occurredAt = occurredAt
        self.durationSeconds = durationSeconds
        self.score = score
    }

    /// Validates `raw`; throws the first rule it breaks, in schema field order.
    ///
    /// ```swift
    /// var raw = RawLearningEvent()
    /// raw.eventID = "e1"; raw.tenantID = "t1"; raw.learnerID = "l1"; raw.courseID = "c1"
    /// raw.eventType = "enrolled"; raw.occurredAt = "2026-01-05 10:00:00 UTC"
    /// let event = try LearningEvent(validating: raw)
    /// ```
    public init(validating raw: RawLearningEvent) throws(ValidationError) {
        eventID = try Self.requiredID(raw.eventID, "event_id")
        tenantID = try Self.requiredID(raw.tenantID, "tenant_id")
        orgID = try Self.optionalID(raw.orgID, "org_id")
        learnerID = try Self.requiredID(raw.learnerID, "learner_id")
        courseID = try Self.requiredID(raw.courseID, "course_id")
        lessonID = try Self.optionalID(raw.lessonID, "lesson_id")
        guard let typeName = raw.eventType else { throw ValidationError(field: "event_type", reason: .missing) }
        guard let t = EventType(name: typeName) else {
            throw ValidationError(field: "event_type", reason: .unknownEventType(ValidationError.excerpt(typeName)))
        }
        type = t
        if let micros = raw.occurredAtMicros {
            occurredAt = micros
        } else if let text = raw.occurredAt {
            guard let micros = Timestamp.parse(text) else {
                throw ValidationError(field: "occurred_at", reason: .badTimestamp(ValidationError.excerpt(text)))
            }
            occurredAt = micros
        } else {
            throw ValidationError(field: "occurred_at", reason: .missing)
        }
        if let d = raw.durationSeconds, d < 0 { throw ValidationError(field: "duration_seconds", reason: .negative(d)) }
        durationSeconds = raw.durationSeconds
        if let s = raw.score, !(s >= 0 && s <= 1) {
            throw ValidationError(field: "score", reason: .scoreOutOfRange(s))
        }
        score = raw.score
    }

    static func requiredID(_ value: String?, _ field: String) throws(ValidationError) -> String {
        guard let value else { throw ValidationError(field: field, reason: .missing) }
        try checkID(value, field)
        return value
    }

    static func optionalID(_ value: String?, _ field: String) throws(ValidationError) -> String? {
        guard let value else { return nil }
        try checkID(value, field)
        return value
    }

    static func checkID(_ value: String, _ field: String) throws(ValidationError) {
        if value.isEmpty { throw ValidationError(field: field, reason: .emptyIdentifier) }
        if !Identifier.isValid(value) {
            throw ValidationError(field: field, reason: .badIdentifier(ValidationError.excerpt(value)))
        }
    }
}
