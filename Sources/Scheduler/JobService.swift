import Foundation
public import MongoStore

/// What people and the HTTP API do with jobs: list them, trigger runs with parameters, backfill a date range, read
/// runs and history, cancel. `lodestar jobs …` and the API's `/v1/jobs` and `/v1/runs` routes call these same
/// functions; each takes a `JobAccess`, so a data scientist (`.tenant(T)`) sees and acts on tenant T's runs only,
/// and a run of another tenant is `SchedulerError.runNotFound`.
///
/// ```swift
/// let service = JobService(catalog: try JobCatalog.load(directory: "jobs"), db: db)
/// let runs = try await service.trigger("nightly-refresh", tenants: ["acme"], params: ["factors": "32"], access: .tenant("acme"))
/// try await service.cancel(runs[0].id, access: .tenant("acme"))
/// ```
public struct JobService: Sendable {
    public let catalog: JobCatalog
    public let db: MongoDatabase
    public let tenants: any TenantDirectory
    public let clock: any SchedulerClock
    let store: RunStore
    /// Whether the unique index of queue slots is known to exist (made by the first trigger).
    let queueIndex = OnceFlag()

    public init(catalog: JobCatalog, db: MongoDatabase, tenants: (any TenantDirectory)? = nil,
                clock: any SchedulerClock = SystemSchedulerClock()) {
        self.catalog = catalog
        self.db = db
        self.tenants = tenants ?? DefaultTenantDirectory(db: db)
        self.clock = clock
        store = RunStore(db: db)
    }

    /// Reads and checks job files (`lodestar jobs validate`): one result per path, in order.
    public static func validate(paths: [String]) -> [(path: String, result: Result<JobDefinition, JobFileError>)] {
        paths.map { p in (p, Result { try JobFile.load(p) }.mapError { $0 as? JobFileError ?? JobFileError(file: p, line: 0, field: "-", message: "\($0)") }) }
    }

    // MARK: jobs

    /// Every job with its schedule state and the newest run per tenant the caller may see.
    public func listJobs(access: JobAccess) async throws -> [JobView] {
        var out: [JobView] = []
        for job in catalog.jobs {
            out.append(try await view(job, access: access, recent: 0))
        }
        return out
    }

    /// One job, with its newest runs (`lodestar jobs show`).
    public func job(_ name: String, access: JobAccess, recentRuns: Int = 10) async throws -> JobView {
        guard let job = catalog.job(named: name) else { throw SchedulerError.unknownJob(name) }
        return try await view(job, access: access, recent: recentRuns)
    }

    func view(_ job: JobDefinition, access: JobAccess, recent: Int) async throws -> JobView {
        let state = try await db.system(.jobs, as: JobStateDocument.self).findOne(["_id": .string(job.name)])
        var filter: BSONDocument = ["job": .string(job.name)]
        if case .tenant(let t) = access { filter["tenant_id"] = .string(t) }
        let runs = try await store.find(filter, limit: recent > 0 ? recent : 200)
        var lastRuns: [RunView] = []
        if recent > 0 { lastRuns = runs.map { RunView($0, for: access) } } else {
            var seen = Set<String>()
            for r in runs where seen.insert(r.tenant_id).inserted { lastRuns.append(RunView(r, for: access)) }
        }
        return JobView(
            name: job.name, description: job.description, kind: job.kind.name, schedule: job.schedule.expression.text,
            timeZone: job.schedule.zoneName, tenants: "\(job.tenants)", params: job.params,
            timeout: job.timeout.map(DurationText.format), retries: job.retries.maxRetries, missedRuns: job.missedRuns.rawValue,
            priority: job.priority, concurrency: job.concurrency, file: job.file,
            nextDueAt: state?.fingerprint == job.fingerprint ? state?.next_due_at : job.schedule.next(after: clock.now()),
            lastDueAt: state?.last_due_at, lastError: state?.last_error, lastRuns: lastRuns)
    }

    // MARK: runs

