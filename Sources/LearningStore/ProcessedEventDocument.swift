public import Foundation

/// `processed_events`: the stream's idempotency records, key (tenant_id, event_id), removed by a TTL index 14 days
/// after `processed_at`.
///
/// One record holds the ids of the events of one tenant that one batch applied (`event_id` is an array, at most
/// ``maxEventsPerRecord`` ids): the unique index on (tenant_id, event_id) is then multikey, so an id is still unique
/// across every record of the tenant, and inserting a record that repeats an applied id fails the whole insert — the
/// check the stream relies on. Bucketing is what makes the records cheap: one document, one `_id` and one TTL entry
/// per batch instead of per event (on SecantusDB, recording 500 ids went from ~160 ms to ~30 ms; a real MongoDB
/// saves the same per-document work). Records written one per event (`event_id` a string, before this layout) are
/// read alike and meet the same unique index, so an upgrade needs no migration.
public struct ProcessedEventDocument: Codable, Sendable, Equatable {
    /// The ids of the applied events.
    public var event_ids: [String]
    public var processed_at: Date

    /// Ids per record: with event ids of at most 128 bytes (the identifier rule) a record stays under ~140 KiB, far
    /// below MongoDB's 16 MiB document limit.
    public static let maxEventsPerRecord = 1000

    public init(event_ids: [String], processed_at: Date) {
        self.event_ids = event_ids
        self.processed_at = processed_at
    }

    /// The records of `ids` (each at most ``maxEventsPerRecord`` ids).
    public static func records(_ ids: [String], processedAt: Date) -> [ProcessedEventDocument] {
        stride(from: 0, to: ids.count, by: maxEventsPerRecord).map {
            ProcessedEventDocument(event_ids: Array(ids[$0..<min(ids.count, $0 + maxEventsPerRecord)]), processed_at: processedAt)
        }
    }

    enum CodingKeys: String, CodingKey {
        case event_ids = "event_id"
        case processed_at
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let one = try? c.decode(String.self, forKey: .event_ids) {
            event_ids = [one]
        } else {
            event_ids = try c.decode([String].self, forKey: .event_ids)
        }
        processed_at = try c.decode(Date.self, forKey: .processed_at)
    }
}
