import EventSources
import LearningEvents

/// Writes the `courses` export beside the events. BigQuery cannot export a REPEATED column (`org_ids`) to CSV, so a
/// CSV export's courses are written as NDJSON, as a data scientist would have to.
final class CourseWriter {
    let format: ExportFormat
    let file: OutputFile
    private var buffer: [UInt8] = []
    private var avro: AvroBlockWriter?
    private(set) var paths: [String] = []

    static let avroSchema = """
        {"type":"record","name":"Root","fields":[\
        {"name":"tenant_id","type":"string"},{"name":"course_id","type":"string"},\
        {"name":"title","type":["null","string"]},{"name":"org_ids","type":{"type":"array","items":"string"}},\
        {"name":"lesson_count","type":["null","long"]},{"name":"published","type":["null","boolean"]}]}
        """

    init(directory: String, format: ExportFormat, codec: EventWriter.AvroCodec, gzip: Bool) throws {
        self.format = format == .csv ? .ndjson : format
        let gz = gzip && self.format != .avro
        let path = "\(directory)/courses-000000000000.\(self.format.fileExtension)\(gz ? ".gz" : "")"
        file = try OutputFile(path: path, gzip: gz)
        paths = [path]
        if self.format == .avro {
            let w = AvroBlockWriter(schema: Self.avroSchema, codec: codec, seed: 99)
            try file.write(w.header())
            avro = w
        }
    }

    func write(_ c: Course) throws {
        if let avro {
            var b: [UInt8] = []
            AvroBlockWriter.string(c.tenantID, to: &b)
            AvroBlockWriter.string(c.courseID, to: &b)
            b.append(2)
            AvroBlockWriter.string(c.title, to: &b)
            if !c.orgIDs.isEmpty {
                AvroBlockWriter.long(Int64(c.orgIDs.count), to: &b)
                for o in c.orgIDs { AvroBlockWriter.string(o, to: &b) }
            }
            b.append(0)
            b.append(2)
            AvroBlockWriter.long(c.lessonCount, to: &b)
            b.append(2)
            b.append(c.published ? 1 : 0)
            avro.appendEncoded(b)
            if avro.pending >= 4096 { try file.write(try avro.flushBlock()) }
            return
        }
        var line = "{\"tenant_id\":\(JSONText.quoted(c.tenantID)),\"course_id\":\(JSONText.quoted(c.courseID)),"
        line += "\"title\":\(JSONText.quoted(c.title)),\"org_ids\":[\(c.orgIDs.map { JSONText.quoted($0) }.joined(separator: ","))],"
        line += "\"lesson_count\":\"\(c.lessonCount)\",\"published\":\(c.published)}\n"
        buffer.append(string: line)
    }

    func finish() throws {
        if let avro, avro.pending > 0 { try file.write(try avro.flushBlock()) }
        try file.write(buffer)
        try file.finish()
    }
}
