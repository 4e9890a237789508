import Foundation
import Hummingbird
import HummingbirdTesting
@testable import InferenceAPI
import Logging
import MongoStore
import Pipeline
import Scheduler
import Testing

/// Jobs over HTTP against SecantusDB: trigger → run status → cancel with a real scheduler carrying the run out,
/// parameters checked against the job kind (400 naming the parameter), unknown and invisible jobs and runs (404),
/// body limits, and the 503 of a server without a job catalog.
@Suite struct JobRouteTests {
    static let a = APIFixture.tenantA.rawValue

    /// Polls `check` every 100 ms for up to `seconds`.
    func eventually(_ seconds: Double = 15, _ check: () async throws -> Bool) async throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await check()
    }

    @Test func triggerStatusCancelRoundTrip() async throws {
        let f = try await APIFixture.shared()
        let service = try f.jobService()
        let (api, _) = try await f.api(warm: false, jobs: service)
        var settings = SchedulerConfiguration(owner: "test-host:1:roundtrip", leaseDuration: .seconds(3), pollInterval: .milliseconds(200),
                                              maxConcurrentRuns: 2)
        settings.retentionInterval = .seconds(86_400)
        var logger = Logger(label: "scheduler-test")
        logger.logLevel = .warning
        let health = try #require(service.catalog.job(named: "health"))
        let scheduler = Scheduler(jobs: [health], db: service.db,
                                  executor: PipelineRunExecutor(db: service.db, baseOptions: RefreshOptions(source: ["-"], modelsDirectory: f.modelsDirectory)),
                                  tenants: DefaultTenantDirectory(db: service.db), configuration: settings, logger: logger)
        try await scheduler.prepare()
        let token = try await Tokens.make(tenant: Self.a, roles: ["data_scientist"], sub: "ds-1")
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            // Trigger: one queued run of the caller's tenant, with the parameter as text and who asked.
            let t = try await client.post("/v1/jobs/health/runs", token: token, body: #"{"params": {"sleep_seconds": 60}}"#)
            #expect(t.status == 202, "\(t.text)")
            #expect(t["job"]?.string == "health")
            let runs = t["runs"]?.array ?? []
            #expect(runs.count == 1)
            let id = try #require(runs.first?["id"]?.string)
            #expect(runs.first?["tenant_id"]?.string == Self.a)
            #expect(runs.first?["status"]?.string == "queued")
            #expect(runs.first?["trigger"]?.string == "manual")
            #expect(runs.first?["params"]?["sleep_seconds"]?.string == "60")
            #expect(runs.first?["requested_by"]?.string == "api:ds-1")

            let queued = try await client.get("/v1/runs/\(id)", token: token)
            #expect(queued.status == 200 && queued["status"]?.string == "queued" && queued["owner"] == nil, "\(queued.text)")

            // The scheduler claims it: running, with its owner, attempt 1 and a lease.
            #expect(await scheduler.tick() == 1)
            var running: APIResponse? = nil
            #expect(try await eventually {
                running = try await client.get("/v1/runs/\(id)", token: token)
                return running?["status"]?.string == "running"
            })
            // A data scientist sees the replica's tag, never its host or process id.
            #expect(running?["owner"]?.string == "replica-roundtrip")
            #expect(running?.text.contains("test-host") == false)
            #expect(running?["attempt"]?.number == 1)
            #expect(running?["started_at"]?.string != nil && running?["lease_expires_at"]?.string != nil)
            let listed = try await client.get("/v1/runs?job=health&status=running", token: token)
            #expect(listed["runs"]?.array.compactMap { $0["id"]?.string } == [id])
            let jobs = try await client.get("/v1/jobs", token: token)
            let healthView = jobs["jobs"]?.array.first { $0["name"]?.string == "health" }
            #expect(healthView?["last_runs"]?.array.compactMap { $0["id"]?.string } == [id])
            #expect(healthView?["all_tenants"] == .bool(true) && healthView?["next_due_at"]?.string != nil)

            // Cancel: asked at once, carried out by the owner within a heartbeat (a third of the 3 s lease).
            let c = try await client.request(.post, "/v1/runs/\(id)/cancel", token: token)
            #expect(c.status == 200, "\(c.text)")
            #expect(c["cancel_requested"] == .bool(true))
            var ended: APIResponse? = nil
            #expect(try await eventually {
                ended = try await client.get("/v1/runs/\(id)", token: token)
                return ended?["status"]?.string == "cancelled"
            })
            #expect(ended?["ended_at"]?.string != nil)
            #expect(ended?["attempts"]?.array.last?["outcome"]?.string == "cancelled", "\(ended?.text ?? "")")
            await scheduler.waitForIdle()

            // Cancelling an ended run is a conflict; a queued run is cancelled at once.
            let again = try await client.request(.post, "/v1/runs/\(id)/cancel", token: token)
            #expect(again.status == 409 && again.errorCode == "conflict", "\(again.text)")
            let second = try await client.post("/v1/jobs/only-a/runs", token: token, body: "")
            let id2 = try #require(second["runs"]?.array.first?["id"]?.string)
            let c2 = try await client.request(.post, "/v1/runs/\(id2)/cancel", token: token)
            #expect(c2.status == 200 && c2["status"]?.string == "cancelled", "\(c2.text)")
            client.expectConformance()
        }
    }

    @Test func badParametersAreClear400s() async throws {
        let f = try await APIFixture.shared()
        let service = try f.jobService()
        let (api, _) = try await f.api(warm: false, jobs: service)
        let scientist = try await Tokens.make(tenant: Self.a, roles: ["data_scientist"])
        let admin = try await Tokens.make(tenant: nil, roles: ["platform_admin"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            // (job, body, status, code, words the message must contain)
            let cases: [(String, String, Int, String, [String])] = [
                ("nightly-refresh", #"{"params": {"factors": 0}}"#, 400, "invalid_parameter", ["params.factors", "factors must be an integer"]),
                ("nightly-refresh", #"{"params": {"iterations": "many"}}"#, 400, "invalid_parameter", ["params.iterations", "many"]),
                ("nightly-refresh", #"{"params": {"colour": "blue"}}"#, 400, "invalid_parameter", ["params.colour", "unknown parameter"]),
                ("health", #"{"params": {"factors": 8}}"#, 400, "invalid_parameter", ["params.factors", "noop does not take it"]),
                ("health", #"{"params": {"sleep_seconds": 90000}}"#, 400, "invalid_parameter", ["params.sleep_seconds"]),
                ("health", #"{"params": {"sleep_seconds": null}}"#, 400, "invalid_parameter", ["params.sleep_seconds", "string, number or boolean"]),
                ("health", #"{"params": [1, 2]}"#, 400, "invalid_body", ["params must be an object"]),
                ("health", #"{"tenants": "tenant-000"}"#, 400, "invalid_body", ["tenants must be an array"]),
                ("health", #"{"tenants": ["../etc"]}"#, 400, "invalid_parameter", ["tenants", "not a tenant id"]),
                ("health", #"{"priority": 3}"#, 400, "invalid_body", ["unknown field", "priority"]),
                ("health", #"{"params": "#, 400, "invalid_body", ["JSON object"]),
                ("health", #"[1]"#, 400, "invalid_body", ["JSON object"]),
                ("nightly-refresh", #"{"params": {"source": "/etc"}}"#, 403, "forbidden", ["params.source", "platform administrator"]),
                ("nightly-refresh", #"{"params": {"catalog": "gs://x/y"}}"#, 403, "forbidden", ["params.catalog"]),
            ]
            for (job, body, status, code, words) in cases {
                let r = try await client.post("/v1/jobs/\(job)/runs", token: scientist, body: body)
                #expect(r.status == status && r.errorCode == code, "\(job) \(body): \(r.status) \(r.text)")
                let message = r["error"]?["message"]?.string ?? ""
                for w in words { #expect(message.contains(w), "\(job) \(body): message \(message.debugDescription) lacks \(w)") }
            }
            // A platform administrator's params are checked the same way; a job file's params may be overridden.
            let bad = try await client.post("/v1/jobs/nightly-refresh/runs", token: admin, body: #"{"tenants": ["tenant-000"], "params": {"factors": 100000}}"#)
            #expect(bad.status == 400 && bad.errorCode == "invalid_parameter")
            let good = try await client.post("/v1/jobs/nightly-refresh/runs", token: admin,
                                             body: #"{"tenants": ["tenant-000"], "params": {"factors": 32, "alpha": 2.5, "evaluate": false, "source": "/elsewhere"}}"#)
            #expect(good.status == 202, "\(good.text)")
            let params = good["runs"]?.array.first?["params"]
            #expect(params?["factors"]?.string == "32" && params?["iterations"]?.string == "15" && params?["alpha"]?.string == "2.5")
            #expect(params?["evaluate"]?.string == "false" && params?["source"]?.string == "/elsewhere")
            // A platform administrator naming a tenant the job does not cover: 400, said plainly.
            let uncovered = try await client.post("/v1/jobs/only-b/runs", token: admin, body: #"{"tenants": ["tenant-000"]}"#)
            #expect(uncovered.status == 400 && uncovered.text.contains("does not cover"), "\(uncovered.text)")
            // `tenants: all` without a list: the export's tenants (this one does not exist) or the database's (none
            // here) — said as the job's problem, 409, not a server error.
            let noExport = try await client.post("/v1/jobs/nightly-refresh/runs", token: admin, body: "{}")
            #expect(noExport.status == 409 && noExport.errorCode == "no_tenants" && noExport.text.contains("nightly-refresh"), "\(noExport.text)")
            let noTenants = try await client.post("/v1/jobs/health/runs", token: admin, body: "")
            #expect(noTenants.status == 409 && noTenants.errorCode == "no_tenants", "\(noTenants.text)")
            let badFirst = try await client.post("/v1/jobs/nightly-refresh/runs", token: admin, body: #"{"params": {"factors": -1}}"#)
            #expect(badFirst.status == 400 && badFirst.errorCode == "invalid_parameter", "\(badFirst.text)")
            // Nothing was queued by the refused requests.
            #expect(try await service.runs(RunQuery(limit: 1000), access: .platform).count == 1)
            // Bodies over the limit are refused before decoding.
            let huge = #"{"params": {"source": ""# + String(repeating: "x", count: APIRequestContext.maximumBodyBytes) + #""}}"#
            let tooLarge = try await client.post("/v1/jobs/health/runs", token: scientist, body: huge)
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "body_too_large")
            // Bad query values of the run list.
            for q in ["status=done", "limit=0", "limit=501", "job=-x", "tenant=../a", "colour=blue", "limit=1&limit=2"] {
                let r = try await client.get("/v1/runs?\(q)", token: scientist)
                #expect(r.status == 400 && r.errorCode == "invalid_parameter", "\(q): \(r.status) \(r.text)")
            }
            client.expectConformance()
        }
    }

    @Test func unknownJobsAndRunsAre404() async throws {
        let f = try await APIFixture.shared()
        let service = try f.jobService()
        let (api, _) = try await f.api(warm: false, jobs: service)
        let scientist = try await Tokens.make(tenant: Self.a, roles: ["data_scientist"])
        let admin = try await Tokens.make(tenant: nil, roles: ["platform_admin"])
        let other = try await service.trigger("only-b", access: .platform)[0].id
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            for token in [scientist, admin] {
                let r = try await client.post("/v1/jobs/no-such-job/runs", token: token, body: "{}")
                #expect(r.status == 404 && r.errorCode == "not_found" && r.text.contains("no job 'no-such-job'"), "\(r.text)")
                let run = try await client.get("/v1/runs/health.tenant-000.m20260101T000000Z-0000", token: token)
                #expect(run.status == 404 && run.errorCode == "not_found")
                let cancel = try await client.request(.post, "/v1/runs/health.tenant-000.m20260101T000000Z-0000/cancel", token: token)
                #expect(cancel.status == 404 && cancel.errorCode == "not_found")
            }
            // A job of another tenant reads exactly as a job that does not exist, and so does its run.
            let hidden = try await client.post("/v1/jobs/only-b/runs", token: scientist, body: "{}")
            #expect(hidden.status == 404 && hidden["error"]?["message"]?.string == "no job 'only-b'", "\(hidden.text)")
            let otherRun = try await client.get("/v1/runs/\(other)", token: scientist)
            let missing = try await client.get("/v1/runs/\(other)x", token: scientist)
            #expect(otherRun.status == 404 && missing.status == 404)
            #expect(otherRun["error"]?["message"]?.string == "no run '\(other)'" && missing["error"]?["message"]?.string == "no run '\(other)x'")
            #expect(try await client.get("/v1/runs/\(other)", token: admin).status == 200)
            // Malformed names and ids are 400 naming them.
            for path in ["/v1/jobs/-x/runs", "/v1/jobs/\(String(repeating: "j", count: 65))/runs"] {
                let r = try await client.post(path, token: scientist, body: "{}")
                #expect(r.status == 400 && r.text.contains("name: not a job name"), "\(path): \(r.text)")
            }
            for path in ["/v1/runs/.hidden", "/v1/runs/a%2Fb", "/v1/runs/\(String(repeating: "r", count: 257))"] {
                let r = try await client.get(path, token: scientist)
                #expect(r.status == 400 && r.text.contains("id: not a run id"), "\(path): \(r.text)")
            }
            client.expectConformance()
        }
    }

    @Test func withoutAJobCatalogTheRoutesAnswer503() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        let scientist = try await Tokens.make(tenant: Self.a, roles: ["data_scientist"])
        let service = try await Tokens.make(tenant: Self.a, roles: ["service"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            for (method, path) in [(HTTPRequest.Method.get, "/v1/jobs"), (.post, "/v1/jobs/health/runs"), (.get, "/v1/runs"),
                                   (.get, "/v1/runs/health.tenant-000.x"), (.post, "/v1/runs/health.tenant-000.x/cancel")] {
                let r = try await client.request(method, path, token: scientist, body: method == .post ? "{}" : nil)
                #expect(r.status == 503 && r.errorCode == "jobs_unavailable", "\(path): \(r.status) \(r.text)")
                #expect(try await client.request(method, path, token: service, body: method == .post ? "{}" : nil).status == 403)
                #expect(try await client.request(method, path).status == 401)
            }
            client.expectConformance()
        }
    }
}
