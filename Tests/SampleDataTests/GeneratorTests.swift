import EventSources
import Foundation
import LearningEvents
import SampleData
import Testing

/// `lodestar generate` output reads back through the readers, one table per folder, and is deterministic per seed.
@Suite struct GeneratorTests {
    @Test(arguments: [
        (ExportFormat.avro, EventWriter.AvroCodec.deflate, false), (.avro, .snappy, false), (.avro, .null, false),
        (.ndjson, .null, false), (.ndjson, .null, true), (.csv, .null, false), (.csv, .null, true),
    ])
    func roundTrip(format: ExportFormat, codec: EventWriter.AvroCodec, gzip: Bool) async throws {
        let (dir, summary) = try generated("gen-\(format)-\(codec)", format: format, codec: codec, gzip: gzip)
        let shards = summary.files.filter { $0.hasPrefix(dir + "/events/") }
        #expect(shards.count == (summary.events + 3999) / 4000)
        #expect(shards.first == "\(dir)/events/events-000000000000.\(format.fileExtension)\(gzip ? ".gz" : "")")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["courses", "events", "truth.ndjson"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/events").count == shards.count,
                "the events folder holds the events table only")
        let r = try await readEvents([dir + "/events"])
        #expect(r.refused == 0)
        #expect(r.events.count == summary.events)
        #expect(Set(r.events.map(\.tenantID)) == ["tenant-000", "tenant-001", "tenant-002"])
        #expect(Set(r.events.map(\.eventID)).count == r.events.count, "event ids are unique")
        let courses = try await CourseSource([dir + "/courses"]).read()
        #expect(courses.failures.isEmpty && courses.quarantined.isEmpty)
        #expect(courses.courses.count == summary.courses)
        let known = Set(courses.courses.map { "\($0.tenantID)/\($0.courseID)" })
        #expect(r.events.allSatisfy { known.contains("\($0.tenantID)/\($0.courseID)") })
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let (a, _) = try generated("seed-a", seed: 11, format: .ndjson)
        let (b, _) = try generated("seed-b", seed: 11, format: .ndjson)
        let (c, _) = try generated("seed-c", seed: 12, format: .ndjson)
        for name in ["events/events-000000000000.json", "courses/courses-000000000000.json", "truth.ndjson"] {
            #expect(try bytes(a + "/" + name) == bytes(b + "/" + name), "\(name)")
        }
        #expect(try bytes(a + "/events/events-000000000000.json") != bytes(c + "/events/events-000000000000.json"))
    }
}
