import Foundation
import Hummingbird
import LearningEvents
import MongoStore
import Scheduler

/// Jobs over HTTP, through the scheduler's `JobService` (the functions `lodestar jobs …` calls):
///
/// - `GET /v1/jobs`: the jobs with their schedule state and the newest run of each tenant the caller may see
/// - `POST /v1/jobs/{name}/runs`: queue runs now (`{"tenants": [...], "params": {...}}`, both optional; params are
///   checked against the job kind and, for a data scientist, the job's `limits`: 400 naming the parameter and the
///   limit). A (job, tenant) with `max_queued` triggered runs queued or running answers `429 too_many_runs`; a data
///   scientist's tenant past its trigger rate (`TriggerRateLimiter`: 10 at once, 10 a minute) `429 rate_limited`;
///   both with `Retry-After` in seconds.
/// - `GET /v1/runs?job=&tenant=&status=&limit=`: runs, newest first
/// - `GET /v1/runs/{id}`: one run (status, attempts, owner, times, metrics, error)
/// - `POST /v1/runs/{id}/cancel`: cancel a queued run at once, a running one within a heartbeat
///
/// Roles: `platform_admin` (every tenant) and `data_scientist` (its token's tenant only); others 403. For a data
/// scientist, a job that does not cover its tenant, a run of another tenant and another tenant named in a trigger
/// all answer 404 — never a hint that they exist — and a job's tenant list shows its own tenant only. A data
/// scientist may not point a run at another export (`source`, `catalog`: 403). Without a `JobService` (the API
/// started without a jobs folder) every job route answers 503 `jobs_unavailable`, after the role check.
struct JobRoutes {
    let jobs: JobService?
    /// The per-tenant trigger rate of non-platform roles, for this API process.
    let triggerRate = TriggerRateLimiter()

    /// Largest `tenants` list and `params` object a trigger takes.
    static let maximumTenants = 1_000
    static let maximumParams = 32
    static let maximumParamBytes = 1_024

    // MARK: bodies (snake_case, as the rest of the API)

    struct Run: Encodable {
        let id: String
        let job: String
        let kind: String
        let tenant_id: String
        let status: String
        let trigger: String
        let attempt: Int
        let max_attempts: Int
        let owner: String?
        let due_at: Date
        let not_before: Date
        let started_at: Date?
        let ended_at: Date?
        let duration_seconds: Double?
        let lease_expires_at: Date?
        let progress: String?
        let cancel_requested: Bool
        let requested_by: String?
        let backfill_id: String?
        let params: [String: String]
        let metrics: RunMetrics?
        let error: String?
        let attempts: [AttemptRecord]

        init(_ v: RunView) {
            id = v.id
            job = v.job
            kind = v.kind
            tenant_id = v.tenant
            status = v.status.rawValue
            trigger = v.trigger.rawValue
            attempt = v.attempt
            max_attempts = v.maxAttempts
            owner = v.owner
            due_at = v.dueAt
            not_before = v.notBefore
            started_at = v.startedAt
            ended_at = v.endedAt
            duration_seconds = v.durationSeconds.flatMap { $0.isFinite ? $0 : nil }
            lease_expires_at = v.leaseExpiresAt
            progress = v.progress
            cancel_requested = v.cancelRequested
            requested_by = v.requestedBy
            backfill_id = v.backfill
            params = v.params
            metrics = v.metrics.map(Self.finite)
            error = v.error
            attempts = v.attempts
        }

        /// JSON has no NaN or infinity: such a metric is left out.
        static func finite(_ m: RunMetrics) -> RunMetrics {
            var m = m
            func keep(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
            m.ndcg10 = keep(m.ndcg10)
            m.precision10 = keep(m.precision10)
            m.popularity_ndcg10 = keep(m.popularity_ndcg10)
            m.auc = keep(m.auc)
            return m
        }
    }

