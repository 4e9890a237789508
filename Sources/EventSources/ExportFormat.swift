/// The file formats of BigQuery exports Lodestar reads, chosen by extension and confirmed by magic bytes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// Avro object container file (`.avro`), magic `Obj\u{1}`.
    case avro
    /// Newline-delimited JSON (`.json`, `.jsonl`, `.ndjson`; `.gz` for gzip).
    case ndjson
    /// CSV with a header row (`.csv`; `.gz` for gzip).
    case csv

    /// The format and compression of a file name, nil when the extension is not one of ours.
    public static func of(fileName: String) -> (format: ExportFormat, gzip: Bool)? {
        var name = Substring(fileName.lowercased())
        var gzip = false
        if name.hasSuffix(".gz") {
            gzip = true
            name = name.dropLast(3)
        }
        if name.hasSuffix(".avro") { return gzip ? nil : (.avro, false) }
        if name.hasSuffix(".json") || name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") { return (.ndjson, gzip) }
        if name.hasSuffix(".csv") { return (.csv, gzip) }
        return nil
    }

    /// The extension the generator writes.
    public var fileExtension: String {
        switch self {
        case .avro: "avro"
        case .ndjson: "json"
        case .csv: "csv"
        }
    }
}
