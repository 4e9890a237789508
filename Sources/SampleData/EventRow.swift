public import LearningEvents

/// One generated event, ready for a writer (ids are short strings so they stay inline, without allocation).
public struct EventRow: Sendable {
    public var eventID: String
    public var tenantID: String
    public var orgID: String?
    public var learnerID: String
    public var courseID: String
    public var lessonID: String?
    public var type: EventType
    public var occurredAt: Int64
    public var durationSeconds: Int64?
    public var score: Double?
}
