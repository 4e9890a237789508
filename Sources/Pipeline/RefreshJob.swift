import EventSources
public import Foundation
import LearningEvents
import LearningStore
import LinearAlgebra
public import Logging
import Models
public import MongoStore

/// The batch job: stream an export, aggregate per tenant, then run the job kind's phases tenant by tenant.
///
/// Guarantees (docs/reliability.md):
/// - each tenant's cutoff is its own newest event (unless pinned), and rows dated more than
///   `futureTolerance` after the run started are quarantined, so one tenant's data never moves another's;
/// - a file that fails part-way means nothing is published (every tenant keeps its active versions), unless
///   `allowPartial`;
/// - a phase that fails fails for its tenant only; the summary and the exit status say so;
/// - every publication runs under the tenant's lease (`ModelRegistry.publish`).
///
/// ```swift
/// let summary = try await RefreshJob(options: opts, db: client.database("lodestar"), logger: logger).run()
/// ```
public struct RefreshJob: Sendable {
    public let options: RefreshOptions
    public let db: MongoDatabase
    public let logger: Logger
    public let progress: ProgressReporter
    /// The run's clock (injected in tests).
    public let now: @Sendable () -> Date
    public let metrics: PipelineMetrics
    /// Test hooks (internal: tests reach them with `@testable import`; never part of ``RefreshOptions``).
    var hooks = RunHooks()

