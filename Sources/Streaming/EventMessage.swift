import EventSources
public import Foundation
public import LearningEvents

/// What a Pub/Sub message's `data` holds: one learning event as a JSON object with the architecture's snake_case
/// fields (the same fields as an NDJSON export line; `duration_seconds` may be a string, as BigQuery writes INT64),
/// read by the NDJSON export reader's scanner (`RawLearningEvent(jsonObject:)`) and checked by the one rule table
/// (`LearningEvent.init(validating:)`), so a message and an export line with the same bytes get the same verdict.
///
/// A message that is not such an event is poison: `decode` says why, with the field, and names the tenant when the
/// message named a valid one (so its quarantine row can be listed per tenant).
public enum EventMessage {
    /// Why a message was refused.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var field: String?
        /// The message's `tenant_id` when it was a valid tenant id.
        public var tenant: String?
        public var description: String { reason }
    }

    /// Most bytes of a message read as an event (larger ones are refused unread).
    public static let maxBytes = 64 * 1024

    /// The event in `data`, or why it is refused.
    public static func decode(_ data: Data) -> Result<LearningEvent, Refusal> {
        guard data.count <= maxBytes else {
            return .failure(Refusal(reason: "message of \(data.count) bytes exceeds \(maxBytes)", field: nil, tenant: nil))
        }
        // The same scanner and rule table as a line of an NDJSON export: a message and an export row get one verdict.
        let raw: RawLearningEvent
        do {
            raw = try RawLearningEvent(jsonObject: [UInt8](data))
        } catch {
            return .failure(Refusal(reason: error.reason, field: nil, tenant: nil))
        }
        let tenant: String? = if case .text(let t) = raw.tenantID, Identifier.isValid(t) { t } else { nil }
        do {
            return .success(try LearningEvent(validating: raw))
        } catch {
            return .failure(Refusal(reason: error.description, field: error.field, tenant: tenant))
        }
    }

    /// The JSON object of `event` (what `lodestar publish` sends; `occurred_at` in RFC 3339 with microseconds).
    public static func encode(_ e: LearningEvent) -> Data {
        struct Wire: Encodable {
            let event_id: String, tenant_id: String, org_id: String?, learner_id: String, course_id: String
            let lesson_id: String?, event_type: String, occurred_at: String, duration_seconds: Int64?, score: Double?
        }
        let wire = Wire(event_id: e.eventID, tenant_id: e.tenantID, org_id: e.orgID, learner_id: e.learnerID,
                        course_id: e.courseID, lesson_id: e.lessonID, event_type: e.type.name,
                        occurred_at: Timestamp.rfc3339(e.occurredAt), duration_seconds: e.durationSeconds, score: e.score)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(wire)) ?? Data()
    }
}
