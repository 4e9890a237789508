/// An event as read, before validation: every field optional, text where the source had text.
/// ``LearningEvent/init(validating:)`` turns it into a ``LearningEvent`` or a ``ValidationError``.
public struct RawLearningEvent: Sendable, Hashable {
    public var eventID: String?
    public var tenantID: String?
    public var orgID: String?
    public var learnerID: String?
    public var courseID: String?
    public var lessonID: String?
    public var eventType: String?
    /// `occurred_at` as text (RFC 3339 or BigQuery form); ignored when ``occurredAtMicros`` is set.
    public var occurredAt: String?
    /// `occurred_at` already in microseconds (Avro `timestamp-micros`).
    public var occurredAtMicros: Int64?
    public var durationSeconds: Int64?
    public var score: Double?

    /// An empty raw event; set the fields that were present.
    public init() {}
}
