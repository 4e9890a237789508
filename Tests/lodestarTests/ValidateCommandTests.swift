import Foundation
import LodestarTestSupport
import Testing

/// `lodestar validate` end to end: the binary built beside the test bundle, on fixture files.
@Suite struct ValidateCommandTests {
    func lodestar(_ args: [String]) throws -> (status: Int32, output: String) { try LodestarBinary.run(args) }

    @Test func goodFilesExitZeroWithCounts() async throws {
        let folder = try await Fixtures.shared.folder()
        let (status, out) = try lodestar(["validate", folder + "/events-*.avro", folder + "/events.csv.gz"])
        #expect(status == 0, "\(out)")
        #expect(out.contains("files read:  4 event files, 0 course files"))
        #expect(out.contains("rows read:   2000"))
        #expect(out.contains("rows valid:  2000"))
        #expect(out.contains("per tenant:") && out.contains("  acme: "))
        #expect(out.contains("per event type:") && out.contains("  quiz_submitted: "))
    }

    @Test func badRowsAndFilesExitOneAndAreShown() async throws {
        let folder = try await Fixtures.shared.folder()
        let dir = try tempDir("validate")
        var b = try readBytes(folder + "/events-null.avro")
        b.removeLast(b.count / 3)
        try write(b, to: dir + "/events-cut.avro")
        let q = dir + "/quarantine.ndjson"
        let (status, out) = try lodestar(["validate", "--show", "3", "--quarantine", q, folder + "/bad-rows.avro", dir + "/events-cut.avro"])
        #expect(status == 1, "\(out)")
        #expect(out.contains("rows bad:    7"))
        #expect(out.contains("bad-rows.avro: block 0 record 1: score: 2.0 is outside 0…1"))
        #expect(out.contains("file failed: \(dir)/events-cut.avro: at byte offset"))
        let lines = String(decoding: try readBytes(q), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 7)
        let (missing, _) = try lodestar(["validate", dir + "/nothing-*.json"])
        #expect(missing == 2)
    }

    /// The two layouts of an export folder: `events-*` and `courses-*` side by side, or `events/` and `courses/`
    /// subfolders, each beside a truth file. Tables are told apart by their columns: course rows are reported as
    /// courses, never as bad events, and the truth file is skipped.
    @Test(arguments: [false, true]) func exportFolderWithCoursesAndTruth(subfolders: Bool) async throws {
        let folder = try await Fixtures.shared.folder()
        let dir = try tempDir("validate-layout")
        let events = subfolders ? dir + "/events" : dir
        let courses = subfolders ? dir + "/courses" : dir
        try FileManager.default.createDirectory(atPath: events, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: courses, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/events-deflate.avro", toPath: events + "/events-000000000000.avro")
        try FileManager.default.copyItem(atPath: folder + "/events.csv", toPath: events + "/events-000000000001.csv")
        try write("""
            {"tenant_id":"acme","course_id":"c1","title":"Safety","org_ids":["o1"],"lesson_count":"12","published":true}
            {"tenant_id":"acme","course_id":"c2","title":"Sales","lesson_count":"3","published":false}
            """, to: courses + "/courses-000000000000.json")
        try write("tenant_id,course_id,title,org_ids,lesson_count,published\nacme,c3,Design,,4,true\n",
                  to: courses + "/courses-000000000001.csv")
        try write(#"{"kind":"params","seed":7,"tenants":3}"# + "\n", to: dir + "/truth.ndjson")
        let (status, out) = try lodestar(["validate", dir])
        #expect(status == 0, "\(out)")
        #expect(out.contains("files read:  2 event files, 2 course files"), "\(out)")
        #expect(out.contains("rows read:   1000"), "\(out)")
        #expect(out.contains("rows bad:    0"), "\(out)")
        #expect(out.contains("courses:     3 rows, 3 valid, 0 bad"), "\(out)")
        #expect(out.contains("skipped:     \(dir)/truth.ndjson: neither an events nor a courses table"), "\(out)")
    }
}
