import LearningEvents

/// Decodes events from an Avro object container file as BigQuery's `EXPORT DATA … format='AVRO'` writes it:
/// a top-level record whose fields carry the schema's names, nullable columns as `["null", T]` unions, TIMESTAMP as
/// `long` with `timestamp-micros`. Fields are matched by name; unknown fields are skipped.
///
/// A record that breaks a rule is quarantined (rendered as JSON) with its block and record number. Bytes that cannot
/// be decoded (truncation, a bad sync marker, a bad length) stop the file with the offset; earlier rows are kept.
final class AvroEventDecoder: EventDecoder {
    let container: AvroContainerReader
    let builder: EventBatchBuilder
    let name: String
    private var plan: [(slot: Int, type: AvroType)] = []
    private var recordType: AvroType = .null
    private var started = false
    private var done = false

    init(source: any ByteSource, interner: SymbolInterner) {
        name = source.name
        container = AvroContainerReader(source: source)
        builder = EventBatchBuilder(file: source.name, interner: interner)
    }

    func nextBatch(maxRows: Int) async -> EventBatch? {
        if done { return nil }
        builder.batch.reserve(maxRows)
        do {
            if !started {
                started = true
                try await container.readHeader()
                guard case .record(_, let fields) = container.schema else {
                    throw SourceFileError(file: name, offset: 4, message: "Avro schema's top level is not a record")
                }
                recordType = container.schema
                plan = fields.map { (EventField.slot(named: $0.name) ?? -1, $0.type) }
            }
            while builder.pending < maxRows {
                guard let block = try await container.nextBlock() else {
                    done = true
                    break
                }
                try decode(block)
            }
        } catch let error as SourceFileError {
            builder.batch.failure = error
            done = true
        } catch {
            builder.batch.failure = SourceFileError(file: name, offset: nil, message: "\(error)")
            done = true
        }
        let batch = builder.take()
        if batch.count == 0 && batch.quarantined.isEmpty && batch.failure == nil { return nil }
        return batch
    }

    private func decode(_ block: AvroContainerReader.Block) throws {
        guard block.count <= block.size + (1 << 16) else {
            throw SourceFileError(
                file: name, offset: block.offset,
                message: "block \(block.index): \(block.count) records cannot fit in \(block.size) bytes")
        }
        var c = AvroCursor(block.data, block.size)
        let slots = builder.fields.slots
        for r in 0..<block.count {
            let recordStart = c.i
            builder.fields.reset()
            do {
                for f in plan {
                    if f.slot < 0 {
                        try c.skip(f.type)
                    } else {
                        try Self.read(f.type, &c, into: &slots[f.slot])
                    }
                }
            } catch {
                throw SourceFileError(
                    file: name, offset: block.offset,
                    message: "block \(block.index) record \(r): corrupt record data (\(error.message))")
            }
            let position = RecordPosition.avro(block: block.index, record: r)
            if let err = builder.commit(position: position) {
                var rc = AvroCursor(block.data, block.size)
                rc.i = recordStart
                let raw = (try? AvroValue.decode(recordType, &rc).json) ?? "<undecodable record>"
                builder.quarantine(
                    QuarantinedRecord(source: name, position: position, raw: raw, reason: err.description, field: err.field))
            }
        }
        guard c.i == block.size else {
            throw SourceFileError(
                file: name, offset: block.offset,
                message: "block \(block.index): \(block.size - c.i) bytes left after its \(block.count) records (corrupt)")
        }
    }

    /// Reads a value of type `t` into a field slot (the fast path: no allocation).
    @inline(__always)
    static func read(_ t: AvroType, _ c: inout AvroCursor, into v: inout FieldValue) throws(AvroCursor.Failure) {
        switch t {
        case .null: v.kind = .null
        case .string:
            let (p, n) = try c.lengthPrefixed()
            v.kind = .text
            v.ptr = UnsafeRawPointer(p)
            v.len = n
        case .long(let l), .int(let l):
            let x = try c.long()
            switch l {
            case .none:
                v.kind = .int
                v.int = x
            case .timestampMicros:
                v.kind = .micros
                v.int = x
            case .timestampMillis:
                v.kind = .micros
                v.int = x.multipliedReportingOverflow(by: 1000).partialValue
            case .date:
                v.kind = .micros
                v.int = x.multipliedReportingOverflow(by: Timestamp.microsPerDay).partialValue
            }
        case .double:
            v.kind = .double
            v.double = try c.double()
        case .float:
            v.kind = .double
            v.double = Double(try c.float())
        case .boolean:
            v.kind = .bool
            v.int = try c.boolean() ? 1 : 0
        case .union(let branches):
            try read(branches[try c.unionIndex(branches.count)], &c, into: &v)
        default:
            try c.skip(t)
            v.kind = .other
        }
    }
}
