/// What kind of value a field of the rule table (``EventField/rule``) must hold.
public enum FieldRule: Sendable, Hashable {
    /// An ``Identifier``; `required` says whether it may be absent.
    case identifier(required: Bool)
    /// One of the ``EventType`` names.
    case eventType
    /// A timestamp (RFC 3339, BigQuery text or Avro micros) within ``EventRules/occurredAtRange``.
    case timestamp
    /// An INT64 number of seconds in 0…``EventRules/maxDurationSeconds``, optional.
    case duration
    /// A FLOAT64 in 0…1, optional.
    case score
}
