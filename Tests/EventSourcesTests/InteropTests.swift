import EventSources
import Foundation
import LodestarTestSupport
import LearningEvents
import Testing

/// Files written by other tools (fastavro, Python's json/csv/gzip) decode to exactly the rows they were given.
@Suite struct InteropTests {
    func check(_ file: String, occurredAt: (Int64) -> Int64 = { $0 }) async throws {
        let folder = try await Fixtures.shared.folder()
        let expected = try expectedRows(folder)
        let r = try await readAll([folder + "/" + file])
        #expect(r.quarantined.isEmpty, "\(r.quarantined.prefix(3))")
        #expect(r.failures.isEmpty, "\(r.failures)")
        try #require(r.events.count == expected.count)
        for (e, x) in zip(r.events, expected) {
            #expect(e.eventID == x.event_id)
            #expect(e.tenantID == x.tenant_id)
            #expect(e.orgID == x.org_id)
            #expect(e.learnerID == x.learner_id)
            #expect(e.courseID == x.course_id)
            #expect(e.lessonID == x.lesson_id)
            #expect(e.type.name == x.event_type)
            #expect(e.occurredAt == occurredAt(x.occurred_at))
            #expect(e.durationSeconds == x.duration_seconds)
            #expect(e.score == x.score)
        }
    }

    @Test(arguments: ["events-null.avro", "events-deflate.avro", "events-snappy.avro"])
    func avroCodecs(file: String) async throws { try await check(file) }

    @Test func avroTimestampMillis() async throws { try await check("millis.avro") { $0 - $0 % 1000 } }

    @Test func avroDate() async throws {
        try await check("date.avro") { $0 - (($0 % Timestamp.microsPerDay) + Timestamp.microsPerDay) % Timestamp.microsPerDay }
    }

    @Test(arguments: ["events.json", "events.json.gz", "events.csv", "events.csv.gz"])
    func textFormats(file: String) async throws { try await check(file) }

    @Test func globAndFolder() async throws {
        let folder = try await Fixtures.shared.folder()
        let glob = try await readAll([folder + "/events-*.avro"])
        #expect(glob.events.count == 1500)
        let files = try await ExportSource([folder]).files()
        #expect(files.count == 11)  // 6 Avro, 4 events.* and expected.json
        #expect(files.map(\.description).contains(folder + "/events.csv.gz"))
    }

    @Test func smallBatchesKeepSymbolsInOrder() async throws {
        let folder = try await Fixtures.shared.folder()
        let big = try await readAll([folder + "/events.json"], batchSize: 1000)
        let small = try await readAll([folder + "/events.json"], batchSize: 7)
        #expect(big.events == small.events)
    }
}
