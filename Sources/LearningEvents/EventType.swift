/// The kind of a learning event, as written in the `event_type` field.
///
/// ```swift
/// EventType(name: "quiz_submitted") // .quizSubmitted
/// ```
public enum EventType: UInt8, CaseIterable, Sendable, Hashable {
    case enrolled
    case lessonStarted
    case lessonCompleted
    case contentViewed
    case quizSubmitted
    case courseCompleted
    case unenrolled

    /// The snake_case name used in exports and Pub/Sub messages.
    public var name: String {
        switch self {
        case .enrolled: "enrolled"
        case .lessonStarted: "lesson_started"
        case .lessonCompleted: "lesson_completed"
        case .contentViewed: "content_viewed"
        case .quizSubmitted: "quiz_submitted"
        case .courseCompleted: "course_completed"
        case .unenrolled: "unenrolled"
        }
    }

    /// The event type named `name`, or nil when the name is unknown.
    public init?(name: String) {
        var copy = name
        let found = copy.withUTF8 { EventType(bytes: UnsafeRawBufferPointer($0)) }
        guard let found else { return nil }
        self = found
    }

    /// The event type whose UTF-8 name is `bytes`, or nil (no allocation: readers call this per row).
    public init?(bytes: UnsafeRawBufferPointer) {
        guard let t = Self.match(bytes) else { return nil }
        self = t
    }

    @usableFromInline
    static let nameBytes: [[UInt8]] = allCases.map { Array($0.name.utf8) }

    /// The event type named by `b`, matched on bytes: candidates by length and first byte, then one compare.
    @inlinable @inline(__always)
    public static func match(_ b: UnsafeRawBufferPointer) -> EventType? {
        let n = b.count
        guard n >= 8 else { return nil }
        let c: EventType
        switch (n, b[0]) {
        case (8, UInt8(ascii: "e")): c = .enrolled
        case (10, UInt8(ascii: "u")): c = .unenrolled
        case (14, UInt8(ascii: "l")): c = .lessonStarted
        case (14, UInt8(ascii: "c")): c = .contentViewed
        case (14, UInt8(ascii: "q")): c = .quizSubmitted
        case (16, UInt8(ascii: "l")): c = .lessonCompleted
        case (16, UInt8(ascii: "c")): c = .courseCompleted
        default: return nil
        }
        let name = nameBytes[Int(c.rawValue)]
        for i in 0..<n where name[i] != b[i] { return nil }
        return c
    }
}
