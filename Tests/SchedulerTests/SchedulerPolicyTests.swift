import Foundation
import LodestarTestSupport
import MongoStore
import Pipeline
import Testing
@testable import Scheduler

/// Every policy on a manual clock against SecantusDB: time moves only when a test says so, so hours of
/// scheduling take milliseconds of clock and a few database round trips.
@Suite struct SchedulerPolicyTests {
    @Test func firingMakesOneRunPerTenantOnceAcrossReplicas() async throws {
        let t = try TestDatabase("fire")
        let clock = ManualClock(utc("2026-05-04T10:02"))
        let job = try noopJob(schedule: "*/5 * * * *")
        let exec = ScriptedExecutor { _ in .succeed }
        let a = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:1:a")
        let b = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:2:b")
        try await a.prepare()
        await a.tick()  // registers the job: next due 10:05
        #expect(try await allRuns(t.db).isEmpty)
        clock.advance(by: 160)  // 10:04:40: within the 30 s lookahead, the runs are made, not yet claimable
        await a.tick()
        await b.tick()
        let early = try await allRuns(t.db)
        #expect(early.count == 2 && early.allSatisfy { $0.status == .queued && $0.not_before == utc("2026-05-04T10:05") })
        #expect(exec.executed.isEmpty)
        clock.advance(by: 20)
        await a.tick()
        await b.tick()
        await a.waitForIdle()
        await b.waitForIdle()
        let runs = try await allRuns(t.db)
        #expect(runs.map(\._id) == ["health~a~20260504T1005Z", "health~b~20260504T1005Z"])
        #expect(runs.allSatisfy { $0.status == .succeeded && $0.completions == 1 && $0.attempt == 1 && $0.metrics?.rows_read == 7 })
        #expect(runs.allSatisfy { $0.live_key == nil && $0.attempts.count == 1 })
        #expect(exec.executed.count == 2)
        let state = try await t.db.system(.jobs, as: JobStateDocument.self).findOne(["_id": "health"])
        #expect(state?.next_due_at == utc("2026-05-04T10:10"))
        try await t.finish()
    }

