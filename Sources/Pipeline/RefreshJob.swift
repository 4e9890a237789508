public import EventSources
public import Foundation
import LearningEvents
import LinearAlgebra
public import Logging
import Models
public import MongoStore

/// The batch job: stream an export once, aggregate per tenant, then for each tenant write features, train and
/// publish the recommender and the risk model, each as a new model version made active only when all of its
/// documents are written.
///
/// ```swift
/// let summary = try await RefreshJob(options: opts, db: client.database("lodestar"), logger: logger).run()
/// ```
public struct RefreshJob: Sendable {
    public let options: RefreshOptions
    public let db: MongoDatabase
    public let logger: Logger
    public let progress: ProgressReporter

    public init(options: RefreshOptions, db: MongoDatabase, logger: Logger, progress: ProgressReporter? = nil) {
        self.options = options
        self.db = db
        self.logger = logger
        self.progress = progress ?? ProgressReporter(logger: logger)
    }

    var registry: ModelRegistry { ModelRegistry(db: db, modelsDirectory: options.modelsDirectory) }

    public func run() async throws -> RunSummary {
        if !options.dryRun { try await StoreLayout.ensureIndexes(db) }
        let runID = ModelRegistry.newVersionName()
        let source = ExportSource(options.source)
        let catalog = try await CatalogLoader.load(options.catalog)
        let clock = ContinuousClock()
        let readStart = clock.now

        let cutoffMicros: Int64
        if let c = options.cutoff {
            cutoffMicros = c
        } else {
            progress.phase("scan", detail: "finding the newest event in \(options.source.joined(separator: " "))")
            cutoffMicros = try await Self.newestEvent(source)
        }
        let cutoffs = try Cutoffs(score: cutoffMicros, horizonDays: options.horizonDays)
        var summary = RunSummary(runID: runID, job: options.job.rawValue, cutoff: cutoffMicros)

        // One pass over the export: per-tenant aggregates, bad rows to quarantine.
        var aggregators: [String: TenantAggregator] = [:]
        let quarantine = db.system(.quarantine, as: QuarantineDocument.self)
        var pending: [QuarantineDocument] = []
        progress.phase("read", detail: "streaming events")
        var symbols = SymbolTable()
        // Per tenant symbol: the tenant's name when the run covers it, nil when it does not.
        var tenantOfSymbol: [UInt32: String?] = [:]
        var nextProgress = 250_000
        for try await batch in source.batches() {
            symbols.absorb(batch)
            summary.rowsRead += batch.count + batch.quarantined.count
            summary.rowsValid += batch.count
            for i in 0..<batch.count {
                let ts = batch.tenants[i]
                let tenant: String?
                if let known = tenantOfSymbol[ts] {
                    tenant = known
                } else {
                    let name = symbols[ts] ?? ""
                    tenant = options.tenants.includes(name) ? name : nil
                    tenantOfSymbol[ts] = tenant
                }
                guard let tenant else { continue }
                aggregators[tenant, default: TenantAggregator(tenant: tenant, cutoffs: cutoffs)].add(row: i, of: batch, symbols: symbols)
            }
            for q in batch.quarantined {
                summary.quarantined += 1
                pending.append(QuarantineDocument(source: q.source, position: "\(q.position)", raw: q.raw, reason: q.reason,
                                                  field: q.field, run_id: runID, recorded_at: Date()))
            }
            if let f = batch.failure {
                summary.failedFiles.append("\(f)")
                logger.error("file failed", metadata: ["error": "\(f)"])
                pending.append(QuarantineDocument(source: f.file, position: f.offset.map { "offset \($0)" } ?? "file",
                                                  raw: "", reason: "\(f)", field: nil, run_id: runID, recorded_at: Date()))
            }
            if pending.count >= options.writeBatchSize {
                if !options.dryRun { try await quarantine.insertMany(pending) }
                pending.removeAll(keepingCapacity: true)
            }
            if summary.rowsRead >= nextProgress {
                progress.count("read", summary.rowsRead)
                nextProgress += 250_000
            }
        }
        if !options.dryRun { try await quarantine.insertMany(pending) }
        summary.readSeconds = seconds(clock.now - readStart)
        progress.done("read", detail: "\(summary.rowsRead) rows, \(summary.rowsValid) valid, \(summary.quarantined) quarantined, \(aggregators.count) tenants")

        if case .only(let wanted) = options.tenants {
            for t in wanted where aggregators[t] == nil { throw PipelineError.unknownTenant(t) }
        }
        guard summary.rowsValid > 0 else { throw PipelineError.noEvents(source: options.source.joined(separator: " ")) }

        var reports: [TenantReport] = []
        for tenant in aggregators.keys.sorted() {
            try Task.checkCancellation()
            guard let agg = aggregators.removeValue(forKey: tenant) else { continue }  // free as we go
            let (ts, report) = try await runTenant(agg, catalog: catalog, runID: runID)
            summary.tenants.append(ts)
            reports.append(report)
        }
        if let dir = options.reportDirectory {
            let path = try ReportWriter.write(summary: summary, tenants: reports, to: dir)
            summary.reportPath = path.path
        }
        return summary
    }

