import LearningEvents

/// Decodes CSV as BigQuery's `EXPORT DATA … format='CSV'` writes it: a header row naming the columns, RFC 4180
/// quoting, an empty unquoted field for NULL, TIMESTAMP as `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`. Unknown columns are
/// ignored. A record with the wrong number of fields or broken quoting is quarantined with its line.
final class CSVEventDecoder: EventDecoder {
    let reader: ByteReader
    let builder: EventBatchBuilder
    let name: String
    let maxRecord: Int
    private var scanner = CSVRecordScanner()
    /// Slot of each column (-1: ignored); nil until the header is read.
    private var columnSlots: [Int]?
    private var line = 1
    private var done = false

    init(source: any ByteSource, interner: SymbolInterner, maxRecord: Int = 32 << 20) {
        name = source.name
        self.maxRecord = maxRecord
        reader = ByteReader(source: source, limit: maxRecord + 1)
        builder = EventBatchBuilder(file: source.name, interner: interner)
    }

    deinit { scanner.free() }

    func nextBatch(maxRows: Int) async -> EventBatch? {
        if done { return nil }
        builder.batch.reserve(maxRows)
        do {
            while builder.pending < maxRows {
                if try await !step(maxRows: maxRows) {
                    done = true
                    break
                }
            }
        } catch let error as SourceFileError {
            builder.batch.failure = error
            done = true
        } catch {
            builder.batch.failure = SourceFileError(file: name, offset: reader.offset, message: "\(error)")
            done = true
        }
        let batch = builder.take()
        if batch.count == 0 && batch.quarantined.isEmpty && batch.failure == nil { return nil }
        return batch
    }

    private func step(maxRows: Int) async throws -> Bool {
        while builder.pending < maxRows {
            let avail = reader.available
            if avail == 0 && reader.atEOF { return false }
            let p = reader.current.assumingMemoryBound(to: UInt8.self)
            if avail == 0 {
                try await reader.fill()
                continue
            }
            switch scanner.scan(p, avail, atEOF: reader.atEOF) {
            case .incomplete:
                if avail > maxRecord {
                    throw SourceFileError(
                        file: name, offset: reader.offset,
                        message: "CSV record at line \(line) is longer than \(maxRecord) bytes (unterminated quote?)")
                }
                try await reader.fill(minimum: avail + 1)
                reader.shrinkIfLarge()
            case .malformed(let consumed, let message):
                builder.quarantine(
                    QuarantinedRecord(
                        source: name, position: .line(line), rawBytes: UnsafeRawBufferPointer(start: p, count: consumed),
                        reason: "malformed CSV: \(message)"))
                if columnSlots == nil {
                    throw SourceFileError(file: name, offset: reader.offset, message: "malformed CSV header: \(message)")
                }
                reader.consume(consumed)
                line += 1
            case .record(let consumed, let newlines):
                let recordLine = line
                line += newlines + 1
                process(p, consumed, at: recordLine)
                reader.consume(consumed)
            }
        }
        return true
    }

    private func process(_ p: UnsafePointer<UInt8>, _ consumed: Int, at recordLine: Int) {
        var rawLen = consumed
        while rawLen > 0 && (p[rawLen - 1] == 0x0a || p[rawLen - 1] == 0x0d) { rawLen -= 1 }
        let raw = UnsafeRawBufferPointer(start: p, count: rawLen)
        guard let slots = columnSlots else {
            readHeader()
            return
        }
        if scanner.fieldCount == 1 && scanner.lengths[0] == 0 && !scanner.quoted[0] { return }  // blank line
        guard scanner.fieldCount == slots.count else {
            builder.quarantine(
                QuarantinedRecord(
                    source: name, position: .line(recordLine), rawBytes: raw,
                    reason: "expected \(slots.count) fields (the header's), found \(scanner.fieldCount)"))
            return
        }
        builder.fields.reset()
        let f = builder.fields.slots
        for k in 0..<slots.count {
            let s = slots[k]
            if s < 0 { continue }
            let len = scanner.lengths[k]
            if len == 0 && !scanner.quoted[k] { continue }  // NULL
            f[s].kind = .text
            f[s].ptr = UnsafeRawPointer(scanner.starts[k])
            f[s].len = len
        }
        if let err = builder.commit(position: .line(recordLine)) {
            builder.quarantine(
                QuarantinedRecord(
                    source: name, position: .line(recordLine), rawBytes: raw, reason: err.description, field: err.field))
        }
    }

    private func readHeader() {
        var slots: [Int] = []
        for k in 0..<scanner.fieldCount {
            var start = UnsafeRawPointer(scanner.starts[k])
            var len = scanner.lengths[k]
            // A UTF-8 byte-order mark before the first name.
            if k == 0, len >= 3, let s = start, s.load(as: UInt8.self) == 0xEF,
                s.load(fromByteOffset: 1, as: UInt8.self) == 0xBB, s.load(fromByteOffset: 2, as: UInt8.self) == 0xBF
            {
                start = s + 3
                len -= 3
            }
            slots.append(start.map { EventField.slot(bytes: $0, count: len) } ?? -1)
        }
        columnSlots = slots
    }
}
