import EventSources
public import Foundation
public import GoogleCloud
public import LearningEvents

/// What a Pub/Sub message's `data` holds: one learning event as a JSON object with the architecture's snake_case
/// fields (the same fields as an NDJSON export line; `duration_seconds` may be a string, as BigQuery writes INT64),
/// read by the NDJSON export reader's scanner (`RawLearningEvent(jsonObject:)`) and checked by the one rule table
/// (`LearningEvent.init(validating:)`), so a message and an export line with the same bytes get the same verdict.
///
/// A message that is not such an event is poison: `decode` says why, with the field, and names the tenant when the
/// message named a valid one (so its quarantine row can be listed per tenant).
///
/// **Trust boundary.** The tenant of a message is its `tenant_id` *attribute*, set by the platform's publisher (the
/// core API's CDC relay, `lodestar publish`), not the body: ``decode(_:attributes:tenants:)`` refuses (quarantines)
/// a message without the attribute, with an attribute that is not a valid tenant id, of a tenant the consumer does
/// not serve (`serve --tenants`), or whose body names another tenant. So a publisher bound to one tenant (for example
/// by a Pub/Sub subscription filter on `attributes.tenant_id`, or one topic per tenant whose publisher sets it) can
/// affect only that tenant's `learner_features`, idempotency records and refreshed results.
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

    /// The message attribute that names the event's tenant (set by the publisher; compared with the body's).
    public static let tenantAttribute = "tenant_id"

    /// A received message's event, checked against the trust boundary (see the type's comment): the attribute
    /// `tenant_id` must be present and a valid tenant id, among `tenants` when that is given, and equal to the body's
    /// `tenant_id`; then the body is decoded as ``decode(_:)`` does. A refusal names the attribute's tenant when it
    /// is a valid id (the quarantine row is listed under the tenant that published it), never a tenant only the body
    /// names.
    public static func decode(_ data: Data, attributes: [String: String], tenants: Set<String>? = nil) -> Result<LearningEvent, Refusal> {
        guard let tenant = attributes[tenantAttribute] else {
            return .failure(Refusal(reason: "message has no \(tenantAttribute) attribute (the publisher sets it to the event's tenant)",
                                    field: "attributes.\(tenantAttribute)", tenant: nil))
        }
        guard Identifier.isValid(tenant) else {
            return .failure(Refusal(reason: "the \(tenantAttribute) attribute is not a valid tenant id",
                                    field: "attributes.\(tenantAttribute)", tenant: nil))
        }
        if let tenants, !tenants.contains(tenant) {
            return .failure(Refusal(reason: "tenant \(tenant) is not served by this consumer (--tenants \(tenants.sorted().joined(separator: ",")))",
                                    field: "attributes.\(tenantAttribute)", tenant: tenant))
        }
        switch decode(data) {
        case .failure(var refusal):
            refusal.tenant = tenant
            return .failure(refusal)
        case .success(let event):
            guard event.tenantID == tenant else {
                return .failure(Refusal(reason: "tenant_id \(event.tenantID) differs from the message's \(tenantAttribute) attribute \(tenant)",
                                        field: "tenant_id", tenant: tenant))
            }
            return .success(event)
        }
    }

    /// The event in `data`, or why it is refused (the body alone: the consumer uses
    /// ``decode(_:attributes:tenants:)``, which checks the tenant attribute first).
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

    /// The Pub/Sub message of `event` as a publisher must send it: the JSON body (``encode(_:)``) and the
    /// `tenant_id` attribute.
    public static func message(_ e: LearningEvent, orderingKey: String? = nil) -> PubSubMessage {
        PubSubMessage(data: encode(e), attributes: [tenantAttribute: e.tenantID], orderingKey: orderingKey)
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
