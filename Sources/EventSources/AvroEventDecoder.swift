import LearningEvents

/// Decodes events from an Avro object container file as BigQuery's `EXPORT DATA … format='AVRO'` writes it:
/// a top-level record whose fields carry the schema's names, nullable columns as `["null", T]` unions, TIMESTAMP as
/// `long` with `timestamp-micros`. Fields are matched by name; unknown fields are skipped.
///
/// A record that breaks a rule is quarantined (rendered as JSON) with its block and record number. Bytes that cannot
/// be decoded (truncation, a bad sync marker, a bad length) stop the file with the offset; earlier rows are kept.
final class AvroEventDecoder: RowDecoder {
    let container: AvroContainerReader
    let name: String
    private var plan: [(slot: Int, type: AvroType)] = []
    private var recordType: AvroType = .null

    init(source: any ByteSource, limits: ReaderLimits) {
        name = source.name
        container = AvroContainerReader(source: source, maxZeroByteRecords: limits.maxZeroByteRecords)
    }

    var offset: Int64 { container.reader.offset }

    func columns() async throws -> [String]? {
        try await container.readHeader()
        guard case .record(let r) = container.schema else {
            throw SourceFileError(file: name, offset: 4, message: "Avro schema's top level is not a record")
        }
        recordType = container.schema
        plan = r.fields.map { (EventField.named($0.name)?.rawValue ?? -1, $0.type) }
        return r.declaredNames
    }

    func decodeRows(into builder: EventBatchBuilder, maxRows: Int) async throws -> Bool {
        while builder.pending < maxRows {
            guard let block = try await container.nextBlock() else { return false }
            try decode(block, builder)
        }
        return true
    }

    private func decode(_ block: AvroContainerReader.Block, _ builder: EventBatchBuilder) throws {
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
                try builder.quarantine(
                    QuarantinedRecord(source: name, position: position, raw: raw, reason: err.description, field: err.field))
            }
        }
        guard c.i == block.size else {
            throw SourceFileError(
                file: name, offset: block.offset,
                message: "block \(block.index): \(block.size - c.i) bytes left after its \(block.count) records (corrupt)")
        }
    }

    /// `value` units of `per` microseconds, saturating: an overflowing millis or date value becomes Int64.min or
    /// Int64.max, which the occurred_at rule refuses as out of range (never a wrapped, plausible-looking time).
    @inline(__always)
    static func micros(_ value: Int64, per: Int64) -> Int64 {
        let (m, overflow) = value.multipliedReportingOverflow(by: per)
        return overflow ? (value < 0 ? .min : .max) : m
    }

    /// Reads a value of type `t` into a field slot (the fast path: no allocation).
    @inline(__always)
    static func read(_ t: AvroType, _ c: inout AvroCursor, into v: inout FieldInput) throws(AvroCursor.Failure) {
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
                v.int = micros(x, per: 1000)
            case .date:
                v.kind = .micros
                v.int = micros(x, per: Timestamp.microsPerDay)
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
