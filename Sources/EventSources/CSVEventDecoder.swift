import LearningEvents

/// Decodes CSV as BigQuery's `EXPORT DATA … format='CSV'` writes it: a header row naming the columns, RFC 4180
/// quoting, an empty unquoted field for NULL, TIMESTAMP as `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`. Unknown columns are
/// ignored. A record with the wrong number of fields or broken quoting is quarantined with its line; as the last line
/// without a line break it means the file was cut there (``SourceFileError/truncatedLastLine(file:offset:line:reason:)``).
final class CSVEventDecoder: RowDecoder {
    let reader: ByteReader
    let name: String
    let maxRecord: Int
    private var scanner = CSVRecordScanner()
    /// Field index of each column (-1: ignored); empty until the header is read.
    private var columnSlots: [Int] = []
    private var line = 1

    init(source: any ByteSource, maxRecord: Int) {
        name = source.name
        self.maxRecord = maxRecord
        reader = ByteReader(source: source, limit: maxRecord + 1)
    }

    var offset: Int64 { reader.offset }

    func columns() async throws -> [String]? {
        guard let (names, lines) = try await CSVHeader.read(reader, &scanner, maxRecord: maxRecord, file: name) else {
            return nil
        }
        line += lines
        columnSlots = names.map { EventField.named($0)?.rawValue ?? -1 }
        return names
    }

    func decodeRows(into builder: EventBatchBuilder, maxRows: Int) async throws -> Bool {
        while builder.pending < maxRows {
            switch try await CSVRecords.next(reader, &scanner, maxRecord: maxRecord, file: name, line: line) {
            case .end: return false
            case .malformed(let p, let consumed, let message):
                if CSVRecords.endsFile(p, consumed, reader) {
                    throw SourceFileError.truncatedLastLine(
                        file: name, offset: reader.offset, line: line, reason: "malformed CSV: \(message)")
                }
                try builder.quarantine(
                    QuarantinedRecord(
                        source: name, position: .line(line), rawBytes: UnsafeRawBufferPointer(start: p, count: consumed),
                        reason: "malformed CSV: \(message)"))
                reader.consume(consumed)
                line += 1
            case .record(let p, let consumed, let newlines):
                let recordLine = line
                line += newlines + 1
                try process(p, consumed, at: recordLine, builder, last: CSVRecords.endsFile(p, consumed, reader))
                reader.consume(consumed)
            }
        }
        return true
    }

    /// Decodes one record (`last`: the file's last line, which had no line break: with the wrong field count, it
    /// means the file was cut there, and throws the truncation error).
    private func process(
        _ p: UnsafePointer<UInt8>, _ consumed: Int, at recordLine: Int, _ builder: EventBatchBuilder, last: Bool
    ) throws {
        let raw = UnsafeRawBufferPointer(start: p, count: CSVRecords.trimmedLength(p, consumed))
        let cells = scanner.fields
        if cells.count == 1 && cells.lengths[0] == 0 && !cells.quoted[0] { return }  // blank line
        let slots = columnSlots
        guard cells.count == slots.count else {
            if last {
                throw SourceFileError.truncatedLastLine(
                    file: name, offset: reader.offset, line: recordLine,
                    reason: "expected \(slots.count) fields (the header's), found \(cells.count)")
            }
            try builder.quarantine(
                QuarantinedRecord(
                    source: name, position: .line(recordLine), rawBytes: raw,
                    reason: "expected \(slots.count) fields (the header's), found \(cells.count)"))
            return
        }
        builder.fields.reset()
        let f = builder.fields.slots
        for k in 0..<slots.count {
            let s = slots[k]
            if s < 0 { continue }
            let len = cells.lengths[k]
            if len == 0 && !cells.quoted[k] { continue }  // NULL
            f[s].kind = .text
            f[s].ptr = UnsafeRawPointer(cells.starts[k])
            f[s].len = len
        }
        if let err = builder.commit(position: .line(recordLine)) {
            try builder.quarantine(
                QuarantinedRecord(
                    source: name, position: .line(recordLine), rawBytes: raw, reason: err.description, field: err.field))
        }
    }
}
