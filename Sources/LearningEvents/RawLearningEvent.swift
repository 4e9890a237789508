/// An event as read, before validation: every field a ``RawValue`` (null when absent), typed as the source had it.
/// ``LearningEvent/init(validating:)`` turns it into a ``LearningEvent`` or a ``ValidationError`` by the rule table.
///
/// EventSources builds one from a JSON object (`RawLearningEvent(jsonObject:)`), reading it exactly as a line of an
/// NDJSON export is read.
public struct RawLearningEvent: Sendable, Hashable {
    public var eventID: RawValue = nil
    public var tenantID: RawValue = nil
    public var orgID: RawValue = nil
    public var learnerID: RawValue = nil
    public var courseID: RawValue = nil
    public var lessonID: RawValue = nil
    public var eventType: RawValue = nil
    /// Text (RFC 3339 or BigQuery form) or ``RawValue/timestampMicros(_:)``.
    public var occurredAt: RawValue = nil
    public var durationSeconds: RawValue = nil
    public var score: RawValue = nil

    /// An empty raw event; set the fields that were present.
    public init() {}

    /// The value of `field`.
    public subscript(field: EventField) -> RawValue {
        get {
            switch field {
            case .eventID: eventID
            case .tenantID: tenantID
            case .orgID: orgID
            case .learnerID: learnerID
            case .courseID: courseID
            case .lessonID: lessonID
            case .eventType: eventType
            case .occurredAt: occurredAt
            case .durationSeconds: durationSeconds
            case .score: score
            }
        }
        set {
            switch field {
            case .eventID: eventID = newValue
            case .tenantID: tenantID = newValue
            case .orgID: orgID = newValue
            case .learnerID: learnerID = newValue
            case .courseID: courseID = newValue
            case .lessonID: lessonID = newValue
            case .eventType: eventType = newValue
            case .occurredAt: occurredAt = newValue
            case .durationSeconds: durationSeconds = newValue
            case .score: score = newValue
            }
        }
    }
}
