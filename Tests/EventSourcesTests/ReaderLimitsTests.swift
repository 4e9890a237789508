import EventSources
import Foundation
import LearningEvents
import LodestarTestSupport
import MetricsTestKit
import Testing

/// Per-file bounds (quarantine cap) and the readers' swift-metrics counters.
@Suite struct ReaderLimitsTests {
    static let bad = #"{"event_id":"x","tenant_id":"../t","learner_id":"l","course_id":"c","event_type":"enrolled","occurred_at":"2026-01-05 10:00:00 UTC"}"#

    /// Past the cap the file fails with the count and where it stopped; rows before stay, the next file is read.
    @Test func quarantineCapFailsTheFile() async throws {
        let dir = try tempDir("cap")
        var lines = [BrokenInputTests.good]
        lines += Array(repeating: Self.bad, count: 25)
        lines.append(BrokenInputTests.good)
        try write(lines.joined(separator: "\n") + "\n", to: dir + "/a.json")
        try write(BrokenInputTests.good + "\n", to: dir + "/b.json")
        var events = 0
        var quarantined = 0
        var failures: [SourceFileError] = []
        for try await batch in ExportSource([dir], limits: ReaderLimits(maxQuarantinedRowsPerFile: 10)).batches() {
            events += batch.count
            quarantined += batch.quarantined.count
            if let f = batch.failure { failures.append(f) }
        }
        #expect(events == 2)  // the first row of a.json, and b.json
        #expect(quarantined == 10)
        try #require(failures.count == 1)
        #expect(failures[0].file == dir + "/a.json")
        #expect(failures[0].message.contains("more than 10 rows quarantined"), "\(failures[0])")
        #expect(failures[0].message.contains("line 12"), "\(failures[0])")

        let courses = (0..<20).map { #"{"tenant_id":"t","course_id":"c\#($0)","title":"x","lesson_count":"-1","published":true}"# }
        try write(courses.joined(separator: "\n"), to: dir + "/courses.json")
        let catalog = try await CourseSource([dir + "/courses.json"], limits: ReaderLimits(maxQuarantinedRowsPerFile: 5)).read()
        #expect(catalog.quarantined.count == 5)
        #expect(catalog.failures.first?.message.contains("more than 5 rows quarantined") == true)
    }

    @Test func countersPerFormat() async throws {
        let folder = try await Fixtures.shared.folder()
        let dir = try tempDir("metrics")
        try write(BrokenInputTests.good + "\n" + Self.bad + "\n", to: dir + "/a.json")
        var b = try readBytes(folder + "/events-null.avro")
        b.removeLast(b.count / 3)
        try write(b, to: dir + "/cut.avro")
        try FileManager.default.copyItem(atPath: folder + "/events.csv", toPath: dir + "/c.csv")
        try write("tenant_id,course_id,title,lesson_count,published\nt,c1,x,1,true\nt,c2,x,-1,true\n", to: dir + "/courses.csv")
        let metrics = TestMetrics()
        var rows = 0
        for try await batch in ExportSource([dir], metrics: metrics).batches() { rows += batch.count + batch.quarantined.count }
        _ = try await CourseSource([dir], metrics: metrics).read()

        func total(_ label: String, _ format: String, _ table: String = "events") -> Int64 {
            metrics.counters(label: label, dimensions: [("format", format), ("table", table)]).map(\.totalValue).reduce(0, +)
        }
        #expect(total("lodestar_export_rows_read_total", "ndjson") == 2)
        #expect(total("lodestar_export_rows_quarantined_total", "ndjson") == 1)
        #expect(total("lodestar_export_rows_read_total", "csv") == 500)
        let avro = total("lodestar_export_rows_read_total", "avro")
        #expect(avro > 0 && avro < 500)
        #expect(Int(avro) + 502 == rows)
        #expect(total("lodestar_export_files_failed_total", "avro") == 1)
        #expect(total("lodestar_export_files_failed_total", "csv") == 0)
        #expect(total("lodestar_export_rows_read_total", "csv", "courses") == 2)
        #expect(total("lodestar_export_rows_quarantined_total", "csv", "courses") == 1)
    }
}
