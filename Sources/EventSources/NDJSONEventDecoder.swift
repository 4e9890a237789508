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
/// breaks a rule, is quarantined with its line number. Lines longer than `maxLine` bytes are quarantined unread.
final class NDJSONEventDecoder: EventDecoder {
    let reader: ByteReader
    let builder: EventBatchBuilder
    let name: String
    let maxLine: Int
    private var line = 0
    private var done = false
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    /// Slot of the key seen at each position of the previous line (keys usually come in the same order).
    private var predicted = [Int](repeating: -1, count: 32)

    init(source: any ByteSource, interner: SymbolInterner, maxLine: Int = 32 << 20) {
        name = source.name
        self.maxLine = maxLine
        reader = ByteReader(source: source, limit: maxLine + 1)
        builder = EventBatchBuilder(file: source.name, interner: interner)
        scratchCapacity = 1 << 16
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit { scratch.deallocate() }

    func nextBatch(maxRows: Int) async -> EventBatch? {
        if done { return nil }
        builder.batch.reserve(maxRows)
        do {
            while builder.pending < maxRows {
                if try await !step(maxRows: maxRows) {
                    done = true
                    break
                }
            }
        } catch let error as SourceFileError {
            builder.batch.failure = error
            done = true
        } catch {
            builder.batch.failure = SourceFileError(file: name, offset: reader.offset, message: "\(error)")
            done = true
        }
        let batch = builder.take()
        if batch.count == 0 && batch.quarantined.isEmpty && batch.failure == nil { return nil }
        return batch
    }

    /// Decodes the complete lines in the window, then reads more. Returns false at the end of the stream.
    private func step(maxRows: Int) async throws -> Bool {
        while builder.pending < maxRows {
            let avail = reader.available
            let p = reader.current.assumingMemoryBound(to: UInt8.self)
            if avail > 0, let nl = memchr(p, 0x0a, avail) {
                let len = UnsafeRawPointer(nl) - UnsafeRawPointer(p)
                line += 1
                process(p, len)
                reader.consume(len + 1)
                continue
            }
            if reader.atEOF {
                if avail > 0 {
                    line += 1
                    process(p, avail)
                    reader.consume(avail)
                }
                return false
            }
            if avail > maxLine {
                try await skipLongLine()
                continue
            }
            try await reader.fill(minimum: avail + 1)
            reader.shrinkIfLarge()
        }
        return true
    }

    private func skipLongLine() async throws {
        line += 1
        let head = UnsafeRawBufferPointer(start: reader.current, count: min(reader.available, QuarantinedRecord.rawLimit))
        builder.quarantine(
            QuarantinedRecord(
                source: name, position: .line(line), rawBytes: head,
                reason: "line longer than \(maxLine) bytes; skipped"))
        while true {
            let avail = reader.available
            if avail > 0, let nl = memchr(reader.current, 0x0a, avail) {
                reader.consume(UnsafeRawPointer(nl) - reader.current + 1)
                reader.shrinkIfLarge()
                return
            }
            reader.consume(avail)
            if reader.atEOF { return }
            try await reader.fill()
        }
    }

    private func process(_ p: UnsafePointer<UInt8>, _ rawLen: Int) {
        var len = rawLen
        if len > 0 && p[len - 1] == 0x0d { len -= 1 }
        // Blank lines carry no row.
        var blank = true
        for k in 0..<len where p[k] != 0x20 && p[k] != 0x09 {
            blank = false
            break
        }
        if blank { return }
        let raw = UnsafeRawBufferPointer(start: p, count: len)
        if Self.hasHighBytes(p, len), String(validating: raw, as: UTF8.self) == nil {
            builder.quarantine(
                QuarantinedRecord(source: name, position: .line(line), rawBytes: raw, reason: "line is not valid UTF-8"))
            return
        }
        if len > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = len
            scratch = .allocate(capacity: len)
        }
        builder.fields.reset()
        let slots = builder.fields.slots
        var scanner = JSONScanner(p, len, scratch: scratch)
        var position = 0
        do {
            try scanner.scanObject(
                slotOf: { kp, kl in
                    defer { position += 1 }
                    if position < 32 {
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
            builder.quarantine(
                QuarantinedRecord(
                    source: name, position: .line(line), rawBytes: raw,
                    reason: "invalid JSON at column \(error.column): \(error.message)"))
            return
        }
        if let err = builder.commit(position: .line(line)) {
            builder.quarantine(
                QuarantinedRecord(
                    source: name, position: .line(line), rawBytes: raw, reason: err.description, field: err.field))
        }
    }

    @inline(__always)
    static func hasHighBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        let raw = UnsafeRawPointer(p)
        var acc: UInt64 = 0
        while i + 8 <= n {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n {
            acc |= UInt64(p[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 != 0
    }
}
