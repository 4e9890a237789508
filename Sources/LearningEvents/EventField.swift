/// The fields of a learning event, in schema order: the rows of the rule table (``rule``).
///
/// Readers map column names to these fields; ``EventRules`` checks each field's value by its rule, the same way
/// for every path (export files, Pub/Sub messages, the API).
public enum EventField: Int, CaseIterable, Sendable {
    case eventID = 0, tenantID, orgID, learnerID, courseID, lessonID, eventType, occurredAt, durationSeconds, score

    /// Every field but `event_id`, in order (a stored list: `allCases` builds a new array on each call).
    public static let afterEventID: [EventField] = Array(allCases.dropFirst())

    /// The snake_case column names, by field.
    public static let names: [String] = [
        "event_id", "tenant_id", "org_id", "learner_id", "course_id", "lesson_id", "event_type", "occurred_at",
        "duration_seconds", "score",
    ]

    /// The column name of the field (`event_id`, …).
    @inlinable
    public var name: String { Self.names[rawValue] }

    /// The rule table: what each field must hold.
    ///
    /// | field | rule |
    /// |---|---|
    /// | `event_id`, `tenant_id`, `learner_id`, `course_id` | required identifier |
    /// | `org_id`, `lesson_id` | optional identifier |
    /// | `event_type` | required, one of ``EventType`` |
    /// | `occurred_at` | required timestamp within years 1970–2200 |
    /// | `duration_seconds` | optional INT64 in 0…2,592,000 (30 days) |
    /// | `score` | optional FLOAT64 in 0…1 |
    @inlinable
    public var rule: FieldRule {
        switch self {
        case .eventID, .tenantID, .learnerID, .courseID: .identifier(required: true)
        case .orgID, .lessonID: .identifier(required: false)
        case .eventType: .eventType
        case .occurredAt: .timestamp
        case .durationSeconds: .duration
        case .score: .score
        }
    }

    /// The field of a column name, nil for columns the schema does not know (ignored).
    public static func named(_ name: String) -> EventField? { names.firstIndex(of: name).map { EventField(rawValue: $0)! } }

    private static let nameBytes: [[UInt8]] = names.map { Array($0.utf8) }

    /// The field index of a column name given as bytes, or -1 (readers call this per key, without allocating).
    @inline(__always)
    public static func slot(bytes p: UnsafeRawPointer, count n: Int) -> Int {
        // Distinguish by length, then compare.
        switch n {
        case 5: return matches(9, p, n) ? 9 : -1
        case 6: return matches(2, p, n) ? 2 : -1
        case 8: return matches(0, p, n) ? 0 : -1
        case 9:
            switch p.load(as: UInt8.self) {
            case UInt8(ascii: "t"): return matches(1, p, n) ? 1 : -1
            case UInt8(ascii: "c"): return matches(4, p, n) ? 4 : -1
            case UInt8(ascii: "l"): return matches(5, p, n) ? 5 : -1
            default: return -1
            }
        case 10:
            switch p.load(as: UInt8.self) {
            case UInt8(ascii: "l"): return matches(3, p, n) ? 3 : -1
            case UInt8(ascii: "e"): return matches(6, p, n) ? 6 : -1
            default: return -1
            }
        case 11: return matches(7, p, n) ? 7 : -1
        case 16: return matches(8, p, n) ? 8 : -1
        default: return -1
        }
    }

    @inline(__always)
    private static func matches(_ slot: Int, _ p: UnsafeRawPointer, _ n: Int) -> Bool {
        nameBytes[slot].withUnsafeBytes { memcmp($0.baseAddress!, p, n) == 0 }
    }

    /// Whether the `n` bytes at `p` are the name of field index `slot`.
    @inline(__always)
    public static func matches(slot: Int, _ p: UnsafeRawPointer, _ n: Int) -> Bool {
        nameBytes[slot].count == n && matches(slot, p, n)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
