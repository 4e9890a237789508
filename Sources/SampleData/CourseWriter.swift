import EventSources
import LearningEvents

/// Writes the `courses` export beside the events. BigQuery cannot export REPEATED columns (`org_ids`, `categories`,
/// `prerequisites`) to CSV, so a CSV export's courses are written as NDJSON, as a data scientist would have to. As
/// BigQuery writes them, REPEATED columns are plain Avro arrays (empty, never null) and JSON lists (`[]` when empty),
/// NULL columns are omitted from JSON lines, and TIMESTAMP columns are Avro `timestamp-micros` (in a union with null)
/// or `YYYY-MM-DD HH:MM:SS[.ffffff] UTC` text.
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
        {"name":"lesson_count","type":["null","long"]},{"name":"published","type":["null","boolean"]},\
        {"name":"language","type":["null","string"]},{"name":"categories","type":{"type":"array","items":"string"}},\
        {"name":"published_at","type":["null",{"type":"long","logicalType":"timestamp-micros"}]},\
        {"name":"expires_at","type":["null",{"type":"long","logicalType":"timestamp-micros"}]},\
        {"name":"prerequisites","type":{"type":"array","items":"string"}}]}
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
            Self.array(c.orgIDs, to: &b)
            b.append(2)
            AvroBlockWriter.long(c.lessonCount, to: &b)
            b.append(2)
            b.append(c.published ? 1 : 0)
            if let language = c.language {
                b.append(2)
                AvroBlockWriter.string(language, to: &b)
            } else {
                b.append(0)
            }
            Self.array(c.categories, to: &b)
            for t in [c.publishedAt, c.expiresAt] {
                if let t {
                    b.append(2)
                    AvroBlockWriter.long(t, to: &b)
                } else {
                    b.append(0)
                }
            }
            Self.array(c.prerequisites, to: &b)
            avro.appendEncoded(b)
            if avro.pending >= 4096 { try file.write(try avro.flushBlock()) }
            return
        }
        var line = "{\"tenant_id\":\(JSONText.quoted(c.tenantID)),\"course_id\":\(JSONText.quoted(c.courseID)),"
        line += "\"title\":\(JSONText.quoted(c.title)),\"org_ids\":[\(c.orgIDs.map { JSONText.quoted($0) }.joined(separator: ","))],"
        line += "\"lesson_count\":\"\(c.lessonCount)\",\"published\":\(c.published)"
        if let language = c.language { line += ",\"language\":\(JSONText.quoted(language))" }
        line += ",\"categories\":[\(c.categories.map { JSONText.quoted($0) }.joined(separator: ","))]"
        if let t = c.publishedAt { line += ",\"published_at\":\"\(Timestamp.bigQuery(t))\"" }
        if let t = c.expiresAt { line += ",\"expires_at\":\"\(Timestamp.bigQuery(t))\"" }
        line += ",\"prerequisites\":[\(c.prerequisites.map { JSONText.quoted($0) }.joined(separator: ","))]}\n"
        buffer.append(string: line)
    }

    /// An Avro array of strings: one block with the items (none when empty), then the end marker.
    private static func array(_ items: [String], to b: inout [UInt8]) {
        if !items.isEmpty {
            AvroBlockWriter.long(Int64(items.count), to: &b)
            for s in items { AvroBlockWriter.string(s, to: &b) }
        }
        b.append(0)
    }

    func finish() throws {
        if let avro, avro.pending > 0 { try file.write(try avro.flushBlock()) }
        try file.write(buffer)
        try file.finish()
    }
}
