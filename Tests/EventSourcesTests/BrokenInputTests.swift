import EventSources
import Foundation
import LodestarTestSupport
import LearningEvents
import Testing

/// Bad rows are quarantined with position and reason; corrupt files fail with an offset; good rows beside them stay.
@Suite struct BrokenInputTests {
    static let good = #"{"event_id":"e1","tenant_id":"t","learner_id":"l","course_id":"c","event_type":"enrolled","occurred_at":"2026-01-05 10:00:00 UTC"}"#

    func line(_ patch: String) -> String {
        #"{"event_id":"x","tenant_id":"t","learner_id":"l","course_id":"c","event_type":"quiz_submitted","occurred_at":"2026-01-05 10:00:00 UTC","#
            + patch + "}"
    }

    @Test func ndjsonEachFailureQuarantinedWithLineAndReason() async throws {
        let dir = try tempDir("ndjson-bad")
        let cases: [(String, String)] = [
            (#"{"tenant_id":"t","learner_id":"l","course_id":"c","event_type":"enrolled","occurred_at":"2026-01-05 10:00:00 UTC"}"#, "event_id: required field is missing"),
            (line(#""score":1.5"#), "score: 1.5 is outside"),
            (line(#""score":"NaN""#), "score: nan is outside"),
            (line(#""score":NaN"#), "invalid JSON"),
            (line(#""score":Infinity"#), "invalid JSON"),
            (line(#""duration_seconds":"-5""#), "duration_seconds: -5 is negative"),
            (line(#""duration_seconds":"five""#), "duration_seconds: expected an INT64"),
            (line(#""lesson_id":"""#), "lesson_id: identifier is empty"),
            (line(#""org_id":"../../etc""#), "org_id: '../../etc' is not an identifier"),
            (#"{"event_id":"x","tenant_id":"t","learner_id":"l","course_id":"c","event_type":"clicked","occurred_at":"2026-01-05 10:00:00 UTC"}"#, "unknown event type 'clicked'"),
            (#"{"event_id":"x","tenant_id":"t","learner_id":"l","course_id":"c","event_type":"enrolled","occurred_at":"last tuesday"}"#, "occurred_at: 'last tuesday' is not"),
            (#"{"event_id":"x","tenant_id":"t","learner_id":"l","course_id":"c","event_type":"enrolled"}"#, "occurred_at: required field is missing"),
            (#"{"event_id":"x","tenant_id":42,"learner_id":"l","course_id":"c","event_type":"enrolled","occurred_at":"2026-01-05 10:00:00 UTC"}"#, "tenant_id: expected string"),
            ("[1,2]", "expected a JSON object"),
            (#"{"event_id":"x""#, "invalid JSON"),
        ]
        var text = Self.good + "\n"
        for c in cases { text += c.0 + "\n" }
        text += Self.good + "\n"
        try write(text, to: dir + "/events.json")
        let r = try await readAll([dir + "/events.json"])
        #expect(r.events.count == 2)
        #expect(r.failures.isEmpty)
        try #require(r.quarantined.count == cases.count)
        for (k, (q, c)) in zip(r.quarantined, cases).enumerated() {
            #expect(q.position == .line(k + 2))
            #expect(q.reason.contains(c.1), "line \(k + 2): \(q.reason)")
            #expect(q.source == dir + "/events.json")
            #expect(!q.raw.isEmpty)
        }
    }

    @Test func nonUTF8AndHugeLines() async throws {
        let dir = try tempDir("ndjson-bytes")
        var bytes = Array((Self.good + "\n").utf8)
        bytes += Array(#"{"event_id":"x","tenant_id":"t"#.utf8) + [0xff, 0xfe] + Array("\"}\n".utf8)
        // A 10 MB line: a valid JSON object whose id is far too long.
        bytes += Array(#"{"event_id":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20)
            + Array(#"","tenant_id":"t","learner_id":"l","course_id":"c","event_type":"enrolled","occurred_at":"2026-01-05 10:00:00 UTC"}"#.utf8) + [0x0a]
        bytes += Array((Self.good + "\n").utf8)
        try write(bytes, to: dir + "/events.json")
        let r = try await readAll([dir + "/events.json"])
        #expect(r.events.count == 2)
        try #require(r.quarantined.count == 2)
        #expect(r.quarantined[0].reason == "line is not valid UTF-8")
        #expect(r.quarantined[0].position == .line(2))
        #expect(r.quarantined[1].field == "event_id")
        #expect(r.quarantined[1].position == .line(3))
        #expect(r.quarantined[1].raw.utf8.count <= QuarantinedRecord.rawLimit + 3)
    }

    @Test func randomBytesFailCleanly() async throws {
        let dir = try tempDir("random")
        var rng = SystemRandomNumberGenerator()
        let noise = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try write(noise, to: dir + "/a.avro")
        try write(noise, to: dir + "/b.json")
        try write(noise, to: dir + "/c.csv")
        try write(noise, to: dir + "/d.json.gz")
        try write(Self.good + "\n", to: dir + "/e.json")
        let r = try await readAll([dir])
        #expect(r.events.count == 1)  // the good file is still read
        #expect(r.failures.contains { $0.file.hasSuffix("a.avro") && $0.message.contains("magic") })
        #expect(r.failures.contains { $0.file.hasSuffix("d.json.gz") })
    }

    @Test func csvProblemsQuarantined() async throws {
        let dir = try tempDir("csv-bad")
        let text = """
            event_id,tenant_id,org_id,learner_id,course_id,lesson_id,event_type,occurred_at,duration_seconds,score
            e1,t,,l,c,,enrolled,2026-01-05 10:00:00 UTC,,
            e2,t,,l,c,,enrolled,2026-01-05 10:00:00 UTC
            e3,t,,l,c,,quiz_submitted,2026-01-05 10:00:00 UTC,,2
            "e4",t,,l,c,,enrolled,"2026-01-05 10:00:00 UTC"x,,
            "e5,t,,l,c,,enrolled,2026-01-05 10:00:00 UTC,,
            """
        try write(text + "\n" + "e6,t,,l,c,,enrolled,2026-01-05 10:00:00 UTC,,\n", to: dir + "/e.csv")
        let r = try await readAll([dir + "/e.csv"])
        // After an unterminated quote, reading resumes at the next line.
        #expect(r.events.map(\.eventID) == ["e1", "e6"])
        let reasons = r.quarantined.map { "\($0.position): \($0.reason)" }
        #expect(reasons.count == 4, "\(reasons)")
        #expect(reasons.first?.contains("line 3: expected 10 fields") == true)
        #expect(reasons.dropFirst().first?.contains("score: 2.0 is outside") == true)
        #expect(reasons.contains { $0.contains("text after a closing quote") })
        #expect(reasons.contains { $0.contains("unterminated quoted field") })
    }

    @Test func avroRowsBreakingRulesAreQuarantinedAsJSON() async throws {
        let folder = try await Fixtures.shared.folder()
        let r = try await readAll([folder + "/bad-rows.avro"])
        #expect(r.events.count == 2)
        #expect(r.failures.isEmpty)
        let got = r.quarantined.map { "\($0.position) \($0.field ?? "-")" }
        #expect(got == [
            "block 0 record 1 score", "block 0 record 2 tenant_id", "block 0 record 3 event_type",
            "block 0 record 4 occurred_at", "block 0 record 5 duration_seconds", "block 0 record 6 event_id",
            "block 0 record 7 score",
        ])
        #expect(r.quarantined[0].raw.contains(#""score":2.0"#), "\(r.quarantined[0].raw)")
        #expect(r.quarantined[0].raw.contains(#""occurred_at":"2026-01-01 00:00:00 UTC""#))
        #expect(r.quarantined[3].reason == "occurred_at: required field is missing")
    }

    // MARK: Avro corruption (on a fastavro-written file)

    /// The fixture file's bytes and the offset of its first block (after the 16-byte sync of the header).
    func avroFixture(_ name: String = "events-null.avro") async throws -> [UInt8] {
        try readBytes(try await Fixtures.shared.folder() + "/" + name)
    }

    func syncMarker(_ b: [UInt8]) throws -> (marker: [UInt8], headerEnd: Int) {
        // A container file ends with the sync marker; its first occurrence ends the header.
        let m = Array(b[(b.count - 16)...])
        guard let at = find(m, in: b, from: 4) else { throw Fixtures.FixtureError(message: "no sync marker") }
        return (m, at + 16)
    }

    func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    func readAvro(_ bytes: [UInt8], _ name: String) async throws -> ReadResult {
        let dir = try tempDir("avro-" + name)
        try write(bytes, to: dir + "/x.avro")
        try write(Self.good + "\n", to: dir + "/y.json")
        let r = try await readAll([dir + "/x.avro", dir + "/y.json"])
        #expect(r.events.last?.eventID == "e1", "the next file is still read")
        return r
    }

    @Test func truncatedAvroKeepsEarlierBlocks() async throws {
        let b = try await avroFixture()
        let r = try await readAvro(Array(b[..<(b.count * 2 / 3)]), "trunc")
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("truncated"), "\(r.failures[0])")
        #expect(r.failures[0].offset != nil)
        #expect(r.events.count > 1 && r.events.count < 501)
    }

    @Test func brokenSyncMarker() async throws {
        var b = try await avroFixture()
        let (marker, headerEnd) = try syncMarker(b)
        let second = try #require(find(marker, in: b, from: headerEnd))
        b[second + 3] ^= 0xff
        let r = try await readAvro(b, "sync")
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("sync marker mismatch after block 0"), "\(r.failures[0])")
        #expect(r.failures[0].offset == Int64(second))
    }

    @Test func badBlockLength() async throws {
        var b = try await avroFixture()
        let (_, headerEnd) = try syncMarker(b)
        // Block header: count varint, then size varint. Replace the size by a huge one (zig-zag of 2^40).
        var i = headerEnd
        while b[i] & 0x80 != 0 { i += 1 }
        i += 1
        var j = i
        while b[j] & 0x80 != 0 { j += 1 }
        b.replaceSubrange(i...j, with: [0x80, 0x80, 0x80, 0x80, 0x80, 0x40])
        let r = try await readAvro(b, "len")
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("bad block length"), "\(r.failures[0])")
        #expect(r.failures[0].offset == Int64(headerEnd))
    }

    @Test func badCodecName() async throws {
        var b = try await avroFixture()
        let at = try #require(find(Array("null".utf8), in: b, from: 4))
        // The first "null" after the magic is in the schema or the codec value; patch the codec entry instead.
        let codecKey = try #require(find(Array("avro.codec".utf8), in: b, from: 4))
        let value = codecKey + 10 + 1  // after the key, a 1-byte length
        _ = at
        b.replaceSubrange(value..<(value + 4), with: Array("zstd".utf8))
        let r = try await readAvro(b, "codec")
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("unsupported Avro codec 'zstd'"), "\(r.failures[0])")
    }

    @Test func corruptDeflateAndSnappyBlocks() async throws {
        for name in ["events-deflate.avro", "events-snappy.avro"] {
            var b = try await avroFixture(name)
            let (_, headerEnd) = try syncMarker(b)
            for k in 0..<8 { b[headerEnd + 10 + k] ^= 0x5a }
            let r = try await readAvro(b, name)
            try #require(r.failures.count == 1)
            #expect(r.failures[0].message.contains("block 0"), "\(r.failures[0])")
        }
    }

    @Test func truncatedGzipKeepsEarlierRows() async throws {
        let folder = try await Fixtures.shared.folder()
        let dir = try tempDir("gz")
        let b = try readBytes(folder + "/events.json.gz")
        try write(Array(b[..<(b.count / 2)]), to: dir + "/events.json.gz")
        let r = try await readAll([dir + "/events.json.gz"])
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("truncated"), "\(r.failures[0])")
        #expect(r.events.count > 100 && r.events.count < 500)
        // The half line at the cut is quarantined, not returned as an event.
        #expect(r.quarantined.count <= 1)
    }

    @Test func extensionMustMatchMagic() async throws {
        let folder = try await Fixtures.shared.folder()
        let dir = try tempDir("magic")
        try FileManager.default.copyItem(atPath: folder + "/events-null.avro", toPath: dir + "/events.json")
        try FileManager.default.copyItem(atPath: folder + "/events.json", toPath: dir + "/events.avro")
        try FileManager.default.copyItem(atPath: folder + "/events.json", toPath: dir + "/plain.json.gz")
        let r = try await readAll([dir])
        #expect(r.failures.count == 3)
        #expect(r.events.isEmpty)
    }

    @Test func quarantineFileSink() async throws {
        let dir = try tempDir("sink")
        try write(Self.good + "\n" + line(#""score":7"#) + "\n", to: dir + "/e.json")
        let sink = try FileQuarantineSink(path: dir + "/q.ndjson")
        for try await rec in ExportSource([dir + "/e.json"]).records() {
            if case .quarantined(let q) = rec { try sink.write(q) }
        }
        try sink.flush()
        let text = String(decoding: try readBytes(dir + "/q.ndjson"), as: UTF8.self)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(obj["reason"] as? String == "score: 7.0 is outside 0…1")
        #expect((obj["position"] as? [String: Any])?["line"] as? Int == 2)
        #expect(obj["field"] as? String == "score")
        #expect((obj["raw"] as? String)?.contains("\"score\":7") == true)
    }
}
