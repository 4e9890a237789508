extension SourceFileError {
    /// The error of an NDJSON or CSV file cut in the middle of a line: its last line has no line break **and**
    /// cannot be read (NDJSON: not a complete JSON object, or not UTF-8, or too long to read; CSV: broken quoting or
    /// a field count other than the header's).
    ///
    /// Both conditions are needed. A last line without a line break that reads is kept (many writers omit the final
    /// newline), and an unreadable line that ends with a line break is one bad row (quarantined). A cut file fails
    /// like a truncated Avro or gzip file: the rows before the cut stay, and a run publishes nothing unless partial
    /// data is allowed. (A cut that happens to leave a readable line, e.g. inside the last field of a CSV record,
    /// cannot be told from a complete file; that row is then checked by the rules like any other.)
    static func truncatedLastLine(file: String, offset: Int64, line: Int, reason: String) -> SourceFileError {
        SourceFileError(
            file: file, offset: offset,
            message: "file is truncated: its last line (line \(line)) has no line break and cannot be read (\(reason))")
    }
}
