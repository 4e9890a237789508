import EventSources
import Foundation
import LearningEvents
import LodestarTestSupport
import Testing

/// An NDJSON or CSV file cut in the middle of a line (no final line break **and** a last line that cannot be read)
/// is a truncated file: it fails, its rows before the cut stay. A last line without a line break that reads is kept.
@Suite struct TruncatedLineTests {
    static let header = "event_id,tenant_id,org_id,learner_id,course_id,lesson_id,event_type,occurred_at,duration_seconds,score"

    func jsonLine(_ k: Int) -> String {
        #"{"event_id":"e\#(k)","tenant_id":"t","learner_id":"l\#(k)","course_id":"c","event_type":"enrolled","occurred_at":"2026-01-05 10:00:00 UTC"}"#
    }

    func csvLine(_ k: Int) -> String { "e\(k),t,,l\(k),c,,quiz_submitted,2026-01-05 10:00:00 UTC,30,0.75" }

    /// The failure of a file read alone, with its events and quarantined rows.
    func read(_ name: String, _ bytes: [UInt8]) async throws -> ReadResult {
        let dir = try tempDir("cut-" + name.replacingOccurrences(of: ".", with: "-"))
        try write(bytes, to: dir + "/" + name)
        return try await readAll([dir + "/" + name])
    }

