import EventSources
import Foundation
import LearningEvents
import LearningStore
import MongoStore
@testable import Pipeline
import Testing

@Suite("Reliability of a run: partial data, per-tenant cutoffs and failures, catalog", .serialized)
struct ReliabilityTests {
    @Test("a truncated shard publishes nothing (every tenant keeps its versions) unless --allow-partial")
    func truncatedShardPublishesNothing() async throws {
        let f = try await PipelineFixture(label: "partial", tenants: 2, learners: 300)
        _ = try await f.run(f.options())
        let before = try await f.active("tenant-000")
        #expect(before.recommenderVersion != nil)

        // A second shard cut in the middle of an Avro block.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: f.events))
        let cut = f.dir.appendingPathComponent("events-cut.avro")
        try bytes.prefix(bytes.count * 2 / 3).write(to: cut)
        let blocked = try await f.run(f.options([f.events, cut.path]))
        #expect(blocked.failedFiles.count == 1)
        #expect(blocked.notPublished != nil && !blocked.succeeded)
        #expect(blocked.tenants.isEmpty, "no tenant phase ran")
        #expect(try await f.active("tenant-000") == before, "nothing was published from partial data")

        var partial = f.options([f.events, cut.path])
        partial.allowPartial = true
        let allowed = try await f.run(partial)
        #expect(allowed.notPublished == nil && allowed.failedFiles.count == 1)
        #expect(try await f.active("tenant-000").recommenderVersion != before.recommenderVersion, "--allow-partial publishes from the rest")
        try await f.finish()
    }

    @Test("each tenant's default cutoff is its own newest event; a future-dated row is quarantined and moves no cutoff")
    func perTenantCutoffs() async throws {
        let f = try await PipelineFixture(label: "cutoffs", tenants: 2, learners: 300)
        var options = f.options()
        options.cutoff = nil
        options.job = .ingest
        let base = try await f.run(options)
        let cutoffs = Dictionary(uniqueKeysWithValues: base.tenants.map { ($0.tenant, $0.cutoff) })

        // Tenant B gets a row dated next year (a bad clock upstream) and one a little after its newest event.
        let b = "tenant-001"
        let bNewest = try #require(cutoffs[b] ?? nil)
        let future = Timestamp.bigQuery(Int64(Date().timeIntervalSince1970 * 1_000_000) + 365 * Timestamp.microsPerDay)
        let later = Timestamp.bigQuery(bNewest + 3_600_000_000)
        let lines = [
            #"{"event_id":"future-1","tenant_id":"\#(b)","learner_id":"L-x","course_id":"c-x","event_type":"enrolled","occurred_at":"\#(future)"}"#,
            #"{"event_id":"later-1","tenant_id":"\#(b)","learner_id":"L-y","course_id":"c-y","event_type":"enrolled","occurred_at":"\#(later)"}"#,
        ]
        let extra = f.dir.appendingPathComponent("skewed.json")
        try lines.joined(separator: "\n").write(to: extra, atomically: true, encoding: .utf8)
        var skewed = options
        skewed.source = [f.events, extra.path]
        let run = try await f.run(skewed)
        let after = Dictionary(uniqueKeysWithValues: run.tenants.map { ($0.tenant, $0.cutoff) })
        #expect(after["tenant-000"] == cutoffs["tenant-000"], "tenant A's cutoff is untouched by B's rows")
        #expect(after[b] == bNewest + 3_600_000_000, "tenant B's cutoff is its own newest accepted event")
        #expect(run.quarantined == 1)
        let stored = try await QuarantineStore(db: f.db).rows(run: run.runID)
        #expect(stored.count == 1 && stored[0].tenant_id == b && stored[0].field == "occurred_at")
        try await f.finish()
    }

    @Test("one tenant's failure is reported and the other tenants are published")
    func failureIsolation() async throws {
        let f = try await PipelineFixture(label: "isolate", tenants: 2, learners: 300)
        var hooks = RunHooks()
        hooks.beforeActivation = { tenant, kind in
            if tenant == "tenant-000" { throw PublishInterrupted(kind: kind) }
        }
        let run = try await f.run(f.options(), hooks: hooks)
        let a = try #require(run.tenants.first { $0.tenant == "tenant-000" })
        let b = try #require(run.tenants.first { $0.tenant == "tenant-001" })
        #expect(!a.failures.isEmpty && b.failures.isEmpty)
        #expect(!run.succeeded)
        #expect(try await f.active("tenant-000").recommenderVersion == nil)
        #expect(try await f.active("tenant-001").recommenderVersion != nil)
        try await f.finish()
    }

    @Test("a catalog without a valid row of a tenant means no recommendations for it (fails closed), with a note")
    func catalogFailsClosed() async throws {
        let f = try await PipelineFixture(label: "catalog", tenants: 2, learners: 300)
        let catalog = f.dir.appendingPathComponent("courses-only-a.json")
        let rows = [
            #"{"tenant_id":"tenant-000","course_id":"c-0000","title":"Intro","org_ids":[],"lesson_count":"10","published":true}"#,
            #"{"tenant_id":"tenant-001","course_id":"c-0000","title":"Bad","org_ids":[],"lesson_count":"ten","published":true}"#,
        ]
        try rows.joined(separator: "\n").write(to: catalog, atomically: true, encoding: .utf8)
        var options = f.options()
        options.catalog = [catalog.path]
        let run = try await f.run(options)
        #expect(run.catalogQuarantined == 1)
        let b = try #require(run.tenants.first { $0.tenant == "tenant-001" })
        #expect(b.notes.contains { $0.contains("fails closed") })
        #expect(try await f.active("tenant-001").recommenderVersion == nil)
        // Tenant A's catalog has one published course: recommendations stay within it.
        let a = try await f.active("tenant-000")
        #expect(a.recommendations.values.allSatisfy { $0.allSatisfy { $0 == "c-0000" } })
        try await f.finish()
    }

    @Test("the feature schema computes the same vector from a learner_features row as training did from the aggregates")
    func schemaAgreesWithStoredFeatures() async throws {
        let f = try await PipelineFixture(label: "schema", tenants: 1, learners: 200)
        var options = f.options()
        options.job = .ingest
        _ = try await f.run(options)
        let stored = try await StoreLayout.features.collection(in: f.db.tenant("tenant-000")).find().collect()
        #expect(stored.count > 100)
        // Rebuild the aggregates as the run did and compare vector by vector.
        var agg = TenantAggregator(tenant: "tenant-000", cutoffs: try Cutoffs(score: PipelineFixture.cutoff, horizonDays: options.risk.horizonDays))
        for try await record in ExportSource([f.events]).records() {
            if case .event(let e, _, _) = record { agg.add(e) }
        }
        var checked = 0
        for row in agg.featureRows(at: .score) {
            guard let doc = stored.first(where: { $0.learner_id == agg.learners[row.learner] && $0.course_id == agg.courses[row.course] }) else { continue }
            #expect(FeatureSchema.current.vector(doc) == row.vector)
            checked += 1
            if checked == 200 { break }
        }
        #expect(checked > 100)
        try await f.finish()
    }
}
