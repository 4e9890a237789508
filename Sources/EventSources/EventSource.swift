public import GoogleCloud
public import LearningEvents

/// Reads events from BigQuery exports: files, folders, globs (`exports/events-*.avro`) and `gs://bucket/prefix*`,
/// in Avro, NDJSON or CSV (optionally gzip). Each file is streamed in bounded memory; a file that is truncated or
/// corrupt stops there (its batch carries ``EventBatch/failure``) and the next file is read.
///
/// ```swift
/// let source = EventSource(["exports/events-*.avro"])
/// var symbols = SymbolTable()
/// for try await batch in source.batches() {
///     symbols.absorb(batch)
///     print(batch.file, batch.count, batch.quarantined.count)
/// }
/// // or one record at a time:
/// for try await record in source.records() {
///     if case .event(let e, _) = record { print(e.learnerID) }
/// }
/// ```
public struct EventSource: Sendable {
    /// The locations as given.
    public let locations: [String]
    /// Rows per batch.
    public var batchSize: Int
    private let gcsClient: GCSClient?

    /// A source over `locations`; `gs://` locations are read with `gcs` (without one they fail with a clear error).
    public init(_ locations: [String], batchSize: Int = 32_768, gcs: GCSClient? = nil) {
        self.locations = locations
        self.batchSize = batchSize
        gcsClient = gcs
    }

    func client() throws -> GCSClient { try RemoteStorage.require(gcsClient) }

    /// The files the locations name, in order. Throws when a location names nothing.
    public func files() async throws -> [SourceFile] {
        var out: [SourceFile] = []
        for location in locations { out += try await SourceExpansion.expand(location, gcs: client) }
        return out
    }

    /// The events batch by batch (see ``EventBatch``).
    public func batches() -> EventBatches { EventBatches(source: self) }

    /// The events and quarantined rows one by one, with their positions.
    public func records() -> EventRecords { EventRecords(batches: batches()) }

    /// Opens a decoder for `file`.
    func decoder(for file: SourceFile, interner: SymbolInterner) async throws -> any EventDecoder {
        let (format, bytes) = try await FileOpener.open(file, gcs: client)
        switch format {
        case .avro: return AvroEventDecoder(source: bytes, interner: interner)
        case .ndjson: return NDJSONEventDecoder(source: bytes, interner: interner)
        case .csv: return CSVEventDecoder(source: bytes, interner: interner)
        }
    }
}

/// The batches of an ``EventSource``: an `AsyncSequence` read by one task.
public struct EventBatches: AsyncSequence {
    public typealias Element = EventBatch
    let source: EventSource

    public func makeAsyncIterator() -> Iterator { Iterator(source: source) }

    /// Reads the files one after another.
    public struct Iterator: AsyncIteratorProtocol {
        let source: EventSource
        let interner = SymbolInterner()
        var files: [SourceFile]?
        var nextFile = 0
        var current: (any EventDecoder)?

        init(source: EventSource) { self.source = source }

        public mutating func next() async throws -> EventBatch? {
            if files == nil { files = try await source.files() }
            while true {
                if let decoder = current {
                    if let batch = await decoder.nextBatch(maxRows: source.batchSize) { return batch }
                    current = nil
                }
                guard let files, nextFile < files.count else { return nil }
                let file = files[nextFile]
                nextFile += 1
                do {
                    current = try await source.decoder(for: file, interner: interner)
                } catch {
                    var failed = EventBatch(file: file.description)
                    failed.failure = error as? SourceFileError
                        ?? SourceFileError(file: file.description, offset: nil, message: "\(error)")
                    let (base, symbols) = interner.takeNewSymbols()
                    failed.symbolBase = base
                    failed.newSymbols = symbols
                    return failed
                }
            }
        }
    }
}

/// One item of ``EventSource/records()``.
public enum SourceRecord: Sendable {
    /// A valid event and where it was read.
    case event(LearningEvent, file: String, position: RecordPosition)
    /// A refused row.
    case quarantined(QuarantinedRecord)
    /// A file that stopped early; its rows before the failure were yielded.
    case fileFailed(SourceFileError)
}

/// The records of an ``EventSource``, one by one (built on ``EventBatches``).
public struct EventRecords: AsyncSequence {
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
