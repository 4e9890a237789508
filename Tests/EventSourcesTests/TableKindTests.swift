import EventSources
import Foundation
import LearningEvents
import LodestarTestSupport
import Testing

/// Events and course tables are told apart by their columns (Avro schema, CSV header, first NDJSON object), never
/// by file name: each reader skips the other's tables, in one folder or in subfolders.
@Suite struct TableKindTests {
    @Test func kindsFromColumns() {
        #expect(TableKind.of(columns: ["event_id", "tenant_id"]) == .events)
        #expect(TableKind.of(columns: ["tenant_id", "course_id", "occurred_at"]) == .events)
        #expect(TableKind.of(columns: ["tenant_id", "course_id", "title", "published"]) == .courses)
        #expect(TableKind.of(columns: ["kind", "seed"]) == .other)
        #expect(TableKind.of(columns: []) == .other)
    }

    /// A folder whose file names lie: `events-*` holds courses and `courses-*` holds events, in every format.
    @Test func namesAreIgnoredColumnsDecide() async throws {
        let folder = try await Fixtures.shared.folder()
        let dir = try tempDir("tables")
        try FileManager.default.createDirectory(atPath: dir + "/a/b", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/events-null.avro", toPath: dir + "/a/courses-1.avro")
        try FileManager.default.copyItem(atPath: folder + "/events.json", toPath: dir + "/a/b/courses-2.json")
        let courseAvro = AvroBytes.header(schema: AvroBytes.courseSchema)
            + AvroBytes.block(count: 2, data: AvroBytes.course(id: "c1") + AvroBytes.course(id: "c2"))
        try write(courseAvro, to: dir + "/events-1.avro")
        try write(#"{"tenant_id":"t","course_id":"c3","title":"x","lesson_count":1,"published":true}"# + "\n",
                  to: dir + "/a/events-2.json")
        try write("tenant_id,course_id,title,lesson_count,published\nt,c4,y,2,false\n", to: dir + "/a/b/events-3.csv")
        try write(#"{"kind":"learner","tenant_id":"t"}"# + "\n", to: dir + "/truth.ndjson")

        var skipped: [SkippedTable] = []
        var events = 0
        var quarantined = 0
        for try await batch in ExportSource([dir]).batches() {
            if let s = batch.skipped { skipped.append(s) }
            events += batch.count
            quarantined += batch.quarantined.count
            #expect(batch.failure == nil)
        }
        #expect(events == 1000)
        #expect(quarantined == 0)
        #expect(skipped.filter { $0.kind == .courses }.count == 3)
        #expect(skipped.filter { $0.kind == .other }.map(\.file) == [dir + "/truth.ndjson"])

        let catalog = try await CourseSource([dir]).read()
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        #expect(catalog.quarantined.isEmpty, "\(catalog.quarantined)")
        #expect(Set(catalog.courses.map(\.courseID)) == ["c1", "c2", "c3", "c4"])
        #expect(catalog.skipped.filter { $0.kind == .events }.count == 2)
    }
}