    /// Queues one run per tenant now (`lodestar jobs trigger`, `POST /v1/jobs/{name}/runs`). `tenants` defaults to the
    /// job's (for `.tenant(T)` access: T, which the job must cover); `params` override the job file's and are
    /// checked against the job kind and the caller's `limits`. A tenant that already has the job's `max_queued` runs
    /// from triggers queued or running refuses the whole trigger (`SchedulerError.tooManyRuns`).
    public func trigger(_ name: String, tenants requested: [String]? = nil, params: [String: String] = [:], access: JobAccess,
                        requestedBy: String? = nil, priority: Int? = nil) async throws -> [RunView] {
        guard let job = catalog.job(named: name) else { throw SchedulerError.unknownJob(name) }
        let merged = try mergedParams(job, params, access: access)
        let list = try await tenantList(job, requested, merged, access: access)
        let now = clock.now()
        let docs = list.map {
            RunFactory.make(job: job, tenant: $0, trigger: .manual, dueAt: now, now: now, params: merged,
                            id: RunFactory.manualID(job: job.name, tenant: $0, now: now), priority: priority, requestedBy: requestedBy)
        }
        if !queueIndex.isReady {
            try await store.ensureSlotIndex("queue_slot")
            queueIndex.markReady()
        }
        switch try await store.enqueueTriggered(docs, maxQueued: job.maxQueued) {
        case .queued(let queued): return queued.map { RunView($0, for: access) }
        case .full(let tenant):
            throw SchedulerError.tooManyRuns(job: job.name, tenant: tenant, limit: job.maxQueued,
                                             retryAfter: try await store.expectedWait(job: job.name, tenant: tenant))
        }
    }

