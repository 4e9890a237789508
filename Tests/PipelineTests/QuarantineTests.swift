import Foundation
import LearningStore
import MongoStore
@testable import Pipeline
import Testing

@Suite("Quarantine in the pipeline")
struct QuarantineTests {
    @Test("bad rows are counted and stored with position and reason; the good rows beside them are kept")
    func badRows() async throws {
        let f = try await PipelineFixture(label: "quarantine", tenants: 1, learners: 60)
        let lines = [
            #"{"event_id":"x1","tenant_id":"tenant-000","learner_id":"L-extra","course_id":"c-0000","event_type":"enrolled","occurred_at":"2026-04-01 10:00:00 UTC"}"#,
            #"{"event_id":"x2","tenant_id":"tenant-000","learner_id":"L-extra","course_id":"c-0000","event_type":"teleported","occurred_at":"2026-04-01 10:00:00 UTC"}"#,
            #"{"event_id":"x3","tenant_id":"../etc","learner_id":"L-extra","course_id":"c-0000","event_type":"enrolled","occurred_at":"2026-04-01 10:00:00 UTC"}"#,
            #"{"event_id":"x4","tenant_id":"tenant-000","learner_id":"L-extra","course_id":"c-0000","event_type":"quiz_submitted","score":"1.5","occurred_at":"2026-04-02 10:00:00 UTC"}"#,
        ]
        let extra = f.dir.appendingPathComponent("extra.json")
        try lines.joined(separator: "\n").write(to: extra, atomically: true, encoding: .utf8)
        var options = f.options([f.events, extra.path])
        options.job = .ingest
        let summary = try await f.run(options)
        #expect(summary.quarantined == 3)
        #expect(summary.rowsRead == summary.rowsValid + 3)
        let stored = try await f.db.system(.quarantine, as: QuarantineDocument.self).find(["run_id": .string(summary.runID)]).collect()
        #expect(stored.count == 3)
        #expect(stored.allSatisfy { $0.source.hasSuffix("extra.json") })
        #expect(Set(stored.map(\.position)).count == 3, "each refused row names its own position: \(stored.map(\.position))")
        #expect(stored.contains { $0.reason.contains("event_type") })
        #expect(stored.contains { $0.reason.contains("tenant_id") })
        #expect(stored.contains { $0.reason.contains("score") })
        // The good row beside them made it into the features.
        let features = try await StoreLayout.features.collection(in: f.db.tenant("tenant-000"))
            .find(["learner_id": "L-extra"]).collect()
        #expect(features.count == 1)
        try await f.finish()
    }
}
