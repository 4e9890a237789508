#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The event fields by slot, in schema order. Decoders map column names to these slots.
enum EventField: Int, CaseIterable {
    case eventID = 0, tenantID, orgID, learnerID, courseID, lessonID, eventType, occurredAt, durationSeconds, score

    static let names: [String] = [
        "event_id", "tenant_id", "org_id", "learner_id", "course_id", "lesson_id", "event_type", "occurred_at",
        "duration_seconds", "score",
    ]

    var name: String { Self.names[rawValue] }

    /// The slot of a column name, nil for columns the schema does not know (ignored).
    static func slot(named name: String) -> Int? { names.firstIndex(of: name) }

    private static let nameBytes: [[UInt8]] = names.map { Array($0.utf8) }

    /// The slot of a column name given as bytes, or -1.
    @inline(__always)
    static func slot(bytes p: UnsafeRawPointer, count n: Int) -> Int {
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

    /// Whether the `n` bytes at `p` are the name of `slot`.
    @inline(__always)
    static func matches(slot: Int, _ p: UnsafeRawPointer, _ n: Int) -> Bool {
        nameBytes[slot].count == n && matches(slot, p, n)
    }
}