    /// Queues one run per day from `from` to `to` (inclusive, `YYYY-MM-DD`) and tenant, each with its cutoff set to
    /// that day's midnight in the job's time zone; runs of a tenant go in date order, and at most `concurrency`
    /// runs of the backfill are live at once.
    public func backfill(_ name: String, from: String, to: String, tenants requested: [String]? = nil, params: [String: String] = [:],
                         concurrency: Int = 1, access: JobAccess, requestedBy: String? = nil) async throws -> BackfillView {
        guard let job = catalog.job(named: name) else { throw SchedulerError.unknownJob(name) }
        guard (1...64).contains(concurrency) else { throw SchedulerError.invalidRequest("concurrency must be 1…64, got \(concurrency)") }
        guard params["cutoff"] == nil else { throw SchedulerError.invalidParameter("cutoff", "a backfill sets each run's cutoff to its date") }
        guard let a = Self.day(from), let b = Self.day(to) else {
            throw SchedulerError.invalidRequest("dates are YYYY-MM-DD (got '\(from)', '\(to)')")
        }
        guard a <= b else { throw SchedulerError.invalidRequest("--from \(from) is after --to \(to)") }
        guard b - a < 3660 else { throw SchedulerError.invalidRequest("a backfill covers at most ten years of days") }
        let merged = try mergedParams(job, params, access: access)
        let list = try await tenantList(job, requested, merged, access: access)
        let now = clock.now()
        let batch = RunFactory.suffix() + RunFactory.suffix()
        let backfillID = "\(job.name).\(RunFactory.compact(now, seconds: true))-\(batch)"
        var docs: [RunDocument] = []
        var days: [String] = []
        for (i, d) in (a...b).enumerated() {
            let (y, m, dd) = civil(fromDays: d)
            let text = String(format: "%04d-%02d-%02d", Int(y), m, dd)
            days.append(text)
            let midnight = job.schedule.instant(ofWall: d * 86_400)
            var p = merged
            p["cutoff"] = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(midnight)))
            for t in list {
                docs.append(RunFactory.make(job: job, tenant: t, trigger: .backfill, dueAt: now, now: now, params: p,
                                            id: RunFactory.backfillID(job: job.name, tenant: t, day: text, batch: batch),
                                            priority: job.priority - 1, backfill: (backfillID, i, concurrency), requestedBy: requestedBy))
            }
        }
        try await store.ensureIndexes()
        try await store.ensureSlotIndex("group_slot")
        try await store.enqueue(docs)
        return BackfillView(id: backfillID, job: job.name, days: days, tenants: list, concurrency: concurrency, runs: docs.map { RunView($0, for: access) })
    }

    /// Runs, newest first, within the caller's access (a `.tenant` caller asking for another tenant gets none).
    public func runs(_ query: RunQuery, access: JobAccess) async throws -> [RunView] {
        var filter: BSONDocument = [:]
        if let j = query.job { filter["job"] = .string(j) }
        if let s = query.status { filter["status"] = .string(s.rawValue) }
        if let b = query.backfill { filter["backfill_id"] = .string(b) }
        switch access {
        case .platform:
            if let t = query.tenant { filter["tenant_id"] = .string(t) }
        case .tenant(let t):
            if let asked = query.tenant, asked != t { return [] }
            filter["tenant_id"] = .string(t)
        }
        return try await store.find(filter, limit: max(1, min(query.limit, 10_000))).map { RunView($0, for: access) }
    }

    /// One run (`GET /v1/runs/{id}`).
    public func run(_ id: String, access: JobAccess) async throws -> RunView {
        guard let d = try await store.run(id), access.covers(d.tenant_id) else { throw SchedulerError.runNotFound(id) }
        return RunView(d, for: access)
    }

    /// Cancels a run: a queued one at once; a running one is stopped by its owner within a heartbeat (a third of the
    /// lease). A finished run is left as it is (`SchedulerError.conflict`).
    @discardableResult
    public func cancel(_ id: String, access: JobAccess, reason: String = "cancelled by request") async throws -> RunView {
        guard let d = try await store.run(id), access.covers(d.tenant_id) else { throw SchedulerError.runNotFound(id) }
        guard !d.status.isFinal else { throw SchedulerError.conflict("run \(id) has already ended (\(d.status.rawValue))") }
        guard let after = try await store.cancel(id, now: clock.now(), reason: reason) else { throw SchedulerError.runNotFound(id) }
        return RunView(after, for: access)
    }

    // MARK: helpers

    /// The job file's parameters overridden by the caller's, which are checked against the kind and the caller's limits.
    func mergedParams(_ job: JobDefinition, _ params: [String: String], access: JobAccess) throws -> [String: String] {
        try JobDefinition.validate(params: params, kind: job.kind)
        try job.limits.check(params, access: access)
        return job.params.merging(params) { _, new in new }
    }

    func tenantList(_ job: JobDefinition, _ requested: [String]?, _ params: [String: String], access: JobAccess) async throws -> [String] {
        var list: [String]
        if let requested, !requested.isEmpty {
            for t in requested {
                guard TenantName.isValid(t) else { throw SchedulerError.invalidRequest("'\(t)' is not a tenant id") }
                guard job.tenants.includes(t) else { throw SchedulerError.invalidRequest("job \(job.name) does not cover tenant \(t)") }
            }
            list = requested
        } else if case .tenant(let t) = access {
            guard job.tenants.includes(t) else { throw SchedulerError.forbiddenTenant(t) }
            list = [t]
        } else {
            list = try await tenants.tenants(for: job, params: params)
        }
        for t in list where !access.covers(t) { throw SchedulerError.forbiddenTenant(t) }
        guard !list.isEmpty else { throw SchedulerError.noTenants(job: job.name, reason: "none found (name them with --tenant)") }
        return list
    }

    /// Days since the epoch of `YYYY-MM-DD`.
    static func day(_ s: String) -> Int64? {
        let parts = s.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int64(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1970...2199).contains(y), (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let n = days(fromCivil: y, m, d)
        let (y2, m2, d2) = civil(fromDays: n)
        return (y2, m2, d2) == (y, m, d) ? n : nil
    }
}
