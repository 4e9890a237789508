#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LearningEvents

/// Decodes newline-delimited JSON as BigQuery's `EXPORT DATA … format='JSON'` writes it: one object per line, INT64
/// as strings, TIMESTAMP as `YYYY-MM-DD HH:MM:SS[.ffffff] UTC`, NULL fields omitted, unknown keys ignored.
///
/// Lines are scanned in place (``JSONScanner``) for the ten known keys; a line that is not valid JSON or UTF-8, or
/// breaks a rule, is quarantined with its line number. Lines longer than the record limit are quarantined unread.
/// The last line, when it has no line break and cannot be read, means the file was cut there: the file fails
/// (``SourceFileError/truncatedLastLine(file:offset:line:reason:)``).
final class NDJSONEventDecoder: RowDecoder {
    let reader: ByteReader
    let name: String
    let maxLine: Int
    private var line = 0
    private var scratch: ScratchBuffer
    /// Slot of the key seen at each position of the previous line (keys usually come in the same order).
    private var predicted = [Int](repeating: -1, count: 32)

    init(source: any ByteSource, maxLine: Int) {
        name = source.name
        self.maxLine = maxLine
        reader = ByteReader(source: source, limit: maxLine + 1)
        scratch = ScratchBuffer(capacity: 1 << 16)
    }

    var offset: Int64 { reader.offset }

    func columns() async throws -> [String]? {
        try await NDJSONLines.firstObjectKeys(reader, maxLine: maxLine)
    }

    /// Decodes the complete lines in the window, then reads more. Returns false at the end of the stream.
    func decodeRows(into builder: EventBatchBuilder, maxRows: Int) async throws -> Bool {
        while builder.pending < maxRows {
            let v = reader.view
            let avail = v.available
            let p = v.current
            if avail > 0, let nl = memchr(p, 0x0a, avail) {
                let len = UnsafeRawPointer(nl) - UnsafeRawPointer(p)
                line += 1
                try process(p, len, builder)
                reader.consume(len + 1)
                continue
            }
            if v.atEOF {
                if avail > 0 {
                    line += 1
                    try process(p, avail, builder, last: true)
                    reader.consume(avail)
                }
                return false
            }
            if avail > maxLine {
                line += 1
                let start = reader.offset
                let record = QuarantinedRecord(
                    source: name, position: .line(line),
                    rawBytes: UnsafeRawBufferPointer(start: reader.current, count: min(avail, QuarantinedRecord.rawLimit)),
                    reason: "line longer than \(maxLine) bytes; skipped")
                guard try await NDJSONLines.skipLine(reader) else {
                    throw SourceFileError.truncatedLastLine(file: name, offset: start, line: line, reason: "longer than \(maxLine) bytes")
                }
                try builder.quarantine(record)
                continue
            }
            try await reader.fill(minimum: avail + 1)
            reader.shrinkIfLarge()
        }
        return true
    }

    /// Decodes one line (`last`: the file's last line, which had no line break: unreadable, it means the file was
    /// cut there, and throws the truncation error).
    private func process(_ p: UnsafePointer<UInt8>, _ rawLen: Int, _ builder: EventBatchBuilder, last: Bool = false) throws {
        var len = rawLen
        if len > 0 && p[len - 1] == 0x0d { len -= 1 }
        if NDJSONLines.isBlank(p, len) { return }
        let raw = UnsafeRawBufferPointer(start: p, count: len)
        let slots = builder.fields.slots
        builder.fields.reset()
        scratch.reserve(len)
        let scanned = Self.scan(raw, into: slots, scratch: scratch.pointer, predicted: &predicted)
        if let message = scanned {
            if last { throw SourceFileError.truncatedLastLine(file: name, offset: reader.offset, line: line, reason: message) }
            try builder.quarantine(QuarantinedRecord(source: name, position: .line(line), rawBytes: raw, reason: message))
            return
        }
        if let err = builder.commit(position: .line(line)) {
            try builder.quarantine(
                QuarantinedRecord(source: name, position: .line(line), rawBytes: raw, reason: err.description, field: err.field))
        }
    }

    /// Scans one JSON object line into the event slots; returns the reason when the line is not a JSON object (or
    /// not UTF-8). `predicted` remembers the field of each key position (keys usually come in the same order).
    @inline(__always)
    static func scan(
        _ raw: UnsafeRawBufferPointer, into slots: UnsafeMutablePointer<FieldInput>, scratch: UnsafeMutablePointer<UInt8>,
        predicted: inout [Int]
    ) -> String? {
        let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let len = raw.count
        if NDJSONLines.hasHighBytes(p, len), String(validating: raw, as: UTF8.self) == nil {
            return "line is not valid UTF-8"
        }
        var scanner = JSONScanner(p, len, scratch: scratch)
        var position = 0
        do {
            try scanner.scanObject(
                slotOf: { kp, kl in
                    defer { position += 1 }
                    if position < predicted.count {
                        let guess = predicted[position]
                        if guess >= 0 && EventField.matches(slot: guess, kp, kl) { return guess }
                        let s = EventField.slot(bytes: kp, count: kl)
                        predicted[position] = s
                        return s
                    }
                    return EventField.slot(bytes: kp, count: kl)
                },
                store: { slot, value in slots[slot] = value })
        } catch {
            return "invalid JSON at column \(error.column): \(error.message)"
        }
        return nil
    }
}
