public import CoreMetrics
public import GoogleCloud
import LearningEvents

/// Reads events from BigQuery exports: files, folders (with their subfolders), globs (`exports/events-*.avro`) and
/// `gs://bucket/prefix*`, in Avro, NDJSON or CSV (optionally gzip). Each file is streamed in bounded memory; a file
/// that is truncated or corrupt stops there (its batch carries ``EventBatch/failure``) and the next file is read.
/// Tables whose columns say they are not events (the `courses` catalog beside them, say) are skipped, and said so
/// (``EventBatch/skipped``).
///
/// ```swift
/// let source = ExportSource(["exports/events-*.avro"])
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
public struct ExportSource: EventBatchStream {
    /// The locations as given.
    public let locations: [String]
    /// Rows per batch.
    public var batchSize: Int
    /// Bounds on what one file may cost.
    public var limits: ReaderLimits
    private let gcsClient: GCSClient?
    private let metricsFactory: (any MetricsFactory)?

    /// A source over `locations`; `gs://` locations are read with `gcs` (without one they fail with a clear error);
    /// counters go to `metrics` (default: the bootstrapped `MetricsSystem`, see ``ReaderMetrics``).
    public init(
        _ locations: [String], batchSize: Int = 32_768, limits: ReaderLimits = ReaderLimits(), gcs: GCSClient? = nil,
        metrics: (any MetricsFactory)? = nil
    ) {
        self.locations = locations
        self.batchSize = max(1, batchSize)
        self.limits = limits
        gcsClient = gcs
        metricsFactory = metrics
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

    /// Opens `file` and reads its head: a reader when it is an events table, else what it is.
    func open(_ file: SourceFile, interner: SymbolInterner) async throws -> OpenedFile {
        let (format, bytes) = try await FileOpener.open(file, gcs: client)
        let decoder: any RowDecoder =
            switch format {
            case .avro: AvroEventDecoder(source: bytes, limits: limits)
            case .ndjson: NDJSONEventDecoder(source: bytes, maxLine: limits.maxRecordBytes)
            case .csv: CSVEventDecoder(source: bytes, maxRecord: limits.maxRecordBytes)
            }
        let columns = try await decoder.columns()
        if let columns {
            let kind = TableKind.of(columns: columns)
            guard kind == .events else {
                return .skipped(SkippedTable(file: file.description, kind: kind, columns: Array(columns.prefix(32))))
            }
        }
        let builder = EventBatchBuilder(file: file.description, interner: interner, limits: limits)
        let metrics = ReaderMetrics(format: format, table: .events, factory: metricsFactory)
        return .events(EventFileReader(decoder: decoder, builder: builder, metrics: metrics))
    }
}

/// A file opened by ``ExportSource``: an events table to read, or another table to skip.
enum OpenedFile {
    case events(EventFileReader)
    case skipped(SkippedTable)
}
