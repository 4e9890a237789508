public import LearningEvents

/// One item of ``ExportSource/records()``.
public enum SourceRecord: Sendable {
    /// A valid event and where it was read.
    case event(LearningEvent, file: String, position: RecordPosition)
    /// A refused row.
    case quarantined(QuarantinedRecord)
    /// A file that stopped early; its rows before the failure were yielded.
    case fileFailed(SourceFileError)
}

/// The records of an ``ExportSource``, one by one (built on ``EventBatches``). Skipped tables yield nothing.
public struct EventRecords: AsyncSequence, Sendable {
    public typealias Element = SourceRecord
    let batches: EventBatches

    public func makeAsyncIterator() -> Iterator { Iterator(inner: batches.makeAsyncIterator()) }

    public struct Iterator: AsyncIteratorProtocol {
        var inner: EventBatches.Iterator
        var symbols = SymbolTable()
        var batch: EventBatch?
        var row = 0
        var quarantined = 0
        var failureSent = false

        public mutating func next() async throws -> SourceRecord? {
            while true {
                if let b = batch {
                    if row < b.count {
                        defer { row += 1 }
                        return .event(b.event(at: row, symbols: symbols), file: b.file, position: b.position(at: row))
                    }
                    if quarantined < b.quarantined.count {
                        defer { quarantined += 1 }
                        return .quarantined(b.quarantined[quarantined])
                    }
                    if let f = b.failure, !failureSent {
                        failureSent = true
                        return .fileFailed(f)
                    }
                }
                guard let next = try await inner.next() else { return nil }
                symbols.absorb(next)
                batch = next
                row = 0
                quarantined = 0
                failureSent = false
            }
        }
    }
}