    public init(options: RefreshOptions, db: MongoDatabase, logger: Logger, progress: ProgressReporter? = nil,
                metrics: PipelineMetrics = PipelineMetrics(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.options = options
        self.db = db
        self.logger = logger
        self.progress = progress ?? ProgressReporter(logger: logger)
        self.metrics = metrics
        self.now = now
    }

    /// Rows per chunk of result documents built and written at once.
    static let chunk = 16_384

    var registry: ModelRegistry {
        ModelRegistry(db: db, artifacts: options.artifacts ?? .folder(options.modelsDirectory),
                      leases: LeaseManager(db: db, duration: options.leaseDuration),
                      activationGuard: options.activationGuard)
    }

    public func run() async throws -> RunSummary {
        let startedAt = now()
        if !options.job.readsExport { return try await runWithoutExport(startedAt: startedAt) }
        if !options.dryRun { try await StoreLayout.ensureIndexes(db) }
        let runID = ModelRegistry.newVersionName(now: startedAt)
        var summary = RunSummary(runID: runID, job: options.job.name, cutoff: options.cutoff)
        let rows = QuarantineRows(runID: runID, recordedAt: startedAt, retention: Double(options.quarantineRetentionDays) * 86_400)
        let quarantine = QuarantineStore(db: db)

        let catalog = try await loadCatalog(rows: rows, quarantine: quarantine, summary: &summary)
        let read = try await ExportAggregation(options: options, startedAt: startedAt, progress: progress, logger: logger)
            .run(rows: rows) { pending in if !options.dryRun { try await quarantine.record(pending) } }
        summary.rowsRead = read.rowsRead
        summary.rowsValid = read.rowsValid
        summary.quarantined += read.quarantined
        summary.failedFiles += read.failedFiles
        summary.readSeconds = read.seconds
        metrics.rows("read", read.rowsRead)
        metrics.rows("valid", read.rowsValid)
        metrics.rows("quarantined", read.quarantined)
        metrics.filesFailed(summary.failedFiles.count)
        guard summary.rowsValid > 0 else { throw PipelineError.noEvents(source: options.source.joined(separator: " ")) }

        if !summary.failedFiles.isEmpty && !options.allowPartial {
            summary.notPublished = "\(summary.failedFiles.count) file(s) failed part-way; every tenant keeps its active versions "
                + "(rerun when the files are whole, or pass --allow-partial to publish from the rest)"
            logger.error("nothing published", metadata: ["reason": "\(summary.notPublished ?? "")"])
        } else {
            var aggregators = read.aggregators
            var wanted = aggregators.keys.sorted()
            if case .only(let list) = options.tenants {
                for t in list where aggregators[t] == nil {
                    var ts = TenantSummary(tenant: t)
                    ts.failures.append("no events of this tenant in the source")
                    summary.tenants.append(ts)
                }
                wanted = wanted.filter(list.contains)
            }
            // Largest tenants first, so the pooled risk model holds the consenting large tenants' weights before the
            // small ones borrow it.
            wanted.sort { (aggregators[$0]?.enrolmentCount ?? 0, $1) > (aggregators[$1]?.enrolmentCount ?? 0, $0) }
            let consent: Set<String>
            if let given = options.pooledModelConsent {
                consent = given
            } else if options.dryRun {
                // A dry run does not touch MongoDB at all: consent comes only from the options (none by default).
                consent = []
                logger.info("dry run: pooled-model consent not read from the tenants collection (none unless given)")
            } else {
                consent = try await TenantSettingsStore(db: db).consentingTenants()
            }
            let pool = PlatformPrior()
            var reports: [TenantReport] = []
            for tenant in wanted {
                try Task.checkCancellation()
                guard let agg = aggregators.removeValue(forKey: tenant) else { continue }  // free as we go
                let record = try await runTenant(agg, catalog: catalog, runID: runID, startedAt: startedAt, consent: consent.contains(tenant),
                                                 pool: pool)
                summary.tenants.append(record.summary)
                reports.append(record.report)
            }
            summary.tenants.sort { $0.tenant < $1.tenant }
            reports.sort { $0.tenant < $1.tenant }
            if let dir = options.reportDirectory {
                summary.reportPath = try ReportWriter.write(summary: summary, tenants: reports, to: dir).path
            }
            return summary
        }
        if let dir = options.reportDirectory {
            summary.reportPath = try ReportWriter.write(summary: summary, tenants: [], to: dir).path
        }
        return summary
    }

    /// A kind that reads no export (`noop`): its phases run for each named tenant on an empty aggregate.
    func runWithoutExport(startedAt: Date) async throws -> RunSummary {
        guard case .only(let tenants) = options.tenants else {
            throw PipelineError.invalidOption("job \(options.job.name) reads no export, so it needs named tenants (not --all)")
        }
        let runID = ModelRegistry.newVersionName(now: startedAt)
        var summary = RunSummary(runID: runID, job: options.job.name, cutoff: options.cutoff)
        let cutoff = options.cutoff ?? Int64(startedAt.timeIntervalSince1970 * 1_000_000)
        for tenant in tenants {
            try Task.checkCancellation()
            let agg = TenantAggregator(tenant: tenant, cutoffs: try Cutoffs(score: cutoff, horizonDays: options.risk.horizonDays))
            summary.tenants.append(try await runTenant(agg, catalog: Catalog(), runID: runID, startedAt: startedAt).summary)
        }
        return summary
    }

    /// The catalog; its refused rows are quarantined and counted, a failed catalog file is a failed file.
    func loadCatalog(rows: QuarantineRows, quarantine: QuarantineStore, summary: inout RunSummary) async throws -> Catalog {
        guard !options.catalog.isEmpty else { return Catalog() }
        let result = try await CourseSource(options.catalog, gcs: options.storage.gcs).read()
        var pending = result.quarantined.map(rows.row)
        pending += result.failures.map(rows.failure)
        summary.catalogQuarantined = result.quarantined.count
        summary.quarantined += result.quarantined.count
        summary.failedFiles += result.failures.map { "\($0)" }
        if !options.dryRun { try await quarantine.record(pending) }
        return Catalog(result.courses, provided: true)
    }

    /// Runs the job's phases for one tenant; a phase that throws is recorded as that tenant's failure.
    func runTenant(_ agg: TenantAggregator, catalog: Catalog, runID: String, startedAt: Date, consent: Bool = false,
                   pool: PlatformPrior? = nil) async throws -> TenantRunRecord {
        let record = TenantRunRecord(tenant: agg.tenant)
        record.update { s, _ in
            s.events = agg.eventCount
            s.learners = agg.learners.count
            s.courses = agg.courses.count
            s.enrolments = agg.enrolmentCount
            s.cutoff = agg.cutoffs.score
        }
        let tenant: TenantID
        do { tenant = try TenantID(validating: agg.tenant) } catch {
            record.update { s, _ in s.failures.append("tenant id: \(error)") }
            return record
        }
        var context = TenantRunContext(
            runID: runID, tenant: tenant, scope: db.tenant(tenant), registry: registry, aggregate: agg, catalog: catalog,
            options: options.phaseOptions, settings: options.settings, startedAt: startedAt, progress: progress, logger: logger,
            record: record, metrics: metrics, pooledModelConsent: consent, platformPrior: pool)
        context.hooks = hooks
        let clock = ContinuousClock()
        FreedMemory.release()  // the read's buffers
        for phase in options.job.phases {
            try Task.checkCancellation()
            progress.phase(phase.name, detail: agg.tenant)
            let start = clock.now
            do {
                let outcome = try await phase.run(context)
                // What the phase freed goes back to the system before the next phase allocates its own.
                FreedMemory.release()
                metrics.phase(phase.name, clock.now - start, failed: false)
                let s = seconds(clock.now - start)
                record.update { summary, _ in summary.phaseSeconds.append(.init(phase: phase.name, seconds: s)) }
                progress.done(phase.name, detail: "\(agg.tenant) in \(String(format: "%.1f", s)) s")
                logger.info("phase done", metadata: ["tenant": "\(agg.tenant)", "phase": "\(phase.name)", "outcome": "\(outcome)"])
            } catch let error as CancellationError {
                throw error
            } catch {
                metrics.phase(phase.name, clock.now - start, failed: true)
                record.update { s, _ in s.failures.append("\(phase.name): \(error)") }
                progress.done(phase.name, detail: "\(agg.tenant) FAILED: \(error)")
                logger.error("phase failed", metadata: ["tenant": "\(agg.tenant)", "phase": "\(phase.name)", "error": "\(error)"])
            }
        }
        return record
    }
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
