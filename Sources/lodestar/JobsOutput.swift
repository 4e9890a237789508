import Foundation
import Scheduler

/// Tables and JSON of `lodestar jobs`.
enum JobsOutput {
    static func printJSON<T: Encodable>(_ value: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.dateEncodingStrategy = .iso8601
        print(String(decoding: try enc.encode(value), as: UTF8.self))
    }

    /// `2026-11-27 14:05:09` in UTC, `—` for none.
    static func time(_ d: Date?) -> String {
        guard let d else { return "—" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: d)
    }

    static func table(_ rows: [[String]]) {
        guard let first = rows.first else { return }
        var widths = Array(repeating: 0, count: first.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count - 1 { widths[i] = max(widths[i], c.count) } }
        for r in rows {
            print(r.enumerated().map { i, c in i < widths.count - 1 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0) : c }
                .joined(separator: "  "))
        }
    }

    static func metrics(_ m: RunMetrics?) -> String {
        guard let m else { return "" }
        var parts: [String] = []
        if let r = m.rows_read { parts.append("rows \(r)") }
        if let q = m.quarantined { parts.append("quar \(q)") }
        if let n = m.ndcg10 { parts.append(String(format: "nDCG %.3f", n)) }
        if let a = m.auc { parts.append(String(format: "AUC %.3f", a)) }
        return parts.joined(separator: " ")
    }

    static func runTable(_ runs: [RunView]) {
        var rows = [["RUN", "TENANT", "STATUS", "TRY", "STARTED (UTC)", "TOOK", "METRICS", "OWNER / PROGRESS / ERROR"]]
        for r in runs {
            let took = r.durationSeconds.map { String(format: "%.1fs", $0) } ?? (r.status == .running ? "…" : "—")
            var note: String
            switch r.status {
            case .running: note = "\(r.owner ?? "?"): \(r.progress ?? "")" + (r.cancelRequested ? " (cancel requested)" : "")
            case .queued: note = r.error.map { "retry after \(time(r.notBefore)): \($0)" } ?? "waiting since \(time(r.dueAt))"
            default: note = r.error ?? (r.owner ?? "")
            }
            if note.count > 110 { note = String(note.prefix(109)) + "…" }
            rows.append([r.id, r.tenant, r.status.rawValue, "\(r.attempt)/\(r.maxAttempts)", time(r.startedAt), took, metrics(r.metrics), note])
        }
        table(rows)
        if runs.isEmpty { print("(no runs)") }
    }
}
