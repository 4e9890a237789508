/// One learning event, validated by the rule table (``EventField/rule``): every identifier follows ``Identifier``,
/// `occurred_at` is within years 1970–2200, the duration is in 0…30 days, the score in 0…1. Build one with ``init(validating:)`` from a ``RawLearningEvent``; readers do the same checks on bytes.
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

    /// Validates `raw` by the rule table (``EventField/rule``, ``EventRules``); throws the first rule it breaks,
    /// in schema field order, exactly as the export readers do for a row with the same values.
    ///
    /// ```swift
    /// var raw = RawLearningEvent()
    /// raw.eventID = "e1"; raw.tenantID = "t1"; raw.learnerID = "l1"; raw.courseID = "c1"
    /// raw.eventType = "enrolled"; raw.occurredAt = "2026-01-05 10:00:00 UTC"
    /// let event = try LearningEvent(validating: raw)
    /// ```
    public init(validating raw: RawLearningEvent) throws(ValidationError) {
        var ids = [String?](repeating: nil, count: 6)
        var type = EventType.enrolled
        var micros: Int64 = 0
        var duration: Int64?
        var score: Double?
        for field in EventField.allCases {
            let result: Result<EventRules.Verdict, ValidationError> = raw[field].withInput { input in
                do throws(ValidationError) {
                    let verdict = try EventRules.check(input, field, isValid: Identifier.isValid(bytes:))
                    if case .identifier(let bytes) = verdict {
                        ids[field.rawValue] = String(decoding: bytes, as: UTF8.self)
                    }
                    return .success(verdict)
                } catch {
                    return .failure(error)
                }
            }
            switch result {
            case .failure(let error): throw error
            case .success(.eventType(let t)): type = t
            case .success(.micros(let m)): micros = m
            case .success(.seconds(let d)): duration = d
            case .success(.score(let s)): score = s
            case .success(.absent), .success(.identifier): break
            }
        }
        self.init(
            eventID: ids[0]!, tenantID: ids[1]!, orgID: ids[2], learnerID: ids[3]!, courseID: ids[4]!, lessonID: ids[5],
            type: type, occurredAt: micros, durationSeconds: duration, score: score)
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
