/// A source of ``EventBatch``es: an export (``ExportSource``) today, a Pub/Sub subscription next. Consumers that
/// aggregate events take any stream, so a new source plugs in beside the export reader.
///
/// ```swift
/// func count(_ stream: some EventBatchStream) async throws -> Int {
///     var n = 0
///     for try await batch in stream.batches() { n += batch.count }
///     return n
/// }
/// ```
public protocol EventBatchStream: Sendable {
    /// The sequence of batches, read by one task.
    associatedtype Batches: AsyncSequence where Batches.Element == EventBatch
    /// The batches, in order; symbols are numbered across the whole stream (see ``SymbolTable``).
    func batches() -> Batches
}