    struct Job: Encodable {
        let name: String
        let description: String?
        let kind: String
        let schedule: String
        let time_zone: String
        /// True when the job covers every tenant (`tenants: all`).
        let all_tenants: Bool
        /// The tenants the job names, within the caller's scope (a data scientist sees its own only).
        let tenants: [String]
        let params: [String: String]
        let timeout: String?
        let retries: Int
        let missed_runs: String
        let priority: Int
        let concurrency: Int?
        let next_due_at: Date?
        let last_due_at: Date?
        /// The last scheduling problem (platform administrators only: it may name any tenant).
        let last_error: String?
        let last_runs: [Run]
    }

    struct JobList: Encodable { let jobs: [Job] }
    struct RunList: Encodable { let runs: [Run] }
    struct Triggered: Encodable {
        let job: String
        let runs: [Run]
    }

    func collection() -> RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get("jobs") { request, context in try await listJobs(request, context) }
        routes.post("jobs/{name}/runs") { request, context in try await trigger(request, context) }
        routes.get("runs") { request, context in try await listRuns(request, context) }
        routes.get("runs/{id}") { request, context in try await run(request, context) }
        routes.post("runs/{id}/cancel") { request, context in try await cancel(request, context) }
        return routes
    }

    /// The caller's scope and the service, or 403 / 503.
    func scope(_ context: APIRequestContext) throws -> (JobService, JobAccess) {
        let access = try Access.jobs(try context.requirePrincipal())
        guard let jobs else {
            throw APIError(.serviceUnavailable, code: "jobs_unavailable", "this server runs no job catalog (start it with --jobs-dir)")
        }
        return (jobs, access)
    }

    // MARK: handlers

    func listJobs(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (service, access) = try scope(context)
        try QueryParameters(request).onlyKnown([])
        let views = try await Self.mapped { try await service.listJobs(access: access) }
        var out: [Job] = []
        for view in views {
            guard let definition = service.catalog.job(named: view.name), Self.visible(definition, to: access) else { continue }
            out.append(Self.job(view, definition, access))
        }
        return try JSONResponse.make(JobList(jobs: out))
    }

