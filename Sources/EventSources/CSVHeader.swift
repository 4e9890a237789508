/// Reads the header row of a CSV export (shared by the events decoder and the course reader).
enum CSVHeader {
    /// The column names of the first record (a UTF-8 byte-order mark before the first is dropped), consuming it,
    /// and the lines it spans; nil for an empty stream. Throws when the header is malformed or too long.
    static func read(_ reader: ByteReader, _ scanner: inout CSVRecordScanner, maxRecord: Int, file: String) async throws
        -> (names: [String], lines: Int)?
    {
        switch try await CSVRecords.next(reader, &scanner, maxRecord: maxRecord, file: file, line: 1) {
        case .end: return nil
        case .malformed(_, _, let message):
            throw SourceFileError(file: file, offset: reader.offset, message: "malformed CSV header: \(message)")
        case .record(_, let consumed, let newlines):
            var names: [String] = []
            for k in 0..<scanner.fieldCount {
                var name = scanner.text(k)
                if k == 0, name.hasPrefix("\u{FEFF}") { name.removeFirst() }
                names.append(name)
            }
            reader.consume(consumed)
            return (names, newlines + 1)
        }
    }
}
