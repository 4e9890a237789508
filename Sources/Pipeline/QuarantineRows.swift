import EventSources
import Foundation
import LearningEvents
import LearningStore

/// Turns what the readers refused into `quarantine` documents for one run.
struct QuarantineRows: Sendable {
    let runID: String
    let recordedAt: Date
    let retention: TimeInterval

    /// A row a reader refused; its tenant is taken from the raw record when it names a valid one.
    func row(_ q: QuarantinedRecord) -> QuarantineDocument {
        QuarantineDocument(tenant_id: Self.tenant(inRaw: q.raw), source: q.source, position: "\(q.position)", raw: q.raw,
                           reason: q.reason, field: q.field, run_id: runID, recorded_at: recordedAt, retention: retention)
    }

    /// A file that failed part-way.
    func failure(_ f: SourceFileError) -> QuarantineDocument {
        QuarantineDocument(tenant_id: nil, source: f.file, position: f.offset.map { "offset \($0)" } ?? "file", raw: "",
                           reason: "\(f)", field: nil, run_id: runID, recorded_at: recordedAt, retention: retention)
    }

    /// A valid row the pipeline refused (dated in the future).
    func refused(tenant: String, source: String, position: String, reason: String, field: String) -> QuarantineDocument {
        QuarantineDocument(tenant_id: tenant, source: source, position: position, raw: "", reason: reason, field: field,
                           run_id: runID, recorded_at: recordedAt, retention: retention)
    }

    /// The `tenant_id` a JSON record names, if it is a valid identifier (CSV lines and broken records: `nil`).
    static func tenant(inRaw raw: String) -> String? {
        let bytes = Array(raw.utf8.prefix(64 * 1024))
        let key = Array("\"tenant_id\"".utf8)
        guard bytes.count > key.count else { return nil }
        var i = 0
        while i + key.count <= bytes.count {
            if bytes[i] == key[0], Array(bytes[i..<(i + key.count)]) == key {
                var j = i + key.count
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                guard j < bytes.count, bytes[j] == UInt8(ascii: ":") else { i += 1; continue }
                j += 1
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                guard j < bytes.count, bytes[j] == UInt8(ascii: "\"") else { return nil }
                let start = j + 1
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\""), end - start <= 128 { end += 1 }
                guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
                let value = String(decoding: bytes[start..<end], as: UTF8.self)
                return Identifier.isValid(value) ? value : nil
            }
            i += 1
        }
        return nil
    }
}
