import Foundation
import LodestarTestSupport
import MongoStore
import Pipeline
import Testing
@testable import Scheduler

/// Fair tenants: claims take turns across tenants within a priority; `max_queued` bounds a (job, tenant)'s runs from
/// triggers; per-role parameter limits hold at trigger and backfill.
@Suite struct FairnessTests {
    /// Runs of `tenant`, made as a trigger makes them (each with its own id), queued in one write.
    static func queueMany(_ store: RunStore, job: JobDefinition, tenant: String, count: Int, at now: Date) async throws {
        let docs = (0..<count).map { i in
            RunFactory.make(job: job, tenant: tenant, trigger: .manual, dueAt: now.addingTimeInterval(Double(i) / 1000), now: now,
                            params: [:], id: "\(job.name).\(tenant).bulk\(i)")
        }
        #expect(try await store.enqueue(docs) == count)
    }

    @Test func roundsGiveEachTenantTurns() {
        let job = JobDefinition(name: "j", kind: .noop, schedule: try! CronSchedule("0 0 1 1 *", timeZone: "UTC"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var docs = ["a", "a", "b", "a", "c"].enumerated().map { i, t in
            RunFactory.make(job: job, tenant: t, trigger: .manual, dueAt: now, now: now, params: [:], id: "j.\(t).\(i)")
        }
        RunStore.assignRounds(&docs, serving: 10, lastQueued: ["a": 14, "c": 3])
        // a continues after its queued runs; b (nothing queued) starts at the round served now; c's old round is
        // behind the queue, so it starts at the served round too.
        #expect(docs.map(\.fair_round) == [15, 16, 10, 17, 10])
    }

    @Test func aTenantQueuedAfter300RunsOfAnotherIsClaimedAtOnce() async throws {
        let t = try TestDatabase("fair")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a", "b"]) { $0.maxQueued = 1_000 }
        let other = try noopJob("other", tenants: ["a"])
        let exec = ScriptedExecutor { _ in .block }
        let s = replica(t.db, jobs: [job, other], executor: exec, clock: clock, owner: "host:1:a", slots: 2)
        try await s.prepare()
        let store = RunStore(db: t.db)
        try await Self.queueMany(store, job: job, tenant: "a", count: 300, at: clock.now())
        try await Self.queueMany(store, job: other, tenant: "a", count: 5, at: clock.now())
        clock.advance(by: 1)
        let service = JobService(catalog: JobCatalog(jobs: [job, other]), db: t.db, clock: clock)
        let late = try await service.trigger("health", tenants: ["b"], access: .tenant("b"))[0].id
        // Two slots: a's first run and b's (first in, first out would have taken a's two jobs, and the head of the
        // queue that a claim reads would not even have reached b's run).
        #expect(await s.tick() == 2)
        #expect(try await eventually { exec.blockedRuns.count == 2 })
        #expect(exec.blockedRuns.contains(late))
        let running = try await allRuns(t.db).filter { $0.status == .running }
        #expect(Set(running.map { "\($0.job)/\($0.tenant_id)" }) == ["health/a", "health/b"])
        for id in exec.blockedRuns { exec.release(id) }
        await s.waitForIdle()
        try await t.finish()
    }

    @Test func replicasClaimingTogetherStillGiveTurnsAndClaimEachRunOnce() async throws {
        let t = try TestDatabase("fair_replicas")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let jobs = try ["j1", "j2", "j3"].map { n in try noopJob(n, tenants: ["a", "b", "c"]) { $0.maxQueued = 1_000 } }
        let exec = ScriptedExecutor { _ in .block }
        let replicas = (0..<3).map { replica(t.db, jobs: jobs, executor: exec, clock: clock, owner: "host:\($0):r", slots: 2) }
        try await replicas[0].prepare()
        let store = RunStore(db: t.db)
        for j in jobs { try await Self.queueMany(store, job: j, tenant: "a", count: 40, at: clock.now()) }
        clock.advance(by: 1)
        for (i, j) in jobs.prefix(2).enumerated() {
            try await Self.queueMany(store, job: j, tenant: i == 0 ? "b" : "c", count: 1, at: clock.now())
        }
        async let c0 = replicas[0].tick()
        async let c1 = replicas[1].tick()
        async let c2 = replicas[2].tick()
        let claimed = await c0 + c1 + c2
        #expect(claimed >= 2)
        #expect(try await eventually { exec.blockedRuns.count == claimed })
        let running = try await allRuns(t.db).filter { $0.status == .running }
        #expect(running.count == claimed && Set(running.map(\._id)).count == claimed)
        // b's and c's runs, queued after 120 of a's, are among the first claims.
        #expect(running.contains { $0.tenant_id == "b" } && running.contains { $0.tenant_id == "c" })
        for id in exec.blockedRuns { exec.release(id) }
        for r in replicas { await r.waitForIdle() }
        try await t.finish()
    }

    @Test func maxQueuedRefusesTriggersBeyondItUntilARunEnds() async throws {
        let t = try TestDatabase("max_queued")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a", "b"])
        #expect(job.maxQueued == 3)
        let exec = ScriptedExecutor { _ in .succeed }
        let s = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:1:a")
        try await s.prepare()
        let service = JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock)
        var accepted = 0, refused = 0
        for _ in 0..<300 {
            do {
                _ = try await service.trigger("health", tenants: ["a"], access: .tenant("a"))
                accepted += 1
            } catch SchedulerError.tooManyRuns(let j, let tenant, let limit, let wait) {
                #expect(j == "health" && tenant == "a" && limit == 3 && wait == 60)
                refused += 1
            }
        }
        #expect(accepted == 3 && refused == 297)
        #expect(try await allRuns(t.db).count == 3)
        // Another tenant is not held back; a platform trigger of both is refused whole while a is full.
        _ = try await service.trigger("health", tenants: ["b"], access: .platform)
        await #expect(throws: SchedulerError.self) { try await service.trigger("health", tenants: ["b", "a"], access: .platform) }
        #expect(try await allRuns(t.db).count == 4)
        // A run that ends frees its slot.
        await s.tick()
        await s.waitForIdle()
        _ = try await service.trigger("health", tenants: ["a"], access: .platform)
        // A cancelled queued run frees its slot too.
        let queued = try await allRuns(t.db).filter { $0.status == .queued && $0.tenant_id == "a" }
        #expect(queued.count == 3)
        await #expect(throws: SchedulerError.self) { try await service.trigger("health", tenants: ["a"], access: .platform) }
        try await service.cancel(queued[0]._id, access: .platform)
        _ = try await service.trigger("health", tenants: ["a"], access: .platform)
        // Only live triggered runs hold slots: a's three queued ones (ended and cancelled runs gave theirs back).
        let holding = try await allRuns(t.db).filter { $0.queue_slot != nil }
        #expect(holding.count == 3 && holding.allSatisfy { $0.status == .queued && $0.tenant_id == "a" })
        try await t.finish()
    }

    @Test func triggersRacingForTheLastSlotGetOneEach() async throws {
        let t = try TestDatabase("max_queued_race")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a"]) { $0.maxQueued = 2 }
        let catalog = JobCatalog(jobs: [job])
        // Four API replicas (their own services) trigger at once, eight times each.
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                let service = JobService(catalog: catalog, db: t.db, clock: clock)
                for _ in 0..<8 {
                    group.addTask {
                        do { _ = try await service.trigger("health", access: .platform); return true } catch SchedulerError.tooManyRuns { return false }
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 2)
        let runs = try await allRuns(t.db)
        #expect(runs.count == 2 && Set(runs.compactMap(\.queue_slot)) == ["health|a|0", "health|a|1"])
        try await t.finish()
    }

    @Test func parameterLimitsPerRoleAtTriggerAndBackfill() async throws {
        let t = try TestDatabase("limits")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let refresh = JobDefinition(name: "nightly", kind: .refresh, schedule: try CronSchedule("0 2 * * *", timeZone: "UTC"),
                                    tenants: .only(["a"]), params: ["source": "/nonexistent"], maxQueued: 100)
        let service = JobService(catalog: JobCatalog(jobs: [refresh]), db: t.db, clock: clock)
        let tooBig = ["factors": "1024", "iterations": "1000", "top_k": "1000"]
        await #expect(throws: SchedulerError.invalidParameter("factors", "factors=1024 exceeds the data_scientist limit 128")) {
            try await service.trigger("nightly", params: tooBig, access: .tenant("a"))
        }
        await #expect(throws: SchedulerError.invalidParameter("iterations", "iterations=51 exceeds the data_scientist limit 50")) {
            try await service.trigger("nightly", params: ["iterations": "51"], access: .tenant("a"))
        }
        await #expect(throws: SchedulerError.invalidParameter("top_k", "top_k=101 exceeds the data_scientist limit 100")) {
            try await service.backfill("nightly", from: "2026-04-01", to: "2026-04-02", params: ["top_k": "101"], access: .tenant("a"))
        }
        #expect(try await allRuns(t.db).isEmpty)
        // At the limits: accepted. A platform administrator keeps the kind's full ranges (and no further).
        _ = try await service.trigger("nightly", params: ["factors": "128", "iterations": "50", "top_k": "100"], access: .tenant("a"))
        _ = try await service.trigger("nightly", params: tooBig, access: .platform)
        _ = try await service.backfill("nightly", from: "2026-04-01", to: "2026-04-02", params: tooBig, access: .platform)
        await #expect(throws: SchedulerError.self) { try await service.trigger("nightly", params: ["factors": "1025"], access: .platform) }
        #expect(try await allRuns(t.db).count == 4)
        try await t.finish()
    }
}

