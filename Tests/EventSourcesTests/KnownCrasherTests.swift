import EventSources
import Foundation
import LodestarTestSupport
import LearningEvents
import Testing

/// The crashes and hangs reported in issue 8, each reproduced from bytes: the file fails (or the row is
/// quarantined) with a message naming the place, and the process goes on.
@Suite struct KnownCrasherTests {
    func readAvro(_ bytes: [UInt8], _ name: String = "x") async throws -> ReadResult {
        let dir = try tempDir("crasher-" + name)
        try write(bytes, to: dir + "/events.avro")
        try write(BrokenInputTests.good + "\n", to: dir + "/later.json")
        let r = try await readAll([dir + "/events.avro", dir + "/later.json"])
        #expect(r.events.last?.eventID == "e1", "the next file is still read")
        return r
    }

    /// 15 bytes: the magic, then a metadata block count of Int64.min (negating it trapped).
    @Test func fifteenByteHeaderWithMinimumCount() async throws {
        let bytes = AvroBytes.magic + AvroBytes.long(Int64.min) + [0]
        #expect(bytes.count == 15)
        let r = try await readAvro(bytes, "15")
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("header"), "\(r.failures[0])")
        #expect(r.failures[0].offset != nil)
    }

    @Test func headerCountsThatLie() async throws {
        for count: Int64 in [Int64.min, -1, Int64.max, 1 << 40] {
            let bytes = AvroBytes.magic + AvroBytes.long(count) + AvroBytes.long(3) + Array("abc".utf8)
            let r = try await readAvro(bytes, "hdr")
            #expect(r.failures.count == 1, "count \(count)")
        }
    }

    /// `occurred_at` of Int64.min µs (and other values outside 1970–2200) is quarantined, not rendered with a trap.
    @Test func occurredAtOutOfRangeIsQuarantined() async throws {
        let values: [Int64] = [Int64.min, Int64.max, -1, Timestamp.parse("2200-12-31T23:59:59.999999Z")! + 1]
        var data: [UInt8] = AvroBytes.event(id: "ok", occurredAt: 1_767_225_600_000_000)
        for (k, v) in values.enumerated() { data += AvroBytes.event(id: "bad\(k)", occurredAt: v) }
        data += AvroBytes.event(id: "ok2", occurredAt: Timestamp.parse("2200-12-31T23:59:59Z")!)
        let bytes = AvroBytes.header(schema: AvroBytes.eventSchema)
            + AvroBytes.block(count: Int64(values.count + 2), data: data)
        let r = try await readAvro(bytes, "ts")
        #expect(r.failures.isEmpty, "\(r.failures)")
        #expect(r.events.map(\.eventID) == ["ok", "ok2", "e1"])
        try #require(r.quarantined.count == values.count)
        for (k, q) in r.quarantined.enumerated() {
            #expect(q.field == "occurred_at")
            #expect(q.reason.contains("1970") && q.reason.contains("2200"), "\(q.reason)")
            #expect(q.position == .avro(block: 0, record: k + 1))
        }
    }

    @Test func durationOverThirtyDaysIsQuarantined() async throws {
        let t: Int64 = 1_767_225_600_000_000
        let data = AvroBytes.event(id: "a", occurredAt: t, duration: 2_592_000)
            + AvroBytes.event(id: "b", occurredAt: t, duration: 2_592_001)
            + AvroBytes.event(id: "c", occurredAt: t, duration: Int64.max)
        let bytes = AvroBytes.header(schema: AvroBytes.eventSchema) + AvroBytes.block(count: 3, data: data)
        let r = try await readAvro(bytes, "dur")
        #expect(r.events.map(\.eventID) == ["a", "e1"])
        #expect(r.quarantined.map(\.field) == ["duration_seconds", "duration_seconds"])
        #expect(r.quarantined.first?.reason.contains("2592000") == true, "\(r.quarantined)")
    }

    /// A catalog block claiming 2^31 records of a few bytes fails the file at once (no loop, no memory growth).
    @Test(.timeLimit(.minutes(1))) func catalogBlockClaimingTwoToThe31Records() async throws {
        let dir = try tempDir("catalog-count")
        let good = AvroBytes.header(schema: AvroBytes.courseSchema)
            + AvroBytes.block(count: 1, data: AvroBytes.course(id: "c1"))
        let lying = good + AvroBytes.block(count: 1 << 31, data: AvroBytes.course(id: "c2"))
        try write(lying, to: dir + "/courses.avro")
        // Records that encode to zero bytes (every column null-typed) are the worst case: no data runs out.
        let zero = #"{"type":"record","name":"C","fields":[{"name":"course_id","type":"null"},{"name":"title","type":"null"}]}"#
        try write(AvroBytes.header(schema: zero) + AvroBytes.block(count: 1 << 31, data: []), to: dir + "/zero.avro")
        let r = try await CourseSource([dir + "/courses.avro"]).read()
        #expect(r.courses.map(\.courseID) == ["c1"])
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("block 1"), "\(r.failures[0])")
        #expect(r.failures[0].message.contains("2147483648"), "\(r.failures[0])")
        let z = try await CourseSource([dir + "/zero.avro"]).read()
        #expect(z.failures.count == 1, "\(z.failures)")
        #expect(z.quarantined.count <= 4096)
        // And through the events reader (with event columns, else the table is not read as events).
        let zeroEvents = #"{"type":"record","name":"E","fields":[{"name":"event_id","type":"null"}]}"#
        let e = try await readAvro(AvroBytes.header(schema: zeroEvents) + AvroBytes.block(count: 1 << 31, data: []), "zero")
        #expect(e.failures.count == 1, "\(e.failures)")
    }

    /// Named types that nest: T(k) has two fields of type T(k-1). Skipping T40 once walked 2^40 nodes.
    static func nestedSchema(depth: Int, leaf: String) -> String {
        var def = #"{"type":"record","name":"T0","fields":[{"name":"a","type":"\#(leaf)"}]}"#
        for k in 1...depth {
            def = #"{"type":"record","name":"T\#(k)","fields":[{"name":"x","type":\#(def)},{"name":"y","type":"T\#(k - 1)"}]}"#
        }
        return #"{"type":"record","name":"Root","fields":[{"name":"event_id","type":"string"},"#
            + #"{"name":"tenant_id","type":"string"},{"name":"learner_id","type":"string"},"#
            + #"{"name":"course_id","type":"string"},{"name":"event_type","type":"string"},"#
            + #"{"name":"occurred_at","type":["null",{"type":"long","logicalType":"timestamp-micros"}]},"#
            + #"{"name":"duration_seconds","type":["null","long"]},{"name":"big","type":\#(def)}]}"#
    }

    @Test(.timeLimit(.minutes(1))) func exponentialNamedTypesOfNulls() async throws {
        let schema = Self.nestedSchema(depth: 40, leaf: "null")
        var data: [UInt8] = []
        for k in 0..<100 { data += AvroBytes.event(id: "n\(k)", occurredAt: 1_767_225_600_000_000) }
        let bytes = AvroBytes.header(schema: schema) + AvroBytes.block(count: 100, data: data)
        #expect(bytes.count < 8192)
        let r = try await readAvro(bytes, "exp-null")
        #expect(r.failures.isEmpty, "\(r.failures)")
        #expect(r.events.count == 101)
    }

    @Test(.timeLimit(.minutes(1))) func exponentialNamedTypesOfBooleans() async throws {
        let schema = Self.nestedSchema(depth: 40, leaf: "boolean")
        var data: [UInt8] = []
        for k in 0..<200 { data += AvroBytes.event(id: "n\(k)", occurredAt: 1_767_225_600_000_000) + [0, 1, 0] }
        let bytes = AvroBytes.header(schema: schema) + AvroBytes.block(count: 200, data: data)
        let r = try await readAvro(bytes, "exp-bool")
        // 2^40 booleans cannot fit in the block: the file fails fast with the block and record.
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("block 0"), "\(r.failures[0])")
    }

    /// Arrays and maps whose block counts lie, in a column the reader skips and in one it renders for quarantine.
    @Test(.timeLimit(.minutes(1))) func arrayBlockCountsThatLie() async throws {
        let schema = #"{"type":"record","name":"R","fields":[{"name":"event_id","type":"string"},"#
            + #"{"name":"tags","type":{"type":"array","items":"null"}},"#
            + #"{"name":"m","type":{"type":"map","values":"long"}}]}"#
        for count: Int64 in [Int64.min, -1, Int64.max, 1 << 40] {
            // Two records: a valid one (empty array, empty map) and one whose array count lies.
            let data = AvroBytes.string("a") + AvroBytes.long(0) + AvroBytes.long(0)
                + AvroBytes.string("b") + AvroBytes.long(count) + AvroBytes.long(2) + [0, 0] + AvroBytes.long(0)
            let bytes = AvroBytes.header(schema: schema) + AvroBytes.block(count: 2, data: data)
            let r = try await readAvro(bytes, "arr")
            #expect(r.failures.count == 1, "count \(count): \(r.failures)")
        }
    }

    /// Nesting that would recurse without bound: a schema of 100,000 nested lists, an NDJSON line and a course line
    /// of 1,000,000 nested arrays. Each is refused with a message; nothing overflows the stack.
    @Test(.timeLimit(.minutes(1))) func deepNestingIsRefused() async throws {
        let schema = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let r = try await readAvro(AvroBytes.header(schema: schema), "deep-schema")
        try #require(r.failures.count == 1)
        #expect(r.failures[0].message.contains("schema"), "\(r.failures[0])")

        let dir = try tempDir("deep-json")
        let deep = #"{"event_id":"e","x":"# + String(repeating: "[", count: 1_000_000) + "}\n"
        try write(deep + BrokenInputTests.good + "\n", to: dir + "/events.json")
        let lines = try await readAll([dir + "/events.json"])
        #expect(lines.events.count == 1)
        #expect(lines.quarantined.first?.reason.contains("nesting deeper than 128") == true, "\(lines.quarantined)")

        let course = #"{"tenant_id":"t","course_id":"c","title":"x","org_ids":"# + String(repeating: "[", count: 1_000_000) + "}\n"
        let good = #"{"tenant_id":"t","course_id":"c2","title":"x","lesson_count":1,"published":true}"#
        try write(course + good + "\n", to: dir + "/courses.json")
        let catalog = try await CourseSource([dir + "/courses.json"]).read()
        #expect(catalog.courses.map(\.courseID) == ["c2"])
        #expect(catalog.quarantined.first?.reason.contains("nesting deeper than 128") == true, "\(catalog.quarantined)")
    }
}
