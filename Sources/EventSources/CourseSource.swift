#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import CoreMetrics
public import GoogleCloud
public import LearningEvents

/// Reads the `courses` catalog export (Avro, NDJSON or CSV, optionally gzip; file, folder, glob or `gs://`).
/// The catalog is small (thousands of rows), so rows are decoded generically and returned whole. Tables whose
/// columns say they are not the catalog (the events beside it, say) are skipped (``Result/skipped``).
///
/// Quirks handled: `lesson_count` as a JSON string (BigQuery's INT64) or number; `org_ids` absent or null = the whole
/// tenant; BigQuery cannot export REPEATED columns (`org_ids`, `categories`, `prerequisites`) to CSV, so in CSV each
/// may be a JSON array text (`["org-a","org-b"]`) or empty; `published_at` and `expires_at` as text (RFC 3339 or
/// BigQuery's form) or Avro `timestamp-micros` / `timestamp-millis` / `date`.
///
/// ```swift
/// let result = try await CourseSource(["exports/courses/"]).read()
/// print(result.courses.count, result.quarantined.count)
/// ```
public struct CourseSource: Sendable {
    public let locations: [String]
    /// Bounds on what one file may cost.
    public var limits: ReaderLimits
    private let gcsClient: GCSClient?
    private let metricsFactory: (any MetricsFactory)?

    /// What was read.
    public struct Result: Sendable {
        public var courses: [Course] = []
        public var quarantined: [QuarantinedRecord] = []
        public var failures: [SourceFileError] = []
        /// Files that are not course tables (events, other tables), by their columns.
        public var skipped: [SkippedTable] = []
        /// Files read as course tables.
        public var files: [String] = []
    }

    /// A reader of the catalog at `locations` (see ``ExportSource/init(_:batchSize:limits:gcs:metrics:)``).
    public init(
        _ locations: [String], limits: ReaderLimits = ReaderLimits(), gcs: GCSClient? = nil,
        metrics: (any MetricsFactory)? = nil
    ) {
        self.locations = locations
        self.limits = limits
        gcsClient = gcs
        metricsFactory = metrics
    }

    func client() throws -> GCSClient { try RemoteStorage.require(gcsClient) }

    /// Reads every file; a file that fails is reported in ``Result/failures`` (its rows before the failure are
    /// kept) and the others are still read. Files are read and decoded on the reader threads
    /// (``ExportSource/readerThreads``), never on the cooperative pool.
    public func read() async throws -> Result {
        try await ExportSource.offCooperativePool { try await readFiles() }
    }

    private func readFiles() async throws -> Result {
        var result = Result()
        var files: [SourceFile] = []
        for l in locations { files += try await SourceExpansion.expand(l, gcs: client) }
        for file in files {
            var rows = CourseRows(file: file.description, limits: limits)
            var format = ExportFormat.ndjson
            do {
                let (f, bytes) = try await FileOpener.open(file, gcs: client)
                format = f
                let skipped: SkippedTable? =
                    switch f {
                    case .avro: try await readAvro(bytes, into: &rows)
                    case .ndjson: try await readNDJSON(bytes, into: &rows)
                    case .csv: try await readCSV(bytes, into: &rows)
                    }
                if let skipped {
                    result.skipped.append(skipped)
                    continue
                }
            } catch let e as SourceFileError {
                rows.failure = e
            } catch {
                rows.failure = SourceFileError(file: file.description, offset: nil, message: "\(error)")
            }
            ReaderMetrics(format: format, table: .courses, factory: metricsFactory)
                .record(valid: rows.courses.count, quarantined: rows.quarantined.count, failed: rows.failure != nil)
            result.files.append(file.description)
            result.courses += rows.courses
            result.quarantined += rows.quarantined
            if let f = rows.failure { result.failures.append(f) }
        }
        return result
    }

    /// The table's kind from its columns: nil when it is the catalog, else what to report as skipped.
    private func skip(_ name: String, _ columns: [String]?) -> SkippedTable? {
        let kind = columns.map { TableKind.of(columns: $0) } ?? .events
        return kind == .courses ? nil : SkippedTable(file: name, kind: kind, columns: Array((columns ?? []).prefix(32)))
    }

    private func readAvro(_ bytes: any ByteSource, into rows: inout CourseRows) async throws -> SkippedTable? {
        let c = AvroContainerReader(source: bytes, maxZeroByteRecords: limits.maxZeroByteRecords)
        try await c.readHeader()
        guard case .record(let record) = c.schema else {
            throw SourceFileError(file: bytes.name, offset: 4, message: "Avro schema's top level is not a record")
        }
        if let skipped = skip(bytes.name, record.declaredNames) { return skipped }
        while let block = try await c.nextBlock() {
            var cursor = AvroCursor(block.data, block.size)
            for r in 0..<block.count {
                let value: AvroValue
                do {
                    value = try AvroValue.decode(c.schema, &cursor)
                } catch {
                    throw SourceFileError(
                        file: bytes.name, offset: block.offset,
                        message: "block \(block.index) record \(r): corrupt record data (\(error.message))")
                }
                guard case .record(let fields) = value else { continue }
                var cells: [String: CourseCell] = [:]
                for (k, v) in fields { cells[k] = CourseCell(v) }
                try rows.add(cells, at: .avro(block: block.index, record: r), raw: value.json)
            }
        }
        return nil
    }

