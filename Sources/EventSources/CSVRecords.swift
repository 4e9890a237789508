/// The record loop over a CSV stream shared by the header reader, the events decoder and the course reader:
/// scans the next record in the window, reading more until it is complete.
enum CSVRecords {
    /// What the next record is. `p` points at its first byte in the reader's window; the caller consumes
    /// `consumed` bytes once it is done with it.
    enum Next {
        case record(p: UnsafePointer<UInt8>, consumed: Int, newlines: Int)
        case malformed(p: UnsafePointer<UInt8>, consumed: Int, message: String)
        /// The stream ended.
        case end
    }

    /// Scans the next record; throws when one is longer than `maxRecord` bytes (its end cannot be found reliably).
    static func next(_ reader: ByteReader, _ scanner: inout CSVRecordScanner, maxRecord: Int, file: String, line: Int)
        async throws -> Next
    {
        while true {
            let v = reader.view
            let avail = v.available
            if avail == 0 {
                if v.atEOF { return .end }
                try await reader.fill()
                continue
            }
            let p = v.current
            switch scanner.scan(p, avail, atEOF: v.atEOF) {
            case .incomplete:
                guard avail <= maxRecord else {
                    throw SourceFileError(
                        file: file, offset: reader.offset,
                        message: "CSV record at line \(line) is longer than \(maxRecord) bytes (unterminated quote?)")
                }
                try await reader.fill(minimum: avail + 1)
                reader.shrinkIfLarge()
            case .malformed(let consumed, let message): return .malformed(p: p, consumed: consumed, message: message)
            case .record(let consumed, let newlines): return .record(p: p, consumed: consumed, newlines: newlines)
            }
        }
    }

    /// Whether the last record scanned is a blank line (one empty unquoted field).
    static func isBlank(_ scanner: borrowing CSVRecordScanner) -> Bool {
        scanner.fieldCount == 1 && scanner.lengths[0] == 0 && !scanner.quoted[0]
    }

    /// Whether the record (or malformed stretch) of `consumed` bytes at `p` ran to the end of the stream without a
    /// line break: then it is the file's last line, and when it cannot be read the file was cut there
    /// (``SourceFileError/truncatedLastLine(file:offset:line:reason:)``). The scanner ends a record without a line
    /// break only at the end of the stream; a malformed stretch also needs `reader` to be there.
    static func endsFile(_ p: UnsafePointer<UInt8>, _ consumed: Int, _ reader: ByteReader) -> Bool {
        consumed > 0 && p[consumed - 1] != 0x0a && p[consumed - 1] != 0x0d && reader.atEOF
            && reader.available == consumed
    }

    /// The length of a record without its line break.
    static func trimmedLength(_ p: UnsafePointer<UInt8>, _ consumed: Int) -> Int {
        var n = consumed
        while n > 0 && (p[n - 1] == 0x0a || p[n - 1] == 0x0d) { n -= 1 }
        return n
    }
}
