/// One export file's format-specific decoding, driven by ``EventFileReader`` (the one batch driver of all formats).
/// One task owns it.
protocol RowDecoder: AnyObject {
    /// Reads the table's head (Avro header, CSV header row, first NDJSON object, without consuming that object)
    /// and returns its column names (nil when the head cannot tell, e.g. an empty file or a first line that is not
    /// JSON: read as events); throws when the head is unreadable.
    func columns() async throws -> [String]?
    /// Decodes rows into `builder` until it holds at least `maxRows` rows or the file ends; returns false at the end.
    /// Throws ``SourceFileError`` when the file cannot be read further.
    func decodeRows(into builder: EventBatchBuilder, maxRows: Int) async throws -> Bool
    /// The stream offset reached, for errors that have no better position.
    var offset: Int64 { get }
}