    /// The newest `occurred_at` in the source (a quick columnar pass), as the default score cutoff.
    static func newestEvent(_ source: ExportSource) async throws -> Int64 {
        var newest = Int64.min
        for try await batch in source.batches() {
            for t in batch.occurredAt where t > newest { newest = t }
        }
        guard newest != .min else { throw PipelineError.noEvents(source: source.locations.joined(separator: " ")) }
        return newest
    }

    // MARK: one tenant

    func runTenant(_ agg: TenantAggregator, catalog: Catalog, runID: String) async throws -> (TenantSummary, TenantReport) {
        var ts = TenantSummary(tenant: agg.tenant)
        ts.events = agg.eventCount
        ts.learners = agg.learners.count
        ts.courses = agg.courses.count
        ts.enrolments = agg.enrolmentCount
        var report = TenantReport(tenant: agg.tenant)
        let tenant = try TenantID(validating: agg.tenant)
        let phases = options.job.phases
        let lessonCount: (Int) -> Int? = { catalog.lessonCount(tenant: agg.tenant, course: agg.courses[$0]) }
        let clock = ContinuousClock()

        func timed<T>(_ phase: String, _ body: () async throws -> T) async throws -> T {
            progress.phase(phase, detail: agg.tenant)
            let start = clock.now
            let r = try await body()
            let s = seconds(clock.now - start)
            ts.phaseSeconds.append(.init(phase: phase, seconds: s))
            progress.done(phase, detail: "\(agg.tenant) in \(String(format: "%.1f", s)) s")
            return r
        }

        if phases.contains(.ingest) {
            try await timed("features") { try await writeFeatures(agg, tenant: tenant, lessonCount: lessonCount) }
        }
        if phases.contains(.recommend) || phases.contains(.trainEmbeddings) {
            try await timed("recommender") {
                try await Recommender(job: self, agg: agg, tenant: tenant, catalog: catalog)
                    .run(writeRecommendations: phases.contains(.recommend), summary: &ts, report: &report)
            }
        }
        if phases.contains(.scoreRisk) {
            try await timed("risk") {
                try await RiskScorer(job: self, agg: agg, tenant: tenant, lessonCount: lessonCount,
                                     title: { catalog.title(tenant: agg.tenant, id: agg.courses[$0]) })
                    .run(summary: &ts, report: &report)
            }
        }
        return (ts, report)
    }

    func writeFeatures(_ agg: TenantAggregator, tenant: TenantID, lessonCount: (Int) -> Int?) async throws {
        let asOf = date(agg.cutoffs.score)
        let coll = db.tenant(tenant).collection(StoreLayout.features, as: FeatureDocument.self)
        for lo in stride(from: 0, to: agg.enrolmentCount, by: RefreshJob.chunk) {
            let rows = agg.featureRows(at: .score, enrolments: lo..<(lo + RefreshJob.chunk), lessonCount: lessonCount)
            let docs = rows.map { r in
                FeatureDocument(
                    learner_id: agg.learners[r.learner], course_id: agg.courses[r.course], org_id: agg.learnerOrgs[r.learner],
                    as_of: asOf, enrolled_at: r.enrolledAt.map(date), last_activity_at: r.lastActivityAt.map(date),
                    days_since_last_activity: r.daysSinceLastActivity, active_days_7: r.activeDays7, active_days_14: r.activeDays14,
                    active_days_28: r.activeDays28, lessons_completed: r.lessonsCompleted, completion_ratio: r.completionRatio,
                    views: r.views, time_spent_seconds: r.timeSpentSeconds, quiz_attempts: r.quizAttempts,
                    quiz_mean_score: r.quizMeanScore, quiz_score_trend: r.quizScoreTrend, course_completed: r.completed,
                    unenrolled: r.unenrolled)
            }
            try await write(docs, to: coll, key: ["learner_id", "course_id"])
        }
    }

    /// Rows per chunk of result documents built and written at once.
    static let chunk = 16_384

    /// Upserts `docs` by `key` (nothing in a dry run).
    func write<D: Codable & Sendable>(_ docs: [D], to coll: TenantCollection<D>, key: [String]) async throws {
        guard !options.dryRun, !docs.isEmpty else { return }
        _ = try await coll.bulkUpsert(docs, key: key, batchSize: options.writeBatchSize)
    }

    /// Stages a version, runs `write` (which writes every result document under the version's name), then
    /// activates it and prunes old versions. A failure before activation leaves the previous version serving.
    func publish(tenant: TenantID, kind: ModelRegistry.Kind, version: ModelVersionDocument,
                 write: () async throws -> Void) async throws {
        if options.dryRun {
            try await write()
            return
        }
        try await registry.stage(tenant: tenant, version)
        try await write()
        if options.failBeforeActivation { throw PublishInterrupted(tenant: tenant.rawValue, version: version.version) }
        try await registry.activate(tenant: tenant, kind: kind, version: version.version)
        let removed = try await registry.prune(tenant: tenant, kind: kind, keepRetired: options.keepRetired, exceptStaging: version.version)
        logger.info("published", metadata: ["tenant": "\(tenant)", "kind": "\(kind.rawValue)", "version": "\(version.version)",
                                             "pruned": "\(removed.count)"])
    }
}

/// The test hook of `RefreshOptions.failBeforeActivation`: the run stopped between writing and activating.
public struct PublishInterrupted: Error, CustomStringConvertible {
    public let tenant: String
    public let version: String
    public var description: String { "publishing \(version) for \(tenant) stopped before activation (test hook)" }
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
