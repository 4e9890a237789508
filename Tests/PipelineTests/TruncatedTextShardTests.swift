import EventSources
import Foundation
import LearningStore
@testable import Pipeline
import Testing

/// An NDJSON or CSV shard cut in the middle of a line is a truncated file like a cut Avro shard: the run fails and
/// publishes nothing (it used to read the half line as one bad row and publish from the rest, exit 0).
@Suite("A text shard cut in the middle of a line", .serialized)
struct TruncatedTextShardTests {
    static func line(_ k: Int) -> String {
        #"{"event_id":"cut-\#(k)","tenant_id":"tenant-000","learner_id":"L-cut-\#(k)","course_id":"c-cut","event_type":"enrolled","occurred_at":"2026-04-01 10:00:00 UTC"}"#
    }

    @Test("a cut NDJSON or CSV shard fails the run and every tenant keeps its versions; a shard only missing its last newline does not")
    func cutShardPublishesNothing() async throws {
        let f = try await PipelineFixture(label: "cuttext", tenants: 2, learners: 300)
        _ = try await f.run(f.options())
        let before = try await f.active("tenant-000")
        #expect(before.recommenderVersion != nil && before.riskVersion != nil)

        // Half of the last line is missing: the writer or the copy stopped there.
        let rows = (0..<20).map(Self.line)
        let cutJSON = f.dir.appendingPathComponent("events-cut.json")
        try (rows.joined(separator: "\n") + "\n" + String(Self.line(20).prefix(70))).write(to: cutJSON, atomically: true, encoding: .utf8)
        let csvRows = ["event_id,tenant_id,learner_id,course_id,event_type,occurred_at"]
            + (0..<20).map { "csv-\($0),tenant-000,L-csv-\($0),c-cut,enrolled,2026-04-01 10:00:00 UTC" }
        let cutCSV = f.dir.appendingPathComponent("events-cut.csv")
        try (csvRows.joined(separator: "\n") + "\ncsv-20,tenant-000,L-csv").write(to: cutCSV, atomically: true, encoding: .utf8)

        for cut in [cutJSON, cutCSV] {
            let blocked = try await f.run(f.options([f.events, cut.path]))
            #expect(blocked.failedFiles.count == 1, "\(blocked.failedFiles)")
            #expect(blocked.failedFiles.first?.contains("file is truncated") == true, "\(blocked.failedFiles)")
            #expect(blocked.notPublished != nil && !blocked.succeeded)
            #expect(blocked.tenants.isEmpty, "no tenant phase ran")
            #expect(try await f.active("tenant-000") == before, "nothing was published from partial data")
        }

        // The same rows complete, without a final newline (many writers omit it): read in full, no failure.
        let whole = f.dir.appendingPathComponent("events-whole.json")
        try rows.joined(separator: "\n").write(to: whole, atomically: true, encoding: .utf8)
        var ingest = f.options([f.events, whole.path])
        ingest.job = .ingest
        let ok = try await f.run(ingest)
        #expect(ok.failedFiles.isEmpty && ok.notPublished == nil, "\(ok.failedFiles)")
        #expect(ok.quarantined == 0)
        try await f.finish()
    }
}
