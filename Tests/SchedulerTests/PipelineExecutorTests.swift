import Foundation
import LearningStore
import LinearAlgebra
import LodestarTestSupport
import Logging
import MongoStore
import Pipeline
import SampleData
import Testing
@testable import Scheduler
import LearningEvents

/// Scheduled runs through the real pipeline on a small generated export: tenants found in the export, metrics
/// kept, a publication refused when the run's lease check fails, a failing job kept with its error.
@Suite struct PipelineExecutorTests {
    static func export() async throws -> (URL, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-sched-\(UUID().uuidString)")
        let summary = try await runOnDedicatedThread { _ in
            try Generator(config: GeneratorConfig(tenants: 2, learners: 400, seed: 5))
                .run(directory: dir.path, format: .ndjson, codec: .null, gzip: false, rowsPerFile: 1_000_000)
        }
        return (dir, summary.files.first { $0.contains("events-") }!)
    }

    func executor(_ db: MongoDatabase, _ dir: URL) -> PipelineRunExecutor {
        var base = RefreshOptions(source: ["-"], modelsDirectory: dir.appendingPathComponent("models"))
        base.threads = 2
        return PipelineRunExecutor(db: db, baseOptions: base)
    }

    @Test func scheduledRefreshRunsPerTenantAndTheLeaseGuardsPublishing() async throws {
        let t = try TestDatabase("pipeline")
        let (dir, events) = try await Self.export()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = ManualClock(Date())
        let job = JobDefinition(name: "risk", kind: .scoreRisk, schedule: try CronSchedule("@daily"), tenants: .all,
                                params: ["source": events, "cutoff": "2026-04-20T00:00:00Z"])
        let exec = executor(t.db, dir)
        let s = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:1:a") { $0.leaseDuration = .seconds(3600) }
        try await s.prepare()
        let service = JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock)
        let runs = try await service.trigger("risk", access: .platform)
        #expect(runs.map(\.tenant) == ["tenant-000", "tenant-001"])  // found in the export
        await s.tick()
        await s.waitForIdle()
        let done = try await service.runs(RunQuery(), access: .platform)
        #expect(done.allSatisfy { $0.status == .succeeded }, "\(done.map { "\($0.id) \($0.status) \($0.error ?? "")" })")
        #expect(done.allSatisfy { ($0.metrics?.rows_read ?? 0) > 1000 && $0.metrics?.quarantined == 0 })
        // Each run also counts its own tenant's rows (the export holds both tenants'); that is all a data scientist sees.
        #expect(done.allSatisfy { r in (r.metrics?.tenant_rows ?? 0) > 0 && (r.metrics?.tenant_rows ?? 0) < (r.metrics?.rows_valid ?? 0) })
        let own = try await service.run(done[0].id, access: .tenant(done[0].tenant))
        #expect(own.metrics?.rows_read == nil && own.metrics?.rows_valid == nil && own.metrics?.tenant_rows == done[0].metrics?.tenant_rows)
        let withModel = done.filter { $0.metrics?.risk_version != nil }
        #expect(!withModel.isEmpty && withModel.allSatisfy { ($0.metrics?.scored ?? 0) > 0 })
        // A backtest AUC when the tenant has one; a small tenant (heuristic, or too few outcomes for a backtest) has a
        // note saying why instead of a number.
        #expect(withModel.allSatisfy { r in
            r.metrics?.auc.map { $0 >= 0 && $0 <= 1 }
                ?? (r.metrics?.notes ?? []).contains { $0.hasPrefix("risk: ") || $0.hasPrefix("backtest: not enough data") }
        }, "\(withModel.map { "\($0.tenant): \($0.metrics?.auc.map { "\($0)" } ?? "no AUC") \($0.metrics?.notes ?? [])" })")

        // The same work with a failing lease check (a lost lease): the activation is refused, the old version stays.
        let tenant = try #require(withModel.first).tenant
        let registry = ModelRegistry(db: t.db, modelsDirectory: dir.appendingPathComponent("models"))
        let before = try await registry.active(tenant: TenantID(validating: tenant), kind: .risk)?.version
        var doc = try #require(try await RunStore(db: t.db).run(withModel.first!.id))
        doc._id = "guarded"
        let steps = ProgressTexts()
        let context = RunContext(logger: Logger(label: "test"), progress: { steps.append($0) },
                                 activationGuard: { _ in throw LeaseError.lost(name: "job run guarded") })
        // A refused activation is a lost lease (typed), never a failure's text.
        await #expect(throws: RunLeaseLost.self) { try await exec.execute(doc, context: context) }
        // Progress arrives through the typed callback, in order: the read, then each phase of the kind for the tenant.
        let texts = steps.all
        let expected = ["read streaming events"] + JobKind.scoreRisk.phases.map { "\($0.name) \(tenant)" }
        #expect(texts.filter { !$0.hasSuffix(" rows") && !$0.hasPrefix("scan ") } == expected, "\(texts)")
        #expect(texts.filter { $0.hasSuffix(" rows") }.allSatisfy { $0.hasPrefix("read ") }, "\(texts)")
        let after = try await registry.active(tenant: TenantID(validating: tenant), kind: .risk)?.version
        #expect(before != nil && after == before)
        try await t.finish()
    }

    @Test func aJobThatKeepsFailingStopsAfterItsRetriesWithTheError() async throws {
        let t = try TestDatabase("failing")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-sched-\(UUID().uuidString)")
        let clock = ManualClock(Date())
        var job = JobDefinition(name: "broken", kind: .scoreRisk, schedule: try CronSchedule("@daily"), tenants: .only(["acme"]),
                                params: ["source": dir.appendingPathComponent("missing-*.avro").path])
        job.retries = RetryPolicy(maxRetries: 1, backoff: .exponential, initial: .seconds(10))
        let s = replica(t.db, jobs: [job], executor: executor(t.db, dir), clock: clock, owner: "host:1:a")
        try await s.prepare()
        let id = try await JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock).trigger("broken", access: .platform)[0].id
        await s.tick()
        await s.waitForIdle()
        clock.advance(by: 11)
        await s.tick()
        await s.waitForIdle()
        let run = try await JobService(catalog: JobCatalog(jobs: [job]), db: t.db).run(id, access: .platform)
        #expect(run.status == .failed && run.attempt == 2 && run.attempts.map(\.outcome) == ["failed", "failed"])
        #expect(run.error?.contains("missing-*.avro") == true, "\(run.error ?? "")")
        try await t.finish()
    }
}

/// Progress texts an executor reported, in order.
final class ProgressTexts: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String] = []
    func append(_ text: String) { lock.withLock { texts.append(text) } }
    var all: [String] { lock.withLock { texts } }
}
