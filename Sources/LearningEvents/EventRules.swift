/// The one table of event validation rules (``EventField/rule``) and the checks behind it. Every path applies these
/// same functions: the columnar readers (`EventBatchBuilder` in EventSources) on bytes in their buffers, and
/// ``LearningEvent/init(validating:)`` for single events (Pub/Sub messages, the API). A value either passes (the
/// check returns it typed) or is refused with the field and the reason (``ValidationError``).
///
/// ```swift
/// let verdict = try EventRules.check(input, .score, isValid: Identifier.isValid(bytes:))
/// ```
public enum EventRules {
    /// The earliest accepted `occurred_at`: 1970-01-01T00:00:00Z, in microseconds.
    public static let earliestOccurredAt: Int64 = 0
    /// The latest accepted `occurred_at`: 2200-12-31T23:59:59.999999Z, in microseconds.
    public static let latestOccurredAt: Int64 = Timestamp.daysFromCivil(year: 2201, month: 1, day: 1) * Timestamp.microsPerDay - 1
    /// The longest accepted `duration_seconds`: 30 days.
    public static let maxDurationSeconds: Int64 = 30 * 86_400

    /// What a field's check found: the typed value, or that an optional field is absent.
    public enum Verdict {
        /// An optional field that is null or absent.
        case absent
        /// A valid identifier's bytes (pointing into the input).
        case identifier(UnsafeRawBufferPointer)
        case eventType(EventType)
        /// `occurred_at` in microseconds since the epoch.
        case micros(Int64)
        /// `duration_seconds`.
        case seconds(Int64)
        case score(Double)
    }

    /// Checks `value` against the rule of `field`. `isValid` decides the identifier rule for identifier fields
    /// (readers pass a cached lookup; it is called only for 1–128 bytes of text).
    @inlinable @inline(__always)
    public static func check(
        _ value: FieldInput, _ field: EventField, isValid: (UnsafeRawBufferPointer) -> Bool
    ) throws(ValidationError) -> Verdict {
        switch field.rule {
        case .identifier(let required): return try identifier(value, field, required: required, isValid: isValid)
        case .eventType: return .eventType(try eventType(value))
        case .timestamp: return .micros(try occurredAt(value))
        case .duration: return try duration(value).map(Verdict.seconds) ?? .absent
        case .score: return try score(value).map(Verdict.score) ?? .absent
        }
    }

    /// The identifier rule: present when required, text, not empty, 1–128 allowed characters.
    @inlinable @inline(__always)
    public static func identifier(
        _ v: FieldInput, _ field: EventField, required: Bool, isValid: (UnsafeRawBufferPointer) -> Bool
    ) throws(ValidationError) -> Verdict {
        switch v.kind {
        case .null:
            if required { throw ValidationError(field: field.name, reason: .missing) }
            return .absent
        case .text: break
        default: throw wrongType(field, "string", v)
        }
        guard v.len > 0 else { throw ValidationError(field: field.name, reason: .emptyIdentifier) }
        guard v.len <= Identifier.maxLength, isValid(v.bytes) else {
            throw ValidationError(field: field.name, reason: .badIdentifier(ValidationError.excerpt(v.bytes)))
        }
        return .identifier(v.bytes)
    }

    /// `event_type`: required text naming one of the seven types.
    @inlinable @inline(__always)
    public static func eventType(_ v: FieldInput) throws(ValidationError) -> EventType {
        switch v.kind {
        case .null: throw ValidationError(field: "event_type", reason: .missing)
        case .text:
            guard let type = EventType.match(v.bytes) else {
                throw ValidationError(field: "event_type", reason: .unknownEventType(ValidationError.excerpt(v.bytes)))
            }
            return type
        default: throw wrongType(.eventType, "string", v)
        }
    }

    /// `occurred_at`: required; text in RFC 3339 or BigQuery form, or Avro micros; within years 1970–2200.
    @inlinable @inline(__always)
    public static func occurredAt(_ v: FieldInput) throws(ValidationError) -> Int64 {
        let micros: Int64
        switch v.kind {
        case .null: throw ValidationError(field: "occurred_at", reason: .missing)
        case .micros: micros = v.int
        case .text:
            guard let m = Timestamp.parse(bytes: v.bytes) else {
                throw ValidationError(field: "occurred_at", reason: .badTimestamp(ValidationError.excerpt(v.bytes)))
            }
            micros = m
        default: throw wrongType(.occurredAt, "a timestamp", v)
        }
        guard micros >= earliestOccurredAt && micros <= latestOccurredAt else {
            throw ValidationError(field: "occurred_at", reason: .timestampOutOfRange(micros))
        }
        return micros
    }

    /// `duration_seconds`: optional INT64 (a number, or text as BigQuery's JSON writes INT64), 0…30 days.
    @inlinable @inline(__always)
    public static func duration(_ v: FieldInput) throws(ValidationError) -> Int64? {
        let d: Int64
        switch v.kind {
        case .null: return nil
        case .int: d = v.int
        case .text, .number:
            guard let x = NumberParsing.int64(v.bytes) else {
                throw ValidationError(
                    field: "duration_seconds",
                    reason: .wrongType(expected: "an INT64", found: "'\(ValidationError.excerpt(v.bytes))'"))
            }
            d = x
        default: throw wrongType(.durationSeconds, "an INT64", v)
        }
        if d < 0 { throw ValidationError(field: "duration_seconds", reason: .negative(d)) }
        if d > maxDurationSeconds { throw ValidationError(field: "duration_seconds", reason: .durationTooLong(d)) }
        return d
    }

    /// `score`: optional FLOAT64 (a number, or its text) in 0…1; NaN and infinities are refused.
    @inlinable @inline(__always)
    public static func score(_ v: FieldInput) throws(ValidationError) -> Double? {
        let s: Double
        switch v.kind {
        case .null: return nil
        case .double: s = v.double
        case .int: s = Double(v.int)
        case .text, .number:
            guard let x = NumberParsing.double(v.bytes) else {
                throw ValidationError(
                    field: "score", reason: .wrongType(expected: "a FLOAT64", found: "'\(ValidationError.excerpt(v.bytes))'"))
            }
            s = x
        default: throw wrongType(.score, "a FLOAT64", v)
        }
        guard s >= 0 && s <= 1 else { throw ValidationError(field: "score", reason: .scoreOutOfRange(s)) }
        return s
    }

    @usableFromInline
    static func wrongType(_ field: EventField, _ expected: String, _ v: FieldInput) -> ValidationError {
        ValidationError(field: field.name, reason: .wrongType(expected: expected, found: v.kindName))
    }
}