    private func readNDJSON(_ bytes: any ByteSource, into rows: inout CourseRows) async throws -> SkippedTable? {
        let reader = ByteReader(source: bytes, limit: limits.maxRecordBytes + 1)
        if let skipped = skip(bytes.name, try await NDJSONLines.firstObjectKeys(reader, maxLine: limits.maxRecordBytes)) {
            return skipped
        }
        var scratch = ScratchBuffer(capacity: 1 << 12)
        var line = 0
        while true {
            let avail = reader.available
            let p = reader.current.assumingMemoryBound(to: UInt8.self)
            var len = -1
            var last = false
            if avail > 0, let nl = memchr(p, 0x0a, avail) {
                len = UnsafeRawPointer(nl) - UnsafeRawPointer(p)
            } else if reader.atEOF {
                if avail == 0 { return nil }
                len = avail
                last = true
            } else if avail > limits.maxRecordBytes {
                line += 1
                let start = reader.offset
                let record = QuarantinedRecord(
                    source: bytes.name, position: .line(line),
                    rawBytes: UnsafeRawBufferPointer(start: p, count: min(avail, QuarantinedRecord.rawLimit)),
                    reason: "line longer than \(limits.maxRecordBytes) bytes; skipped")
                guard try await NDJSONLines.skipLine(reader) else {
                    throw SourceFileError.truncatedLastLine(
                        file: bytes.name, offset: start, line: line, reason: "longer than \(limits.maxRecordBytes) bytes")
                }
                try rows.quarantine(record)
                continue
            } else {
                try await reader.fill(minimum: avail + 1)
                reader.shrinkIfLarge()
                continue
            }
            line += 1
            let l = len > 0 && p[len - 1] == 0x0d ? len - 1 : len
            if !NDJSONLines.isBlank(p, l) {
                scratch.reserve(l)
                let raw = UnsafeRawBufferPointer(start: p, count: l)
                switch CourseCell.cells(jsonLine: raw, scratch: scratch.pointer) {
                case .success(let cells): try rows.add(cells, at: .line(line), rawBytes: raw)
                case .failure(let failure):
                    // The last line, without a line break, unreadable: the file was cut there.
                    if last { throw SourceFileError.truncatedLastLine(file: bytes.name, offset: reader.offset, line: line, reason: failure.message) }
                    try rows.quarantine(
                        QuarantinedRecord(source: bytes.name, position: .line(line), rawBytes: raw, reason: failure.message))
                }
            }
            reader.consume(min(len + 1, avail))
        }
    }

    private func readCSV(_ bytes: any ByteSource, into rows: inout CourseRows) async throws -> SkippedTable? {
        let maxRecord = limits.maxRecordBytes
        let reader = ByteReader(source: bytes, limit: maxRecord + 1)
        var scanner = CSVRecordScanner()
        let header = try await CSVHeader.read(reader, &scanner, maxRecord: maxRecord, file: bytes.name)
        if let skipped = skip(bytes.name, header?.names) { return skipped }
        guard let (names, headerLines) = header else { return nil }
        var scratch = ScratchBuffer(capacity: 1 << 12)
        var line = 1 + headerLines
        while true {
            switch try await CSVRecords.next(reader, &scanner, maxRecord: maxRecord, file: bytes.name, line: line) {
            case .end: return nil
            case .malformed(let p, let consumed, let message):
                if CSVRecords.endsFile(p, consumed, reader) {
                    throw SourceFileError.truncatedLastLine(
                        file: bytes.name, offset: reader.offset, line: line, reason: "malformed CSV: \(message)")
                }
                try rows.quarantine(
                    QuarantinedRecord(
                        source: bytes.name, position: .line(line), rawBytes: UnsafeRawBufferPointer(start: p, count: consumed),
                        reason: "malformed CSV: \(message)"))
                reader.consume(consumed)
                line += 1
            case .record(let p, let consumed, let newlines):
                let raw = UnsafeRawBufferPointer(start: p, count: CSVRecords.trimmedLength(p, consumed))
                let at = line
                line += newlines + 1
                defer { reader.consume(consumed) }
                if CSVRecords.isBlank(scanner) { continue }
                guard scanner.fieldCount == names.count else {
                    if CSVRecords.endsFile(p, consumed, reader) {
                        throw SourceFileError.truncatedLastLine(
                            file: bytes.name, offset: reader.offset, line: at,
                            reason: "expected \(names.count) fields (the header's), found \(scanner.fieldCount)")
                    }
                    try rows.quarantine(
                        QuarantinedRecord(
                            source: bytes.name, position: .line(at), rawBytes: raw,
                            reason: "expected \(names.count) fields (the header's), found \(scanner.fieldCount)"))
                    continue
                }
                var cells: [String: CourseCell] = [:]
                for (k, name) in names.enumerated() where CourseCell.columns.contains(name) {
                    let len = scanner.lengths[k]
                    if len == 0 && !scanner.quoted[k] { continue }  // NULL
                    let cell = UnsafeRawBufferPointer(start: scanner.starts[k], count: len)
                    if CourseCell.listColumns.contains(name) {
                        scratch.reserve(len)
                        cells[name] = CourseCell.list(jsonArrayText: cell, scratch: scratch.pointer)
                    } else {
                        cells[name] = .text(String(decoding: cell, as: UTF8.self))
                    }
                }
                try rows.add(cells, at: .line(at), rawBytes: raw)
            }
        }
    }
}
