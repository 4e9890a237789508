import Foundation
import Hummingbird
import HummingbirdTesting
@testable import InferenceAPI
import Logging
import MongoStore
import Scheduler
import Testing

/// Fair tenants over HTTP: 300 triggers of one tenant queue `max_queued` runs and are refused with 429 and
/// `Retry-After` past it (and past the tenant's trigger rate); another tenant's run queued after them is claimed
/// before the first tenant's second run; a data scientist's parameters stay within the job's `limits` while a
/// platform administrator keeps the kind's full ranges.
@Suite struct JobFairnessRouteTests {
    static let a = APIFixture.tenantA.rawValue
    static let b = APIFixture.tenantB.rawValue

    /// Succeeds at once and records the order of the runs it was given.
    final class RecordingExecutor: RunExecutor, @unchecked Sendable {
        // `@unchecked`: `log` is guarded by `lock`.
        private let lock = NSLock()
        private var log: [String] = []
        var executed: [String] { lock.withLock { log } }

        func execute(_ run: RunDocument, context: RunContext) async throws -> RunMetrics {
            lock.withLock { log.append(run._id) }
            return RunMetrics()
        }
    }

    @Test func threeHundredTriggersQueueMaxQueuedAndAnotherTenantIsServedNext() async throws {
        let f = try await APIFixture.shared()
        let service = try f.jobService()
        let (api, _) = try await f.api(warm: false, jobs: service)
        let scientistA = try await Tokens.make(tenant: Self.a, roles: ["data_scientist"])
        let scientistB = try await Tokens.make(tenant: Self.b, roles: ["data_scientist"])
        let job = try #require(service.catalog.job(named: "nightly-refresh"))
        #expect(job.maxQueued == 3)
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            var accepted: [String] = []
            var codes: [String: Int] = [:]
            var firstRefusal: APIResponse? = nil
            for _ in 0..<300 {
                let r = try await client.post("/v1/jobs/nightly-refresh/runs", token: scientistA, body: "{}")
                if r.status == 202 {
                    accepted += (r["runs"]?.array ?? []).compactMap { $0["id"]?.string }
                    continue
                }
                #expect(r.status == 429, "\(r.status) \(r.text)")
                let wait = r.headers[.retryAfter].flatMap { Int($0) }
                #expect((wait ?? 0) >= 1, "Retry-After \(r.headers[.retryAfter] ?? "missing")")
                codes[r.errorCode ?? "?", default: 0] += 1
                if firstRefusal == nil { firstRefusal = r }
            }
            #expect(accepted.count == 3)
            #expect(codes.values.reduce(0, +) == 297)
            // Past max_queued: too_many_runs; past the tenant's 10 triggers at once: rate_limited.
            // (Tokens come back at 10 a minute, so a slow machine may see one more too_many_runs.)
            #expect((codes["too_many_runs"] ?? 0) >= 7 && (codes["rate_limited"] ?? 0) >= 280, "\(codes)")
            #expect(codes.keys.allSatisfy { $0 == "too_many_runs" || $0 == "rate_limited" }, "\(codes)")
            #expect(firstRefusal?.errorCode == "too_many_runs")
            #expect(firstRefusal?["error"]?["message"]?.string?.contains("max_queued: 3") == true, "\(firstRefusal?.text ?? "")")
            #expect(firstRefusal?.headers[.retryAfter] == "60")  // no finished run yet to estimate from
            let queued = try await service.runs(RunQuery(job: "nightly-refresh", limit: 1000), access: .platform)
            #expect(queued.count == 3 && queued.allSatisfy { $0.tenant == Self.a && $0.status == .queued })

            // Another tenant has its own slots and its own bucket.
            let other = try await client.post("/v1/jobs/nightly-refresh/runs", token: scientistB, body: "{}")
            #expect(other.status == 202, "\(other.text)")
            let otherID = try #require(other["runs"]?.array.first?["id"]?.string)
            client.expectConformance()

            // One slot, two claims: a's first run and b's (both of the first round; a replica starts at a random place
            // within a round), before a's second. First in, first out would have run a's first two.
            var settings = SchedulerConfiguration(owner: "test-host:1:fair", leaseDuration: .seconds(30), pollInterval: .milliseconds(200),
                                                  maxConcurrentRuns: 1)
            settings.retentionInterval = .seconds(86_400)
            var logger = Logger(label: "scheduler-test")
            logger.logLevel = .warning
            let exec = RecordingExecutor()
            let scheduler = Scheduler(jobs: [job], db: service.db, executor: exec, tenants: DefaultTenantDirectory(db: service.db),
                                      configuration: settings, logger: logger)
            try await scheduler.prepare()
            for _ in 0..<2 {
                #expect(await scheduler.tick() == 1)
                await scheduler.waitForIdle()
            }
            #expect(exec.executed.count == 2 && Set(exec.executed) == [accepted[0], otherID], "\(exec.executed)")
            // The ended run gave its slot back: a may trigger once more (a platform administrator: no rate limit).
            let admin = try await Tokens.make(tenant: nil, roles: ["platform_admin"])
            let again = try await client.post("/v1/jobs/nightly-refresh/runs", token: admin, body: #"{"tenants": ["\#(Self.a)"]}"#)
            #expect(again.status == 202, "\(again.text)")
            let full = try await client.post("/v1/jobs/nightly-refresh/runs", token: admin, body: #"{"tenants": ["\#(Self.a)"]}"#)
            #expect(full.status == 429 && full.errorCode == "too_many_runs" && full.headers[.retryAfter] != nil, "\(full.text)")
            client.expectConformance()
        }
    }

    @Test func triggerRateIsATokenBucketPerTenant() {
        let limiter = TriggerRateLimiter()
        let start = ContinuousClock.now
        for _ in 0..<10 { #expect(limiter.take("t1", now: start) == nil) }
        #expect(limiter.take("t1", now: start) == 6)  // one token a 6 s
        #expect(limiter.take("t2", now: start) == nil)  // buckets are per tenant
        #expect(limiter.take("t1", now: start + .seconds(3)) == 3)
        #expect(limiter.take("t1", now: start + .seconds(6)) == nil)
        #expect(limiter.take("t1", now: start + .seconds(6)) == 6)
        // A quiet minute refills the bucket to its burst, never beyond.
        let later = start + .seconds(600)
        for _ in 0..<10 { #expect(limiter.take("t1", now: later) == nil) }
        #expect(limiter.take("t1", now: later) != nil)
    }

    @Test func parameterLimitsPerRole() async throws {
        let f = try await APIFixture.shared()
        let service = try f.jobService()
        let (api, _) = try await f.api(warm: false, jobs: service)
        let scientist = try await Tokens.make(tenant: Self.a, roles: ["data_scientist"])
        let admin = try await Tokens.make(tenant: nil, roles: ["platform_admin"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let refused: [(String, String)] = [
                (#"{"params": {"factors": 1024, "iterations": 1000, "top_k": 1000}}"#, "factors=1024 exceeds the data_scientist limit 128"),
                (#"{"params": {"iterations": 1000}}"#, "iterations=1000 exceeds the data_scientist limit 50"),
                (#"{"params": {"top_k": 101}}"#, "top_k=101 exceeds the data_scientist limit 100"),
            ]
            for (body, words) in refused {
                let r = try await client.post("/v1/jobs/nightly-refresh/runs", token: scientist, body: body)
                #expect(r.status == 400 && r.errorCode == "invalid_parameter", "\(body): \(r.status) \(r.text)")
                #expect(r["error"]?["message"]?.string == "params.\(words.prefix { $0 != "=" }): \(words)", "\(r.text)")
            }
            let atLimits = try await client.post("/v1/jobs/nightly-refresh/runs", token: scientist,
                                                 body: #"{"params": {"factors": 128, "iterations": 50, "top_k": 100}}"#)
            #expect(atLimits.status == 202, "\(atLimits.text)")
            let full = try await client.post("/v1/jobs/nightly-refresh/runs", token: admin,
                                             body: #"{"tenants": ["\#(Self.a)"], "params": {"factors": 1024, "iterations": 1000, "top_k": 1000}}"#)
            #expect(full.status == 202, "\(full.text)")
            #expect(full["runs"]?.array.first?["params"]?["factors"]?.string == "1024")
            let beyond = try await client.post("/v1/jobs/nightly-refresh/runs", token: admin,
                                               body: #"{"tenants": ["\#(Self.a)"], "params": {"factors": 1025}}"#)
            #expect(beyond.status == 400 && beyond.errorCode == "invalid_parameter", "\(beyond.text)")
            client.expectConformance()
        }
        #expect(try await service.runs(RunQuery(limit: 100), access: .platform).count == 2)
    }
}
