/// Why a row was refused: the field it concerns and the reason. Readers put it in the quarantine record.
///
/// ```swift
/// ValidationError(field: "score", reason: .scoreOutOfRange(1.5)).description
/// // "score: 1.5 is outside 0…1"
/// ```
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reasons a value is refused.
    public enum Reason: Sendable, Hashable {
        /// A required field is absent or null.
        case missing
        /// An identifier field is the empty string.
        case emptyIdentifier
        /// An identifier breaks the identifier rule (characters, length, leading dot); holds a bounded excerpt.
        case badIdentifier(String)
        /// `event_type` is not one of the known types.
        case unknownEventType(String)
        /// `score` is outside 0…1 (or NaN/infinite).
        case scoreOutOfRange(Double)
        /// `duration_seconds` (or another count) is negative.
        case negative(Int64)
        /// A timestamp that is neither RFC 3339 nor BigQuery's `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`.
        case badTimestamp(String)
        /// A value of the wrong type (e.g. text where a number belongs); says what was expected.
        case wrongType(expected: String, found: String)
        /// `occurred_at` (microseconds since the epoch) outside the years 1970–2200.
        case timestampOutOfRange(Int64)
        /// `duration_seconds` above ``EventRules/maxDurationSeconds`` (30 days).
        case durationTooLong(Int64)
        /// A catalog `language` that is not 1–35 characters of `A–Z a–z 0–9 -`; holds a bounded excerpt.
        case badLanguageTag(String)
        /// A list with more entries than its limit (a course's `categories` or `prerequisites`).
        case tooMany(count: Int, limit: Int)
        /// A course that lists itself among its `prerequisites`.
        case selfReference(String)
        /// A timestamp (microseconds) that must come after another field's (`expires_at` after `published_at`).
        case notAfter(Int64, other: String, otherValue: Int64)
    }

    /// The field name as in the schema (`score`, `occurred_at`, …).
    public let field: String
    /// Why the field's value is refused.
    public let reason: Reason

    /// A validation error for `field`.
    public init(field: String, reason: Reason) {
        self.field = field
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .missing: "\(field): required field is missing"
        case .emptyIdentifier: "\(field): identifier is empty"
        case .badIdentifier(let v):
            "\(field): '\(v)' is not an identifier (1-128 of A-Z a-z 0-9 . _ : @ -, not starting with '.')"
        case .unknownEventType(let v): "\(field): unknown event type '\(v)'"
        case .scoreOutOfRange(let v): "\(field): \(v) is outside 0…1"
        case .negative(let v): "\(field): \(v) is negative"
        case .badTimestamp(let v): "\(field): '\(v)' is not an RFC 3339 or BigQuery timestamp"
        case .wrongType(let expected, let found): "\(field): expected \(expected), found \(found)"
        case .timestampOutOfRange(let v):
            "\(field): \(Timestamp.rfc3339(v)) (\(v) µs) is outside the years 1970–2200"
        case .durationTooLong(let v):
            "\(field): \(v) is more than 30 days (\(EventRules.maxDurationSeconds) s)"
        case .badLanguageTag(let v): "\(field): '\(v)' is not a language tag (1-35 of A-Z a-z 0-9 -)"
        case .tooMany(let count, let limit): "\(field): \(count) entries; at most \(limit)"
        case .selfReference(let v): "\(field): '\(v)' is the course itself"
        case .notAfter(let v, let other, let otherValue):
            "\(field): \(Timestamp.rfc3339(v)) is not after \(other) (\(Timestamp.rfc3339(otherValue)))"
        }
    }

    /// A printable excerpt of at most `limit` characters of raw bytes, for reasons that quote the value.
    public static func excerpt(_ bytes: UnsafeRawBufferPointer, limit: Int = 64) -> String {
        let cut = UnsafeRawBufferPointer(rebasing: bytes[..<min(bytes.count, limit)])
        var s = String(decoding: cut, as: UTF8.self)
        if bytes.count > limit { s += "…" }
        return s
    }

    /// A printable excerpt of at most `limit` characters of `value`.
    public static func excerpt(_ value: String, limit: Int = 64) -> String {
        value.count > limit ? String(value.prefix(limit)) + "…" : value
    }
}
