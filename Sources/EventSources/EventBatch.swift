public import LearningEvents

/// Up to a few tens of thousands of validated events from one file, stored by column, plus the rows quarantined
/// in the same stretch of the file. Identifiers are symbol ids (resolve them with a ``SymbolTable`` that absorbed
/// every earlier batch of the same source); `event_id`s, unique per event, are kept as bytes.
///
/// ```swift
/// var symbols = SymbolTable()
/// for try await batch in source.batches() {
///     symbols.absorb(batch)
///     for i in 0..<batch.count { use(batch.event(at: i, symbols: symbols)) }
/// }
/// ```
public struct EventBatch: Sendable {
    /// The file or object the rows come from.
    public var file: String
    /// The number of valid events.
    public var count: Int { types.count }

    /// `event_id` bytes of all rows, back to back; row i spans `eventIDEnds[i-1]..<eventIDEnds[i]`.
    public var eventIDBytes: [UInt8] = []
    public var eventIDEnds: [Int32] = []
    public var tenants: [UInt32] = []
    /// 0 when the row has no `org_id`.
    public var orgs: [UInt32] = []
    public var learners: [UInt32] = []
    public var courses: [UInt32] = []
    /// 0 when the row has no `lesson_id`.
    public var lessons: [UInt32] = []
    public var types: [EventType] = []
    /// Microseconds since the epoch.
    public var occurredAt: [Int64] = []
    /// ``EventBatch/noDuration`` when the row has none.
    public var durations: [Int64] = []
    /// NaN when the row has no score.
    public var scores: [Double] = []
    /// Packed ``RecordPosition`` of each row (see ``position(at:)``).
    public var positions: [Int64] = []

    /// Rows of this stretch of the file that were refused.
    public var quarantined: [QuarantinedRecord] = []
    /// Set on the last batch of a file that stopped early (truncated or corrupt); rows before it are in the batch.
    public var failure: SourceFileError?
    /// Set (on a batch without rows) when the file is not an events table: its columns say it is the `courses`
    /// catalog or another table, so it was not read as events.
    public var skipped: SkippedTable?
    /// Symbols first seen in this batch; their ids start at ``symbolBase``.
    public var newSymbols: [String] = []
    public var symbolBase: UInt32 = 1

    /// The marker of a missing `duration_seconds`.
    public static let noDuration = Int64.min

    /// An empty batch for `file`.
    public init(file: String) { self.file = file }

    /// Reserves room for `n` rows.
    public mutating func reserve(_ n: Int) {
        eventIDEnds.reserveCapacity(n)
        eventIDBytes.reserveCapacity(n * 24)
        tenants.reserveCapacity(n)
        orgs.reserveCapacity(n)
        learners.reserveCapacity(n)
        courses.reserveCapacity(n)
        lessons.reserveCapacity(n)
        types.reserveCapacity(n)
        occurredAt.reserveCapacity(n)
        durations.reserveCapacity(n)
        scores.reserveCapacity(n)
        positions.reserveCapacity(n)
    }

    /// Appends one valid row (the readers' path: one access to the batch per row).
    @inline(__always)
    mutating func append(
        eventID: UnsafeRawBufferPointer, tenant: UInt32, org: UInt32, learner: UInt32, course: UInt32, lesson: UInt32,
        type: EventType, occurredAt: Int64, duration: Int64, score: Double, position: Int64
    ) {
        eventIDBytes.append(contentsOf: eventID)
        eventIDEnds.append(Int32(truncatingIfNeeded: eventIDBytes.count))
        tenants.append(tenant)
        orgs.append(org)
        learners.append(learner)
        courses.append(course)
        lessons.append(lesson)
        types.append(type)
        self.occurredAt.append(occurredAt)
        durations.append(duration)
        scores.append(score)
        positions.append(position)
    }

    /// The `event_id` of row `i`.
    public func eventID(at i: Int) -> String {
        let from = i == 0 ? 0 : Int(eventIDEnds[i - 1])
        return String(decoding: eventIDBytes[from..<Int(eventIDEnds[i])], as: UTF8.self)
    }

    /// Where row `i` sits in its file.
    public func position(at i: Int) -> RecordPosition { RecordPosition(packed: positions[i]) }

    /// Row `i` as a ``LearningEvents/LearningEvent`` (builds strings: the convenient, slower path).
    public func event(at i: Int, symbols: SymbolTable) -> LearningEvent {
        LearningEvent(
            eventID: eventID(at: i), tenantID: symbols[tenants[i]] ?? "", orgID: symbols[orgs[i]],
            learnerID: symbols[learners[i]] ?? "", courseID: symbols[courses[i]] ?? "", lessonID: symbols[lessons[i]],
            type: types[i], occurredAt: occurredAt[i],
            durationSeconds: durations[i] == Self.noDuration ? nil : durations[i],
            score: scores[i].isNaN ? nil : scores[i])
    }
}
