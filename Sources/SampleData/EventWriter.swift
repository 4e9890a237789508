public import EventSources
import LearningEvents

/// Writes generated events the way BigQuery's `EXPORT DATA` would: sharded files named
/// `events-000000000000.<ext>` (12-digit shard number), optional gzip for JSON and CSV.
public final class EventWriter {
    /// The Avro compression codec.
    public enum AvroCodec: String, Sendable, CaseIterable {
        case null, deflate, snappy
    }

    let directory: String
    let format: ExportFormat
    let codec: AvroCodec
    let gzip: Bool
    let rowsPerFile: Int
    private var shard = 0
    private var rowsInFile = 0
    private var file: OutputFile?
    private var buffer: [UInt8] = []
    private var avro: AvroBlockWriter?
    /// Paths written so far.
    public private(set) var paths: [String] = []
    /// Rows written so far.
    public private(set) var rows = 0

    /// A writer of shards into `directory` (which must exist).
    public init(directory: String, format: ExportFormat, codec: AvroCodec = .deflate, gzip: Bool = false,
                rowsPerFile: Int = 1_000_000, baseName: String = "events")
    {
        self.directory = directory
        self.format = format
        self.codec = codec
        self.gzip = gzip && format != .avro
        self.rowsPerFile = max(1, rowsPerFile)
        self.baseName = baseName
        buffer.reserveCapacity(1 << 20)
    }

    let baseName: String

    private func open() throws {
        var num = String(shard)
        num = String(repeating: "0", count: max(0, 12 - num.count)) + num
        let path = "\(directory)/\(baseName)-\(num).\(format.fileExtension)\(gzip ? ".gz" : "")"
        shard += 1
        rowsInFile = 0
        let f = try OutputFile(path: path, gzip: gzip)
        file = f
        paths.append(path)
        switch format {
        case .avro:
            let w = AvroBlockWriter(schema: Self.avroSchema, codec: codec, seed: UInt64(shard))
            try f.write(w.header())
            avro = w
        case .csv:
            buffer.append(string: EventCSV.header)
        case .ndjson:
            break
        }
    }

    private func close() throws {
        guard let f = file else { return }
        if let avro, avro.pending > 0 { try f.write(try avro.flushBlock()) }
        try f.write(buffer)
        buffer.removeAll(keepingCapacity: true)
        try f.finish()
        file = nil
        avro = nil
    }

    /// Appends one event.
    public func write(_ e: EventRow) throws {
        if file == nil || rowsInFile >= rowsPerFile {
            try close()
            try open()
        }
        rowsInFile += 1
        rows += 1
        switch format {
        case .avro:
            avro!.append(e)
            if avro!.pending >= AvroBlockWriter.rowsPerBlock { try file!.write(try avro!.flushBlock()) }
        case .ndjson:
            EventNDJSON.append(e, to: &buffer)
            if buffer.count >= 1 << 20 {
                try file!.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        case .csv:
            EventCSV.append(e, to: &buffer)
            if buffer.count >= 1 << 20 {
                try file!.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Finishes the last file.
    public func finish() throws { try close() }

    /// The schema BigQuery writes for the `learning_events` table: REQUIRED columns plain, NULLABLE ones as
    /// `["null", T]`, TIMESTAMP as `long`/`timestamp-micros`.
    static let avroSchema = """
        {"type":"record","name":"Root","fields":[\
        {"name":"event_id","type":"string"},\
        {"name":"tenant_id","type":"string"},\
        {"name":"org_id","type":["null","string"]},\
        {"name":"learner_id","type":"string"},\
        {"name":"course_id","type":"string"},\
        {"name":"lesson_id","type":["null","string"]},\
        {"name":"event_type","type":"string"},\
        {"name":"occurred_at","type":{"type":"long","logicalType":"timestamp-micros"}},\
        {"name":"duration_seconds","type":["null","long"]},\
        {"name":"score","type":["null","double"]}]}
        """
}

/// BigQuery's JSON export form of an event: NULL fields omitted, INT64 as a string, TIMESTAMP as `… UTC`.
enum EventNDJSON {
    static func append(_ e: EventRow, to b: inout [UInt8]) {
        b.append(string: "{\"event_id\":")
        b.append(quoted: e.eventID)
        b.append(string: ",\"tenant_id\":")
        b.append(quoted: e.tenantID)
        if let org = e.orgID {
            b.append(string: ",\"org_id\":")
            b.append(quoted: org)
        }
        b.append(string: ",\"learner_id\":")
        b.append(quoted: e.learnerID)
        b.append(string: ",\"course_id\":")
        b.append(quoted: e.courseID)
        if let lesson = e.lessonID {
            b.append(string: ",\"lesson_id\":")
            b.append(quoted: lesson)
        }
        b.append(string: ",\"event_type\":")
        b.append(quoted: e.type.name)
        b.append(string: ",\"occurred_at\":\"")
        Timestamp.appendBigQuery(e.occurredAt, to: &b)
        b.append(UInt8(ascii: "\""))
        if let d = e.durationSeconds {
            b.append(string: ",\"duration_seconds\":\"")
            b.append(int: d)
            b.append(UInt8(ascii: "\""))
        }
        if let s = e.score {
            b.append(string: ",\"score\":")
            b.append(score: s)
        }
        b.append(string: "}\n")
    }
}

/// BigQuery's CSV export form: header row, NULL as an empty field.
enum EventCSV {
    static let header =
        "event_id,tenant_id,org_id,learner_id,course_id,lesson_id,event_type,occurred_at,duration_seconds,score\n"

    static func append(_ e: EventRow, to b: inout [UInt8]) {
        b.append(string: e.eventID)
        b.append(UInt8(ascii: ","))
        b.append(string: e.tenantID)
        b.append(UInt8(ascii: ","))
        if let org = e.orgID { b.append(string: org) }
        b.append(UInt8(ascii: ","))
        b.append(string: e.learnerID)
        b.append(UInt8(ascii: ","))
        b.append(string: e.courseID)
        b.append(UInt8(ascii: ","))
        if let lesson = e.lessonID { b.append(string: lesson) }
        b.append(UInt8(ascii: ","))
        b.append(string: e.type.name)
        b.append(UInt8(ascii: ","))
        Timestamp.appendBigQuery(e.occurredAt, to: &b)
        b.append(UInt8(ascii: ","))
        if let d = e.durationSeconds { b.append(int: d) }
        b.append(UInt8(ascii: ","))
        if let s = e.score { b.append(score: s) }
        b.append(UInt8(ascii: "\n"))
    }
}
