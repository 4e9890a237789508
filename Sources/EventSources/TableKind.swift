import LearningEvents

/// What a table holds, told from its columns (Avro schema fields, CSV header, keys of the first NDJSON object),
/// never from a file name: an export folder may hold `events-*` and `courses-*` files side by side, or `events/`
/// and `courses/` subfolders, and the events reader and the course reader each skip the other's tables.
public enum TableKind: String, Sendable, Hashable {
    /// The `learning_events` table: has any of the event-only columns (`event_id`, `learner_id`, `event_type`,
    /// `occurred_at`, …).
    case events
    /// The `courses` catalog: no event-only column, and any of `title`, `org_ids`, `lesson_count`, `published`.
    case courses
    /// Neither (a truth file, another table): skipped by both readers.
    case other

    static let eventOnly: Set<String> = Set(EventField.names).subtracting(["tenant_id", "course_id"])
    static let courseOnly: Set<String> = ["title", "org_ids", "lesson_count", "published"]

    /// The kind of a table with these column names.
    public static func of(columns: some Sequence<String>) -> TableKind {
        var course = false
        for c in columns {
            if eventOnly.contains(c) { return .events }
            if courseOnly.contains(c) { course = true }
        }
        return course ? .courses : .other
    }
}

/// A table a reader did not read because its columns say it is another table.
public struct SkippedTable: Sendable, Hashable, CustomStringConvertible {
    /// The file or object.
    public let file: String
    /// What its columns say it is.
    public let kind: TableKind
    /// Its column names (at most the first 32).
    public let columns: [String]

    public var description: String {
        let what = kind == .other ? "neither an events nor a courses table" : "a \(kind.rawValue) table"
        return "\(file): \(what) (columns: \(columns.joined(separator: ", ")))"
    }
}
