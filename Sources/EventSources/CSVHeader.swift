/// Reads the header row of a CSV export (shared by the events decoder and the course reader).
enum CSVHeader {
    /// The column names of the first record (a UTF-8 byte-order mark before the first is dropped), consuming it;
    /// nil for an empty stream. Throws when the header is malformed or longer than `maxRecord`.
    static func read(_ reader: ByteReader, _ scanner: inout CSVRecordScanner, maxRecord: Int, file: String) async throws
        -> (names: [String], lines: Int)?
    {
        while true {
            let avail = reader.available
            if avail == 0 {
                if reader.atEOF { return nil }
                try await reader.fill()
                continue
            }
            let p = reader.current.assumingMemoryBound(to: UInt8.self)
            switch scanner.scan(p, avail, atEOF: reader.atEOF) {
            case .incomplete:
                guard avail <= maxRecord else {
                    throw SourceFileError(file: file, offset: reader.offset, message: "CSV header is longer than \(maxRecord) bytes")
                }
                try await reader.fill(minimum: avail + 1)
            case .malformed(_, let message):
                throw SourceFileError(file: file, offset: reader.offset, message: "malformed CSV header: \(message)")
            case .record(let consumed, let newlines):
                var names: [String] = []
                for k in 0..<scanner.fieldCount {
                    var name = scanner.text(k)
                    if k == 0, name.hasPrefix("\u{FEFF}") { name.removeFirst() }
                    names.append(name)
                }
                reader.consume(consumed)
                reader.shrinkIfLarge()
                return (names, newlines + 1)
            }
        }
    }
}
