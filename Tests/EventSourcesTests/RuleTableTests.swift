import EventSources
import Foundation
import LearningEvents
import LodestarTestSupport
import Testing

/// One rule table: the same mutated rows, read by the export readers (NDJSON and CSV, the columnar builder) and as
/// single events (`RawLearningEvent(jsonObject:)` → `LearningEvent(validating:)`, the Pub/Sub and API path), get
/// identical verdicts: the same event, or the same field and reason.
@Suite struct RuleTableTests {
    static let good: [(String, String)] = [
        ("event_id", #""e-1""#), ("tenant_id", #""acme""#), ("org_id", #""org-a""#), ("learner_id", #""l:1""#),
        ("course_id", #""c@1""#), ("lesson_id", #""x.1""#), ("event_type", #""quiz_submitted""#),
        ("occurred_at", #""2026-01-05 10:00:00.25 UTC""#), ("duration_seconds", #""30""#), ("score", "0.5"),
    ]

    /// Values each field is mutated to (JSON text; `nil` drops the key).
    static let mutations: [String?] = [
        nil, "null", #""""#, #"" ""#, #""../etc""#, #"".x""#, "\"" + String(repeating: "a", count: 128) + "\"",
        "\"" + String(repeating: "a", count: 129) + "\"", #""é""#, "42", "-1", "1.5", "true", "[1]", #"{"a":1}"#,
        #""enrolled""#, #""lesson_started""#, #""Enrolled""#, #""2026-01-05T10:00:00Z""#,
        #""1969-12-31 23:59:59 UTC""#, #""2200-12-31 23:59:59.999999 UTC""#, #""2201-01-01 00:00:00 UTC""#,
        #""0001-01-01T00:00:00Z""#, #""9999-12-31T23:59:59+14:00""#, #""soon""#, #""0""#, #""2592000""#,
        #""2592001""#, #""-5""#, #""9223372036854775807""#, #""9223372036854775808""#, "2592000", "2592001",
        "1e3", #""0.75""#, #""NaN""#, #""Infinity""#, "1", "0", "-0.0", "1.0000001", #""five""#,
    ]

    /// Every good row with one field mutated, as JSON lines.
    static func rows() -> [String] {
        var out: [String] = []
        for k in good.indices {
            for m in mutations {
                var fields = good
                if let m { fields[k].1 = m } else { fields.remove(at: k) }
                out.append("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
            }
        }
        return out
    }

    /// The single-event verdict of one JSON line.
    static func single(_ line: String) -> String {
        do {
            let e = try LearningEvent(validating: RawLearningEvent(jsonObject: Array(line.utf8)))
            return "event \(e)"
        } catch let error as MalformedRecord {
            return "- \(error.reason)"
        } catch let error as LearningEvents.ValidationError {
            return "\(error.field) \(error.description)"
        } catch {
            return "? \(error)"
        }
    }

    /// The readers' verdicts, by line number.
    static func readerVerdicts(_ path: String) async throws -> [Int: String] {
        var out: [Int: String] = [:]
        for try await record in ExportSource([path]).records() {
            switch record {
            case .event(let e, _, .line(let l)): out[l] = "event \(e)"
            case .quarantined(let q):
                guard case .line(let l) = q.position else { continue }
                out[l] = q.field.map { "\($0) \(q.reason)" } ?? "- \(q.reason)"
            default: Issue.record("unexpected \(record)")
            }
        }
        return out
    }

    @Test func ndjsonReaderAndSingleEventsAgree() async throws {
        let rows = Self.rows()
        let dir = try tempDir("rules")
        try write(rows.joined(separator: "\n") + "\n", to: dir + "/events.json")
        let verdicts = try await Self.readerVerdicts(dir + "/events.json")
        #expect(verdicts.count == rows.count)
        var refused = Set<String>()
        for (k, line) in rows.enumerated() {
            let single = Self.single(line)
            #expect(verdicts[k + 1] == single, "line \(k + 1): \(line)")
            if !single.hasPrefix("event ") { refused.insert(String(single.prefix { $0 != " " })) }
        }
        // The mutations reach every field's rule.
        #expect(refused == Set(EventField.names))
    }

    /// The same rows as CSV (every value text, as BigQuery writes CSV; a dropped key is an empty cell): the CSV
    /// reader agrees with single events built from the same text.
    @Test func csvReaderAndSingleEventsAgree() async throws {
        var lines: [String] = [EventField.names.joined(separator: ",")]
        var singles: [String] = []
        for k in Self.good.indices {
            for m in Self.mutations where m != "null" {
                var raw = RawLearningEvent()
                var cells: [String] = []
                for (j, (name, json)) in Self.good.enumerated() {
                    let value = j == k ? m : json
                    // JSON text → the cell's text (strings unquoted; other tokens as written).
                    let text: String? = value.map { v in
                        v.hasPrefix("\"") ? String(v.dropFirst().dropLast()) : v
                    }
                    let field = EventField.named(name)!
                    if let text { raw[field] = .text(text) }  // "" quoted is an empty string, not NULL
                    let cell = text ?? ""
                    cells.append(cell.contains(",") || cell.contains("\"") || (text?.isEmpty == true)
                        ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell)
                }
                lines.append(cells.joined(separator: ","))
                do {
                    singles.append("event \(try LearningEvent(validating: raw))")
                } catch {
                    singles.append("\(error.field) \(error.description)")
                }
            }
        }
        let dir = try tempDir("rules-csv")
        try write(lines.joined(separator: "\n") + "\n", to: dir + "/events.csv")
        let verdicts = try await Self.readerVerdicts(dir + "/events.csv")
        #expect(verdicts.count == singles.count)
        for (k, single) in singles.enumerated() {
            #expect(verdicts[k + 2] == single, "line \(k + 2): \(lines[k + 1])")
        }
    }
}