    @Test("an NDJSON shard cut in the middle of its last line fails as truncated; the rows before stay")
    func ndjsonCutMidLine() async throws {
        let whole = (0..<50).map(jsonLine).joined(separator: "\n") + "\n"
        let bytes = Array(whole.utf8)
        // Every cut inside the last line (after its first byte, before its closing brace) is detected.
        let lastStart = bytes.count - jsonLine(49).utf8.count - 1
        for cut in stride(from: lastStart + 1, to: bytes.count - 2, by: 7) {
            let r = try await read("events.json", Array(bytes[..<cut]))
            try #require(r.failures.count == 1, "cut at \(cut)")
            #expect(r.failures[0].message.contains("file is truncated"), "\(r.failures[0])")
            #expect(r.failures[0].message.contains("line 50"), "\(r.failures[0])")
            #expect(r.failures[0].offset == Int64(lastStart))
            #expect(r.events.count == 49)
            #expect(r.quarantined.isEmpty, "the cut line is not a quarantined row")
        }
        // A cut in the middle of a multi-byte character is not valid UTF-8 either: truncated.
        let accented = Array((jsonLine(0) + "\n" + #"{"event_id":"é"#).utf8)
        let r = try await read("accent.json", Array(accented.dropLast()))
        #expect(r.failures.count == 1 && r.events.count == 1)
    }

    @Test("a last line without a line break that reads is kept: a valid row is an event, a rule break is quarantined")
    func ndjsonNoFinalNewlineButComplete() async throws {
        let ok = try await read("ok.json", Array(((0..<3).map(jsonLine).joined(separator: "\n")).utf8))
        #expect(ok.failures.isEmpty && ok.events.count == 3)
        let crlf = try await read("crlf.json", Array((jsonLine(0) + "\r\n" + jsonLine(1) + "\r").utf8))
        #expect(crlf.failures.isEmpty && crlf.events.count == 2)
        let blank = try await read("blank.json", Array((jsonLine(0) + "\n  \t").utf8))
        #expect(blank.failures.isEmpty && blank.events.count == 1)
        let bad = #"{"event_id":"x","tenant_id":"../t","learner_id":"l","course_id":"c","event_type":"enrolled","occurred_at":"2026-01-05 10:00:00 UTC"}"#
        let rule = try await read("rule.json", Array((jsonLine(0) + "\n" + bad).utf8))
        #expect(rule.failures.isEmpty && rule.events.count == 1)
        #expect(rule.quarantined.count == 1 && rule.quarantined.first?.field == "tenant_id")
        // An unreadable line that ends with a line break is one bad row, not a truncation.
        let inner = try await read("inner.json", Array((jsonLine(0) + "\n{\"event_id\":\n" + jsonLine(1) + "\n").utf8))
        #expect(inner.failures.isEmpty && inner.events.count == 2 && inner.quarantined.count == 1)
    }

    @Test("an over-long last line without a line break is truncated; an over-long line with one is skipped")
    func ndjsonLongLastLine() async throws {
        let dir = try tempDir("cut-long")
        let long = #"{"event_id":""# + String(repeating: "a", count: 5000)
        let limits = ReaderLimits(maxRecordBytes: 1024)
        func run(_ text: String) async throws -> (events: Int, quarantined: Int, failures: [SourceFileError]) {
            try write(text, to: dir + "/events.json")
            var out = (events: 0, quarantined: 0, failures: [SourceFileError]())
            for try await rec in ExportSource([dir + "/events.json"], limits: limits).records() {
                switch rec {
                case .event: out.events += 1
                case .quarantined: out.quarantined += 1
                case .fileFailed(let f): out.failures.append(f)
                }
            }
            return out
        }
        let cut = try await run(jsonLine(0) + "\n" + long)
        #expect(cut.events == 1 && cut.quarantined == 0)
        try #require(cut.failures.count == 1)
        #expect(cut.failures[0].message.contains("file is truncated"), "\(cut.failures[0])")
        let skipped = try await run(jsonLine(0) + "\n" + long + "\n" + jsonLine(1) + "\n")
        #expect(skipped.events == 2 && skipped.quarantined == 1 && skipped.failures.isEmpty)
    }

    @Test("a CSV shard cut in the middle of a record (too few fields, or inside a quoted field) fails as truncated")
    func csvCutMidRecord() async throws {
        let whole = ([Self.header] + (0..<20).map(csvLine)).joined(separator: "\n") + "\n"
        let bytes = Array(whole.utf8)
        let lastStart = bytes.count - csvLine(19).utf8.count - 1
        // Cuts before the last field's comma leave too few fields.
        let lastComma = lastStart + csvLine(19).utf8.count - 5
        for cut in stride(from: lastStart + 1, to: lastComma, by: 5) {
            let r = try await read("events.csv", Array(bytes[..<cut]))
            try #require(r.failures.count == 1, "cut at \(cut)")
            #expect(r.failures[0].message.contains("file is truncated"), "\(r.failures[0])")
            #expect(r.failures[0].message.contains("line 21"), "\(r.failures[0])")
            #expect(r.events.count == 19 && r.quarantined.isEmpty)
        }
        // Cut inside a quoted field: the quote never closes.
        let quoted = Self.header + "\n" + csvLine(0) + "\n" + #""e1","t","","l1","c","","enrolled","2026-01-05 10:0"#
        let q = try await read("quoted.csv", Array(quoted.utf8))
        try #require(q.failures.count == 1)
        #expect(q.failures[0].message.contains("unterminated quoted field"), "\(q.failures[0])")
        #expect(q.events.count == 1 && q.quarantined.isEmpty)
    }

    @Test("a CSV last record without a line break that reads is kept; a short record with a line break is quarantined")
    func csvNoFinalNewlineButComplete() async throws {
        let ok = try await read("ok.csv", Array(([Self.header] + (0..<3).map(csvLine)).joined(separator: "\n").utf8))
        #expect(ok.failures.isEmpty && ok.events.count == 3)
        let quotedEnd = try await read("q.csv", Array((Self.header + "\n" + csvLine(0) + "\n" + #""e1","t",,"l1","c",,"quiz_submitted","2026-01-05 10:00:00 UTC",,"0.5""#).utf8))
        #expect(quotedEnd.failures.isEmpty && quotedEnd.events.count == 2)
        let short = try await read("short.csv", Array((Self.header + "\ne0,t\n" + csvLine(1) + "\n").utf8))
        #expect(short.failures.isEmpty && short.events.count == 1 && short.quarantined.count == 1)
    }

    @Test("gzip-compressed NDJSON and CSV whose content was cut before compressing fail as truncated")
    func gzipWrappedCut() async throws {
        let json = Array(((0..<5).map(jsonLine).joined(separator: "\n") + "\n" + #"{"event_id":"e5","tenant"#).utf8)
        let r = try await read("events.json.gz", Gzip.stored(json))
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("file is truncated"), "\(r.failures[0])")
        #expect(r.events.count == 5)
        let csv = Array(([Self.header] + (0..<5).map(csvLine)).joined(separator: "\n").utf8 + Array("\ne5,t,,l".utf8))
        let c = try await read("events.csv.gz", Gzip.stored(csv))
        try #require(c.failures.count == 1)
        #expect(c.failures[0].message.contains("file is truncated"), "\(c.failures[0])")
        #expect(c.events.count == 5)
        // The same content, complete but without a final newline, reads in full.
        let whole = try await read("whole.json.gz", Gzip.stored(Array((0..<5).map(jsonLine).joined(separator: "\n").utf8)))
        #expect(whole.failures.isEmpty && whole.events.count == 5)
    }

    @Test("a course catalog cut in the middle of its last line fails (NDJSON and CSV)")
    func coursesCut() async throws {
        let dir = try tempDir("cut-courses")
        let good = #"{"tenant_id":"t","course_id":"c1","title":"x","lesson_count":1,"published":true}"#
        try write(good + "\n" + #"{"tenant_id":"t","course_id":"c2","tit"#, to: dir + "/a.json")
        try write("tenant_id,course_id,title,lesson_count,published\nt,c3,x,1,true\nt,c4,x", to: dir + "/b.csv")
        try write(good.replacingOccurrences(of: "c1", with: "c5"), to: dir + "/c.json")
        let r = try await CourseSource([dir]).read()
        #expect(r.courses.map(\.courseID).sorted() == ["c1", "c3", "c5"])
        #expect(r.quarantined.isEmpty)
        #expect(r.failures.count == 2)
        #expect(r.failures.allSatisfy { $0.message.contains("file is truncated") }, "\(r.failures)")
    }
}

/// A gzip member with stored (uncompressed) deflate blocks, built by hand so the test needs no compressor.
enum Gzip {
    static func stored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
        var at = 0
        repeat {
            let n = min(65535, data.count - at)
            let final: UInt8 = at + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
            out += data[at..<(at + n)]
            at += n
        } while at < data.count
        out += le32(crc32(data)) + le32(UInt32(truncatingIfNeeded: data.count))
        return out
    }

    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for b in data {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xedb8_8320 : c >> 1 }
        }
        return ~c
    }
}
