import Foundation
import MongoStore
import Pipeline
import Testing
@testable import Scheduler

/// Run ids cannot collide (their separator `~` is in no job name and no identifier), ids made before stay readable,
/// and a data scientist's view of a run shows no host or process id and only its tenant's row counts.
@Suite struct RunIdentityTests {
    /// Characters RFC 3986 leaves unreserved: an id made of them is the same text in a URL path.
    static func isURLSafe(_ id: String) -> Bool {
        id.utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F || b == 0x2D || b == 0x7E
                || b == 0x3A || b == 0x40  // `:` and `@` (identifiers may hold them) are allowed unescaped in a path segment
        }
    }

    @Test("ids of different (job, tenant) pairs never meet: each id splits back into its job and tenant")
    func idsSplitBackInOneWay() {
        let at = utc("2026-05-04T10:05")
        // The pairs that met in one id with `.` as the separator.
        let oldA: String = ["a.b", "c"].joined(separator: "."), oldB: String = ["a", "b.c"].joined(separator: ".")
        #expect(oldA == oldB)
        var rng = IDNameRandom(seed: 19)
        let jobChars = Array("ab.-_"), tenantChars = Array("ab.-_:@")
        func name(_ chars: [Character], _ first: [Character]) -> String {
            String(first[rng.below(first.count)]) + String((0..<rng.below(4)).map { _ in chars[rng.below(chars.count)] })
        }
        var seen: [String: String] = [:]
        for _ in 0..<3000 {
            let job = name(jobChars, Array("ab")), tenant = name(tenantChars, Array("ab:@-"))
            for id in [RunFactory.scheduledID(job: job, tenant: tenant, firing: at),
                       RunFactory.manualID(job: job, tenant: tenant, now: at),
                       RunFactory.backfillID(job: job, tenant: tenant, day: "2026-04-01", batch: "3fa9c0e2")] {
                let parts = RunFactory.parts(of: id)
                #expect(parts?.job == job && parts?.tenant == tenant, "\(id)")
                #expect(Self.isURLSafe(id), "\(id)")
            }
            let scheduled = RunFactory.scheduledID(job: job, tenant: tenant, firing: at)
            if let other = seen[scheduled] { #expect(other == "\(job)|\(tenant)", "\(scheduled) made twice") }
            seen[scheduled] = "\(job)|\(tenant)"
        }
        #expect(RunFactory.scheduledID(job: "a.b", tenant: "c", firing: at) != RunFactory.scheduledID(job: "a", tenant: "b.c", firing: at))
        #expect(RunFactory.scheduledID(job: "nightly-refresh", tenant: "tenant-000", firing: at) == "nightly-refresh~tenant-000~20260504T1005Z")
        // The longest names (job 64, tenant 128) stay within the API's 256-character run id.
        let long = RunFactory.manualID(job: String(repeating: "j", count: 64), tenant: String(repeating: "t", count: 128), now: at)
        #expect(long.utf8.count <= 256, "\(long.utf8.count)")
        // Two manual triggers of one second differ (64 random bits).
        let burst = Set((0..<2000).map { _ in RunFactory.manualID(job: "j", tenant: "t", now: at) })
        #expect(burst.count == 2000)
        // An id of the old format does not split (it is only ever looked up whole).
        #expect(RunFactory.parts(of: "health.a.20260504T1005Z") == nil)
    }

    @Test("two jobs whose names met in one id under the old format both fire, each for its own tenant")
    func dottedNamesFireSeparately() async throws {
        let t = try TestDatabase("runids")
        let clock = ManualClock(utc("2026-05-04T10:02"))
        let first = try noopJob("a.b", schedule: "*/5 * * * *", tenants: ["c"])
        let second = try noopJob("a", schedule: "*/5 * * * *", tenants: ["b.c"])
        let exec = ScriptedExecutor { _ in .succeed }
        let s = replica(t.db, jobs: [first, second], executor: exec, clock: clock, owner: "host:1:a")
        try await s.prepare()
        await s.tick()  // registers both: next due 10:05
        clock.advance(by: 180)
        await s.tick()
        await s.waitForIdle()
        let runs = try await allRuns(t.db)
        #expect(runs.map(\._id) == ["a.b~c~20260504T1005Z", "a~b.c~20260504T1005Z"])
        #expect(runs.map { "\($0.job) \($0.tenant_id) \($0.status.rawValue)" } == ["a.b c succeeded", "a b.c succeeded"])
        try await t.finish()
    }

    @Test("a run stored under an id of the old format is still read, listed and cancelled")
    func oldIDsStayReadable() async throws {
        let t = try TestDatabase("oldids")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a"])
        let old = "health.a.m20260504T095500Z-3fa9"
        let doc = RunFactory.make(job: job, tenant: "a", trigger: .manual, dueAt: clock.now(), now: clock.now(), params: [:], id: old)
        #expect(try await RunStore(db: t.db).enqueue([doc]) == 1)
        let service = JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock)
        #expect(try await service.run(old, access: .tenant("a")).status == .queued)
        #expect(try await service.runs(RunQuery(job: "health"), access: .tenant("a")).map(\.id) == [old])
        await #expect(throws: SchedulerError.self) { try await service.run(old, access: .tenant("b")) }
        #expect(try await service.cancel(old, access: .tenant("a")).status == .cancelled)
        try await t.finish()
    }

    /// Returns export-wide and tenant counts, as the pipeline executor does.
    struct CountingExecutor: RunExecutor {
        func execute(_ run: RunDocument, context: RunContext) async throws -> RunMetrics {
            var m = RunMetrics()
            m.rows_read = 100_017
            m.rows_valid = 100_011
            m.quarantined = 6
            m.tenant_rows = 40_013
            m.learners = 321
            m.courses = 12
            m.notes = ["risk: heuristic"]
            return m
        }
    }

    @Test("a data scientist's views of a run show no host or pid and only its tenant's row counts; the platform's show all")
    func tenantViewsHidePlatformDetails() async throws {
        let t = try TestDatabase("runviews")
        let clock = ManualClock(utc("2026-05-04T10:00"))
        let job = try noopJob(tenants: ["a"])
        let owner = "node-7.cluster.internal:48213:3fa9c0e2"
        let s = replica(t.db, jobs: [job], executor: CountingExecutor(), clock: clock, owner: owner)
        try await s.prepare()
        let service = JobService(catalog: JobCatalog(jobs: [job]), db: t.db, clock: clock)
        let queued = try await service.trigger("health", access: .tenant("a"))
        #expect(queued.count == 1 && queued[0].owner == nil)
        let id = queued[0].id
        await s.tick()
        await s.waitForIdle()

        let views: [RunView] = [
            try await service.run(id, access: .tenant("a")),
            try #require(try await service.runs(RunQuery(), access: .tenant("a")).first),
            try #require(try await service.job("health", access: .tenant("a")).lastRuns.first),
            try #require(try await service.listJobs(access: .tenant("a")).first?.lastRuns.first),
        ]
        for v in views {
            #expect(v.id == id && v.status == .succeeded)
            #expect(v.owner == "replica-3fa9c0e2")
            #expect(!v.attempts.isEmpty && v.attempts.allSatisfy { $0.owner == "replica-3fa9c0e2" })
            #expect(v.metrics?.rows_read == nil && v.metrics?.rows_valid == nil && v.metrics?.quarantined == nil)
            #expect(v.metrics?.tenant_rows == 40_013 && v.metrics?.learners == 321 && v.metrics?.notes == ["risk: heuristic"])
            let json = String(decoding: try JSONEncoder().encode(v), as: UTF8.self)
            for secret in ["node-7", "cluster.internal", "48213", "100017", "100011"] {
                #expect(!json.contains(secret), "\(secret) in \(json)")
            }
        }

        let platform = try await service.run(id, access: .platform)
        #expect(platform.owner == owner && platform.attempts.first?.owner == owner)
        #expect(platform.metrics?.rows_read == 100_017 && platform.metrics?.quarantined == 6 && platform.metrics?.tenant_rows == 40_013)
        try await t.finish()
    }

    @Test func replicaTagKeepsOnlyTheRandomPart() {
        #expect(RunView.replicaTag("host:1:abc") == "replica-abc")
        #expect(RunView.replicaTag("fe80::1:4242:9f3e") == "replica-9f3e")
        #expect(RunView.replicaTag("host-without-pid") == "hidden")
        #expect(RunView.replicaTag("host:1:") == "hidden")
    }

    @Test func progressLosesTheExportWideRowCount() {
        #expect(RunView.withoutRowCount("read 1200000 rows") == "read")
        #expect(RunView.withoutRowCount(RunProgress(phase: "read", rows: 1_200_000).text) == "read")
        #expect(RunView.withoutRowCount(RunProgress(phase: "features", detail: "acme").text) == "features acme")
        #expect(RunView.withoutRowCount("recommender tenant-000") == "recommender tenant-000")
        #expect(RunView.withoutRowCount("scan newest event per tenant in gs://b/events-*.avro") == "scan newest event per tenant in gs://b/events-*.avro")
        #expect(RunView.withoutRowCount("read many rows") == "read many rows")
    }
}

/// A small seeded generator (SplitMix64).
private struct IDNameRandom {
    var s: UInt64
    init(seed: UInt64) { s = seed }
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