/// `lodestar jobs trigger` past `max_queued`: the API's words and a non-zero exit (75, "try again later").
@Suite struct TriggerCommandLimitTests {
    @Test func theFourthTriggerIsRefusedWithTooManyRuns() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-maxq-\(UUID().uuidString)")
        let jobsDir = root.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobsDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try """
            name: quick
            kind: noop
            schedule: "0 0 1 1 *"
            tenants: [t1]
            """.write(to: jobsDir.appendingPathComponent("quick.yaml"), atomically: true, encoding: .utf8)
        let t = try TestDatabase("cli_maxq")
        let env = ["MONGODB_URI": try TestEnvironment.mongoURI(), "LODESTAR_DB": t.db.name]
        for _ in 0..<3 {
            let (status, out) = try ReplicaProcessTests.cli(["jobs", "trigger", "quick", "--jobs-dir", jobsDir.path], env: env)
            #expect(status == 0, "\(out)")
        }
        let (status, out) = try ReplicaProcessTests.cli(["jobs", "trigger", "quick", "--jobs-dir", jobsDir.path], env: env)
        #expect(status == 75, "\(out)")
        #expect(out.contains("too_many_runs") && out.contains("max_queued: 3") && out.contains("Retry-After"), "\(out)")
        #expect(try await allRuns(t.db).count == 3)
        let (showStatus, shown) = try ReplicaProcessTests.cli(["jobs", "show", "quick", "--jobs-dir", jobsDir.path], env: env)
        #expect(showStatus == 0 && shown.contains("max queued 3 per tenant") && shown.contains("data_scientist limits: none"), "\(shown)")
        try await t.finish()
    }
}
