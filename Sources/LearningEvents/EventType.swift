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
        for candidate in EventType.allCases where candidate.matches(bytes) {
            self = candidate
            return
        }
        return nil
    }

    private func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let utf8 = name.utf8
        guard bytes.count == utf8.count else { return false }
        var i = 0
        for b in utf8 {
            if bytes[i] != b { return false }
            i += 1
        }
        return true
    }
}
