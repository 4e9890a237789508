public import Foundation
public import LearningEvents

/// What a Pub/Sub message's `data` holds: one learning event as a JSON object with the architecture's snake_case
/// fields (the same fields as an NDJSON export line; `duration_seconds` may be a string, as BigQuery writes INT64),
/// checked by the one rule table (`LearningEvent.init(validating:)`).
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
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: data)
        } catch {
            return .failure(Refusal(reason: "invalid JSON: \(Self.describe(error))", field: nil, tenant: nil))
        }
        let tenant = fields.tenant.flatMap { Identifier.isValid($0) ? $0 : nil }
        if let (field, why) = fields.problem { return .failure(Refusal(reason: "\(field): \(why)", field: field, tenant: tenant)) }
        do {
            return .success(try LearningEvent(validating: fields.raw))
        } catch {
            return .failure(Refusal(reason: error.description, field: error.field, tenant: tenant))
        }
    }

    /// The message's fields, each read leniently so a wrong type becomes a refusal naming the field.
    struct Fields: Decodable {
        var raw = RawLearningEvent()
        var tenant: String?
        var problem: (String, String)?

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ s: String) { stringValue = s }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            let strings: [(String, WritableKeyPath<RawLearningEvent, String?>)] = [
                ("event_id", \.eventID), ("tenant_id", \.tenantID), ("org_id", \.orgID), ("learner_id", \.learnerID),
                ("course_id", \.courseID), ("lesson_id", \.lessonID), ("event_type", \.eventType), ("occurred_at", \.occurredAt),
            ]
            for (key, path) in strings {
                do {
                    raw[keyPath: path] = try c.decodeIfPresent(String.self, forKey: Key(key))
                } catch {
                    problem = problem ?? (key, "expected a string")
                }
            }
            tenant = raw.tenantID
            let d = Key("duration_seconds")
            if let v = try? c.decodeIfPresent(Int64.self, forKey: d) {
                raw.durationSeconds = v
            } else if let s = try? c.decodeIfPresent(String.self, forKey: d) {
                if let v = Int64(s) { raw.durationSeconds = v } else {
                    problem = problem ?? ("duration_seconds", "'\(ValidationError.excerpt(s))' is not an integer")
                }
            } else if (try? c.decodeNil(forKey: d)) == false {
                problem = problem ?? ("duration_seconds", "expected a 64-bit integer")
            }
            let sc = Key("score")
            if let v = try? c.decodeIfPresent(Double.self, forKey: sc) {
                raw.score = v
            } else if let s = try? c.decodeIfPresent(String.self, forKey: sc) {
                if let v = Double(s) { raw.score = v } else { problem = problem ?? ("score", "'\(ValidationError.excerpt(s))' is not a number") }
            } else if (try? c.decodeNil(forKey: sc)) == false {
                problem = problem ?? ("score", "expected a number")
            }
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

    static func describe(_ error: any Error) -> String {
        let text = "\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error)"
        return ValidationError.excerpt(text, limit: 160)
    }
}
