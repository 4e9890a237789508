/// Maps the symbol ids of ``EventBatch`` columns back to strings. Symbol 0 is "none" (a null `org_id` or `lesson_id`).
///
/// A reader numbers symbols across all the files of one ``ExportSource``; each batch carries the symbols it added,
/// and ``absorb(_:)`` appends them, so a consumer that absorbs every batch in order can resolve every id.
public struct SymbolTable: Sendable {
    /// The strings by id; index 0 is the empty string ("none").
    public private(set) var strings: [String] = [""]

    /// An empty table.
    public init() {}

    /// Appends the symbols `batch` introduced.
    public mutating func absorb(_ batch: EventBatch) {
        precondition(Int(batch.symbolBase) == strings.count || batch.newSymbols.isEmpty,
                     "batches must be absorbed in order")
        strings.append(contentsOf: batch.newSymbols)
    }

    /// The string of symbol `id`, nil for 0 ("none").
    public subscript(id: UInt32) -> String? {
        id == 0 ? nil : strings[Int(id)]
    }
}