    @Test func oneLiveRunPerJobAndTenant() async throws {
        let t = try TestDatabase("live")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a"])
        let exec = ScriptedExecutor { _ in .block }
        let a = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:1:a")
        let b = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:2:b")
        try await a.prepare()
        let service = JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock)
        let first = try await service.trigger("health", access: .platform)
        let second = try await service.trigger("health", access: .platform)
        await a.tick()
        await b.tick()
        #expect(try await eventually { exec.blockedRuns.count == 1 })
        var runs = try await allRuns(t.db)
        #expect(runs.filter { $0.status == .running }.count == 1)
        #expect(runs.filter { $0.status == .queued }.count == 1)
        // A direct second claim is refused by the unique index, whatever the caller.
        let queued = try #require(runs.first { $0.status == .queued })
        let refused = try await RunStore(db: t.db).claim(queued, owner: "x", now: clock.now(), lease: .seconds(30), slots: .init())
        guard case .conflict(field: "live_key") = refused else { Issue.record("expected a live_key conflict, got \(refused)"); return }
        exec.release(exec.blockedRuns[0])
        await a.waitForIdle()
        await b.waitForIdle()
        await a.tick()
        await b.tick()
        #expect(try await eventually { exec.blockedRuns.count == 1 })
        exec.release(exec.blockedRuns[0])
        await a.waitForIdle()
        await b.waitForIdle()
        runs = try await allRuns(t.db)
        #expect(Set(runs.map(\._id)) == Set([first[0].id, second[0].id]))
        #expect(runs.allSatisfy { $0.status == .succeeded })
        let (r1, r2) = (runs[0], runs[1])
        #expect(r1.ended_at! <= r2.started_at! || r2.ended_at! <= r1.started_at!)
        try await t.finish()
    }

    @Test func failingRunRetriesWithBackoffThenFailsKeepingTheError() async throws {
        let t = try TestDatabase("retry")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a"]) { $0.retries = RetryPolicy(maxRetries: 2, backoff: .exponential, initial: .seconds(60)) }
        let exec = ScriptedExecutor { _ in .fail("source unreachable") }
        let s = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:1:a")
        try await s.prepare()
        let run = try await JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock).trigger("health", access: .platform)[0]
        await s.tick()
        await s.waitForIdle()
        var doc = try #require(try await allRuns(t.db).first)
        #expect(doc.status == .queued && doc.error == "source unreachable" && doc.attempt == 1)
        #expect(doc.not_before == utc("2026-05-04T10:00").addingTimeInterval(45))  // 60 s with jitter draw 0.5 → 45 s
        await s.tick()  // too early: nothing
        #expect(exec.executed.count == 1)
        clock.advance(by: 45)
        await s.tick()
        await s.waitForIdle()
        doc = try #require(try await allRuns(t.db).first)
        #expect(doc.status == .queued && doc.attempt == 2 && doc.not_before == clock.now().addingTimeInterval(90))
        clock.advance(by: 90)
        await s.tick()
        await s.waitForIdle()
        doc = try #require(try await allRuns(t.db).first)
        #expect(doc._id == run.id && doc.status == .failed && doc.attempt == 3 && doc.error == "source unreachable")
        #expect(doc.attempts.map(\.outcome) == ["failed", "failed", "failed"] && doc.ended_at != nil)
        clock.advance(by: 3600)
        await s.tick()
        #expect(exec.executed.count == 3)
        try await t.finish()
    }

    @Test func timeoutCancelsTheRun() async throws {
        let t = try TestDatabase("timeout")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a"]) { $0.timeout = .seconds(600) }
        let exec = ScriptedExecutor { _ in .block }
        let s = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:1:a") { $0.leaseDuration = .seconds(3600) }
        try await s.prepare()
        _ = try await JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock).trigger("health", access: .platform)
        await s.tick()
        #expect(try await eventually { exec.blockedRuns.count == 1 && clock.sleeperCount >= 2 })
        clock.advance(by: 601)
        await s.waitForIdle()
        let doc = try #require(try await allRuns(t.db).first)
        #expect(doc.status == .failed && doc.error == "timed out after 10m (the run was cancelled)")
        #expect(exec.cancelledRuns.count == 1 && doc.attempts.last?.outcome == "timed out")
        try await t.finish()
    }

    @Test func cancelQueuedAtOnceAndRunningAtTheNextHeartbeat() async throws {
        let t = try TestDatabase("cancel")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a", "b"])
        let exec = ScriptedExecutor { _ in .block }
        let s = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:1:a", slots: 1)
        try await s.prepare()
        let service = JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock)
        let runs = try await service.trigger("health", access: .platform)
        await s.tick()
        #expect(try await eventually { exec.blockedRuns.count == 1 && clock.sleeperCount >= 1 })
        let runningID = exec.blockedRuns[0]
        let queuedID = runs.map(\.id).first { $0 != runningID }!
        let q = try await service.cancel(queuedID, access: .platform)
        #expect(q.status == .cancelled)
        let r = try await service.cancel(runningID, access: .platform)
        #expect(r.status == .running && r.cancelRequested)
        clock.advance(by: 10)  // a heartbeat (lease 30 s → every 10 s)
        await s.waitForIdle()
        let doc = try await service.run(runningID, access: .platform)
        #expect(doc.status == .cancelled && doc.error == "cancelled by request" && exec.cancelledRuns == [runningID])
        await #expect(throws: SchedulerError.self) { try await service.cancel(runningID, access: .platform) }
        try await t.finish()
    }

    @Test func lostLeaseStopsTheRunAndAnotherReplicaFinishesItOnce() async throws {
        let t = try TestDatabase("takeover")
        let start = utc("2026-05-04T10:00")
        let clockA = ManualClock(start), clockB = ManualClock(start)
        let job = try noopJob(tenants: ["a"])
        let execA = ScriptedExecutor { _ in .block }
        let execB = ScriptedExecutor { _ in .succeed }
        let a = replica(t.db, jobs: [job], executor: execA, clock: clockA, owner: "host:1:a")
        let b = replica(t.db, jobs: [job], executor: execB, clock: clockB, owner: "host:2:b")
        try await a.prepare()
        let id = try await JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clockA).trigger("health", access: .platform)[0].id
        await a.tick()
        #expect(try await eventually { execA.blockedRuns == [id] })
        // A hangs (its clock stands still, so it sends no heartbeat); B's clock passes the lease.
        clockB.advance(by: 31)
        await b.tick()
        await b.waitForIdle()
        var doc = try #require(try await allRuns(t.db).first)
        #expect(doc.status == .succeeded && doc.owner == "host:2:b" && doc.attempt == 2 && doc.completions == 1)
        #expect(doc.attempts.map(\.outcome) == ["lease lost", "succeeded"] && doc.attempts[0].owner == "host:1:a")
        // A's publication could not commit: the activation check refuses its lease.
        await #expect(throws: LeaseError.self) {
            try await t.db.withTransaction { tx in try await RunStore.confirm(runID: id, owner: "host:1:a", now: clockA.now(), in: tx) }
        }
        // A wakes: its heartbeat finds the run gone, its body is cancelled, nothing is written.
        clockA.advance(by: 10)
        await a.waitForIdle()
        #expect(execA.cancelledRuns == [id])
        doc = try #require(try await allRuns(t.db).first)
        #expect(doc.status == .succeeded && doc.owner == "host:2:b" && doc.completions == 1 && doc.attempts.count == 2)
        try await t.finish()
    }

    @Test func anExecutorsLostLeaseIsNeverRecordedAsAFailure() async throws {
        let t = try TestDatabase("refused")
        let start = utc("2026-05-04T10:00")
        let clockA = ManualClock(start), clockB = ManualClock(start)
        let job = try noopJob(tenants: ["a"]) { $0.retries = RetryPolicy(maxRetries: 0) }
        // A's activation guard found its lease gone (typed `RunLeaseLost`, as `PipelineRunExecutor` throws it).
        let a = replica(t.db, jobs: [job], executor: ScriptedExecutor { _ in .leaseLost }, clock: clockA, owner: "host:1:a")
        let b = replica(t.db, jobs: [job], executor: ScriptedExecutor { _ in .succeed }, clock: clockB, owner: "host:2:b")
        try await a.prepare()
        _ = try await JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clockA).trigger("health", access: .platform)
        await a.tick()
        await a.waitForIdle()
        var doc = try #require(try await allRuns(t.db).first)
        // No retries allowed, yet the run is not failed: A dropped its result and wrote no ending.
        #expect(doc.status == .running && doc.attempts.isEmpty && doc.error == nil, "\(doc.status) \(doc.attempts.map(\.outcome))")
        clockB.advance(by: 31)
        await b.tick()
        await b.waitForIdle()
        doc = try #require(try await allRuns(t.db).first)
        #expect(doc.status == .succeeded && doc.owner == "host:2:b" && doc.attempts.map(\.outcome) == ["lease lost", "succeeded"])
        try await t.finish()
    }

    @Test func missedFiringsSkipOrRunOnce() async throws {
        let t = try TestDatabase("missed")
        let clock = ManualClock(utc("2026-05-04T09:30"))
        let skip = try noopJob("skipper", schedule: "0 * * * *", tenants: ["a"]) { $0.missedRuns = .skip }
        let once = try noopJob("catcher", schedule: "0 * * * *", tenants: ["a"]) { $0.missedRuns = .runOnce }
        let exec = ScriptedExecutor { _ in .succeed }
        let s = replica(t.db, jobs: [skip, once], executor: exec, clock: clock, owner: "host:1:a")
        try await s.prepare()
        await s.tick()  // both due at 10:00
        clock.advance(by: 5 * 3600 + 120)  // down until 14:32: firings 10:00 … 14:00 missed
        await s.tick()
        await s.waitForIdle()
        let runs = try await allRuns(t.db)
        #expect(runs.map(\._id) == ["catcher~a~20260504T1400Z"])
        let states = try await t.db.system(.jobs, as: JobStateDocument.self).find([:], sort: ["_id": 1]).collect()
        #expect(states.map(\.missed_firings) == [5, 5])
        #expect(states.allSatisfy { $0.next_due_at == utc("2026-05-04T15:00") })
        // On time again: both run.
        clock.advance(by: 28 * 60 + 30)
        await s.tick()
        await s.waitForIdle()
        #expect(try await allRuns(t.db).count == 3)
        try await t.finish()
    }

    @Test func triggerWithParamsWithinTheCallersTenant() async throws {
        let t = try TestDatabase("trigger")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a", "b"]) { $0.params = ["sleep_seconds": "1"] }
        let service = JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock)
        try await RunStore(db: t.db).ensureIndexes()
        let mine = try await service.trigger("health", params: ["sleep_seconds": "0.5"], access: .tenant("a"), requestedBy: "ds@a")
        #expect(mine.map(\.tenant) == ["a"] && mine[0].params == ["sleep_seconds": "0.5"] && mine[0].requestedBy == "ds@a")
        await #expect(throws: SchedulerError.forbiddenTenant("b")) { try await service.trigger("health", tenants: ["b"], access: .tenant("a")) }
        await #expect(throws: SchedulerError.self) { try await service.trigger("health", params: ["factors": "8"], access: .platform) }
        await #expect(throws: SchedulerError.self) { try await service.trigger("health", params: ["sleep_seconds": "-1"], access: .platform) }
        await #expect(throws: SchedulerError.unknownJob("nope")) { try await service.trigger("nope", access: .platform) }
        let theirs = try await service.trigger("health", tenants: ["b"], access: .platform)
        #expect(try await service.runs(RunQuery(), access: .tenant("a")).map(\.id) == [mine[0].id])
        #expect(try await service.runs(RunQuery(tenant: "b"), access: .tenant("a")).isEmpty)
        #expect(try await service.runs(RunQuery(), access: .platform).count == 2)
        await #expect(throws: SchedulerError.runNotFound(theirs[0].id)) { try await service.run(theirs[0].id, access: .tenant("a")) }
        await #expect(throws: SchedulerError.runNotFound(theirs[0].id)) { try await service.cancel(theirs[0].id, access: .tenant("a")) }
        let jobs = try await service.listJobs(access: .tenant("a"))
        #expect(jobs.count == 1 && jobs[0].lastRuns.map(\.tenant) == ["a"])
        try await t.finish()
    }

    @Test func backfillRunsInDateOrderWithBoundedConcurrency() async throws {
        let t = try TestDatabase("backfill")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a", "b"], timeZone: "Europe/Rome")
        let exec = ScriptedExecutor { _ in .block }
        let s = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:1:a", slots: 8)
        try await s.prepare()
        let service = JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock)
        let b = try await service.backfill("health", from: "2026-03-28", to: "2026-03-30", concurrency: 2, access: .platform)
        #expect(b.days == ["2026-03-28", "2026-03-29", "2026-03-30"] && b.runs.count == 6)
        // Each run's cutoff is its day's midnight in the job's zone (CET, then CEST from the 29th at 02:00).
        #expect(b.runs.filter { $0.tenant == "a" }.map { $0.params["cutoff"]! }
            == ["2026-03-27T23:00:00Z", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"])
        var order: [String] = []
        for _ in 0..<3 {
            await s.tick()
            #expect(try await eventually { exec.blockedRuns.count == 2 })
            let live = exec.blockedRuns
            // Two at a time (the backfill's limit), one per tenant, the same day for both.
            #expect(Set(live.map { $0.split(separator: "~")[1] }) == ["a", "b"])
            order += live
            for id in live { exec.release(id) }
            await s.waitForIdle()
        }
        #expect(order.map { $0.split(separator: "~")[2].prefix(9) } == ["b20260328", "b20260328", "b20260329", "b20260329", "b20260330", "b20260330"])
        await #expect(throws: SchedulerError.self) { try await service.backfill("health", from: "2026-03-30", to: "2026-03-28", access: .platform) }
        try await t.finish()
    }

    @Test func prioritiesAndPerJobConcurrency() async throws {
        let t = try TestDatabase("limits")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let low = try noopJob("low", tenants: ["a", "b", "c"]) { $0.priority = 0; $0.concurrency = 1 }
        let high = try noopJob("high", tenants: ["a"]) { $0.priority = 5 }
        let exec = ScriptedExecutor { _ in .block }
        let s = replica(t.db, jobs: [low, high], executor: exec, clock: clock, owner: "host:1:a", slots: 1)
        let other = replica(t.db, jobs: [low, high], executor: exec, clock: clock, owner: "host:2:b", slots: 8)
        try await s.prepare()
        let service = JobService(catalog: JobCatalog(jobs: [low, high]), db: t.db, clock: clock)
        _ = try await service.trigger("low", access: .platform)
        clock.advance(by: 1)
        _ = try await service.trigger("high", access: .platform)
        await s.tick()  // one slot: the high-priority run, though it is newer
        #expect(try await eventually { exec.blockedRuns.count == 1 })
        #expect(exec.blockedRuns[0].hasPrefix("high~"))
        await other.tick()  // eight slots, but `low` allows one live run over all tenants and replicas
        #expect(try await eventually { exec.blockedRuns.count == 2 })
        try await Task.sleep(for: .milliseconds(200))
        #expect(exec.blockedRuns.filter { $0.hasPrefix("low~") }.count == 1)
        for id in exec.blockedRuns { exec.release(id) }
        await s.waitForIdle()
        await other.waitForIdle()
        try await t.finish()
    }

    @Test func retentionKeepsTheNewestRuns() async throws {
        let t = try TestDatabase("retention")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a"]) { $0.history = RetentionPolicy(keep: 2, maxAge: .seconds(86_400)) }
        let exec = ScriptedExecutor { _ in .succeed }
        let s = replica(t.db, jobs: [job], executor: exec, clock: clock, owner: "host:1:a")
        try await s.prepare()
        let service = JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock)
        for _ in 0..<4 {
            _ = try await service.trigger("health", access: .platform)
            await s.tick()
            await s.waitForIdle()
            clock.advance(by: 60)
        }
        #expect(try await allRuns(t.db).count == 4)
        #expect(try await s.applyRetention(now: clock.now()) == 2)
        let kept = try await service.runs(RunQuery(), access: .platform)
        #expect(kept.count == 2 && kept.allSatisfy { $0.status == .succeeded })
        clock.advance(by: 2 * 86_400)
        #expect(try await s.applyRetention(now: clock.now()) == 2)
        try await t.finish()
    }
}
