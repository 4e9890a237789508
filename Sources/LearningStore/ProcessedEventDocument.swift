public import Foundation

/// `processed_events`: the idempotency record of an event applied by the stream, key (tenant_id, event_id),
/// removed by a TTL index after 14 days.
public struct ProcessedEventDocument: Codable, Sendable, Equatable {
    public var event_id: String
    public var processed_at: Date

    public init(event_id: String, processed_at: Date) {
        self.event_id = event_id
        self.processed_at = processed_at
    }
}