    func trigger(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (service, access) = try scope(context)
        let principal = try context.requirePrincipal()
        let name = try Self.jobName(context.parameters.get("name"))
        try QueryParameters(request).onlyKnown([])
        guard let definition = service.catalog.job(named: name), Self.visible(definition, to: access) else {
            throw APIError.notFound("no job '\(name)'")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let (tenants, params) = try Self.parseTrigger(Data(buffer: body))
        if case .tenant(let own) = access {
            // Another tenant named in a trigger is 404, as a path tenant would be.
            if let tenants, tenants.contains(where: { $0 != own }) { throw APIError.notFound("no tenant outside your own") }
            for key in ["source", "catalog"] where params[key] != nil {
                throw APIError.forbidden("params.\(key): only a platform administrator may point a run at another export")
            }
        }
        var list = tenants
        if list == nil, access == .platform {
            // `tenants: all` of a job that reads an export lists the export's tenants: a failure to read it is the
            // job's configuration, answered as such (409 naming the job), not a server error.
            try await Self.mapped { try definition.validate(params: params) }
            do {
                list = try await service.tenants.tenants(for: definition, params: definition.params.merging(params) { _, new in new })
            } catch let e as SchedulerError {
                throw Self.apiError(e)
            } catch let e as MongoError {
                throw e  // the database failing is a server error (500, logged)
            } catch {
                throw APIError(.conflict, code: "no_tenants", "job \(name): could not list its tenants (name them in \"tenants\"): \(error)")
            }
            guard !(list ?? []).isEmpty else { throw APIError(.conflict, code: "no_tenants", "job \(name) has no tenants to run") }
        }
        // The trigger rate of non-platform roles counts the triggers that would queue runs (a request refused as
        // malformed costs nothing).
        if case .tenant(let own) = access, let wait = triggerRate.take(own) {
            return Self.tooManyRequests(code: "rate_limited", "your tenant has triggered more than \(Int(triggerRate.burst)) runs at once "
                                            + "or \(Int(triggerRate.perMinute)) a minute; try again in \(wait) s", retryAfter: wait)
        }
        let runs: [RunView]
        do {
            runs = try await service.trigger(name, tenants: list, params: params, access: access, requestedBy: "api:\(principal.subject)")
        } catch let e as SchedulerError {
            guard case .tooManyRuns(_, _, _, let wait) = e else { throw Self.apiError(e) }
            return Self.tooManyRequests(code: "too_many_runs", e.description, retryAfter: wait)
        }
        return try JSONResponse.make(Triggered(job: name, runs: runs.map(Run.init)), status: .accepted)
    }

    func listRuns(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (service, access) = try scope(context)
        let query = QueryParameters(request)
        try query.onlyKnown(["job", "tenant", "status", "limit"])
        var q = RunQuery(limit: try query.integer("limit", in: 1...500, default: 50))
        if let j = try query.string("job", maxLength: 64) {
            guard JobDefinition.isValidName(j) else { throw APIError.invalid("job", Self.jobNameRule) }
            q.job = j
        }
        q.tenant = try query.identifier("tenant")
        if let s = try query.string("status", maxLength: 16) {
            guard let status = RunStatus(rawValue: s) else {
                throw APIError.invalid("status", "must be one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            q.status = status
        }
        let runs = try await Self.mapped { try await service.runs(q, access: access) }
        return try JSONResponse.make(RunList(runs: runs.map(Run.init)))
    }

    func run(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (service, access) = try scope(context)
        let id = try Self.runID(context.parameters.get("id"))
        try QueryParameters(request).onlyKnown([])
        let view = try await Self.mapped { try await service.run(id, access: access) }
        return try JSONResponse.make(Run(view))
    }

    func cancel(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (service, access) = try scope(context)
        let principal = try context.requirePrincipal()
        let id = try Self.runID(context.parameters.get("id"))
        try QueryParameters(request).onlyKnown([])
        let view = try await Self.mapped {
            try await service.cancel(id, access: access, reason: "cancelled over the API by \(principal.subject)")
        }
        return try JSONResponse.make(Run(view))
    }

    // MARK: helpers

    /// Whether a data scientist's tenant is covered by the job (a platform administrator sees every job).
    static func visible(_ job: JobDefinition, to access: JobAccess) -> Bool {
        switch access {
        case .platform: true
        case .tenant(let t): job.tenants.includes(t)
        }
    }

    static func job(_ v: JobView, _ definition: JobDefinition, _ access: JobAccess) -> Job {
        let all: Bool, named: [String]
        switch definition.tenants {
        case .all: (all, named) = (true, [])
        case .only(let list): (all, named) = (false, list)
        }
        let isPlatform = access == .platform
        return Job(
            name: v.name, description: v.description, kind: v.kind, schedule: v.schedule, time_zone: v.timeZone, all_tenants: all,
            tenants: isPlatform ? named : named.filter { access.covers($0) }, params: v.params, timeout: v.timeout, retries: v.retries,
            missed_runs: v.missedRuns, priority: v.priority, concurrency: v.concurrency, next_due_at: v.nextDueAt, last_due_at: v.lastDueAt,
            last_error: isPlatform ? v.lastError : nil, last_runs: v.lastRuns.filter { access.covers($0.tenant) }.map(Run.init))
    }

    static let jobNameRule = "not a job name (1–64 of a–z A–Z 0–9 . _ -, starting with a letter or digit)"

    static func jobName(_ raw: String?) throws -> String {
        let value = PathParameter.decoded(raw ?? "")
        guard JobDefinition.isValidName(value) else { throw APIError.invalid("name", jobNameRule) }
        return value
    }

    /// The longest run id accepted.
    static let runIDMaxLength = 256

    /// A run id (`<job>~<tenant>~<suffix>`; `<job>.<tenant>.<suffix>` before): the identifier rule
    /// with 1–256 of `A–Z a–z 0–9 . _ : @ - ~`, not starting with `.`.
    static func runID(_ raw: String?) throws -> String {
        let value = PathParameter.decoded(raw ?? "")
        guard Identifier.isValid(value, maxLength: runIDMaxLength, extra: .tilde) else {
            throw APIError.invalid("id", "not a run id (1–256 of A–Z a–z 0–9 . _ : @ - ~, not starting with '.')")
        }
        return value
    }

    /// `{"tenants": ["t", …], "params": {"name": string | number | boolean, …}}`, both optional; an empty body is `{}`.
    static func parseTrigger(_ data: Data) throws -> (tenants: [String]?, params: [String: String]) {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return (nil, [:]) }
        guard case .object(let object)? = JSONValue.parse(data) else {
            throw APIError.invalidBody("the body must be a JSON object: {\"tenants\": [...], \"params\": {...}} (both optional)")
        }
        if let extra = object.keys.sorted().first(where: { $0 != "tenants" && $0 != "params" }) {
            throw APIError.invalidBody("unknown field \(String(extra.prefix(64)).debugDescription)")
        }
        var tenants: [String]? = nil
        if let raw = object["tenants"], raw != .null {
            guard case .array(let list) = raw, list.count <= maximumTenants else {
                throw APIError.invalidBody("tenants must be an array of at most \(maximumTenants) tenant ids")
            }
            var seen = Set<String>(), out: [String] = []
            for item in list {
                guard case .string(let t) = item, Identifier.isValid(t) else {
                    throw APIError.invalid("tenants", "not a tenant id (1–128 of A–Z a–z 0–9 . _ : @ -, not starting with '.')")
                }
                if seen.insert(t).inserted { out.append(t) }
            }
            tenants = out.isEmpty ? nil : out
        }
        var params: [String: String] = [:]
        if let raw = object["params"], raw != .null {
            guard case .object(let dict) = raw, dict.count <= maximumParams else {
                throw APIError.invalidBody("params must be an object of at most \(maximumParams) parameters")
            }
            for (key, value) in dict {
                let name = "params.\(String(key.prefix(64)))"
                switch value {
                case .string(let s):
                    guard !s.isEmpty, s.utf8.count <= maximumParamBytes else {
                        throw APIError.invalid(name, "must be 1 to \(maximumParamBytes) bytes")
                    }
                    params[key] = s
                case .number(let d):
                    guard d.isFinite else { throw APIError.invalid(name, "must be a finite number") }
                    params[key] = (d == d.rounded() && abs(d) < 1e15) ? String(Int64(d)) : "\(d)"
                case .bool(let b):
                    params[key] = b ? "true" : "false"
                default:
                    throw APIError.invalid(name, "must be a string, number or boolean")
                }
            }
        }
        return (tenants, params)
    }

    /// Runs a `JobService` call with its errors as API errors.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as SchedulerError { throw apiError(e) }
    }

    /// 429 with the API's error body and `Retry-After` (seconds).
    static func tooManyRequests(code: String, _ message: String, retryAfter: Int) -> Response {
        var response = APIError.jsonResponse(status: .tooManyRequests, code: code, message: message)
        response.headers[.retryAfter] = String(max(1, retryAfter))
        return response
    }

    static func apiError(_ e: SchedulerError) -> APIError {
        switch e {
        case .unknownJob(let n): APIError.notFound("no job '\(n)'")
        case .runNotFound(let id): APIError.notFound("no run '\(id)'")
        // Outside the caller's scope: said as "not found", never naming the tenant.
        case .forbiddenTenant: APIError.notFound()
        case .invalidParameter(let k, let m): APIError.invalid("params.\(k)", m)
        case .invalidRequest(let m): APIError.invalidBody(m)
        case .conflict(let m): APIError(.conflict, code: "conflict", m)
        case .noTenants: APIError(.conflict, code: "no_tenants", e.description)
        // The trigger route answers this itself, with `Retry-After`.
        case .tooManyRuns: APIError(.tooManyRequests, code: "too_many_runs", e.description)
        }
    }
}
