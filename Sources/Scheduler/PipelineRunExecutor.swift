import Foundation
import LearningStore
import Logging
import Synchronization
package import MongoStore
package import Pipeline

/// Runs a job run through the pipeline: `RefreshJob` with the run's kind, its one tenant and its parameters.
package struct PipelineRunExecutor: RunExecutor {
    package let db: MongoDatabase
    /// The defaults every run starts from (models folder, threads, lease length, …) before its parameters.
    package let baseOptions: RefreshOptions

    package init(db: MongoDatabase, baseOptions: RefreshOptions) {
        self.db = db
        self.baseOptions = baseOptions
    }

    package func execute(_ run: RunDocument, context: RunContext) async throws -> RunMetrics {
        guard let kind = JobKind.named(run.kind) else { throw RunFailure("unknown job kind '\(run.kind)'") }
        var options = baseOptions
        options.job = kind
        options.tenants = .only([run.tenant_id])
        options.reportDirectory = nil
        // A refused activation (the run's own lease found lost inside the transaction) must end the attempt as a
        // lost lease, not as a failure: the pipeline reports a phase's error per tenant, so the guard notes it here.
        let refused = RefusedActivation()
        let guardCheck = context.activationGuard
        options.activationGuard = { tx in
            do { try await guardCheck(tx) } catch let error as LeaseError {
                if case .lost = error { refused.set() }
                throw error
            }
        }
        for (key, value) in run.params.sorted(by: { $0.key < $1.key }) {
            guard let p = JobParameter(rawValue: key) else { throw RunFailure("unknown parameter '\(key)'") }
            do { try p.apply(value, to: &options) } catch { throw RunFailure("param \(key): \(error)") }
        }
        if kind.readsExport, options.source.isEmpty || options.source == ["-"] {
            throw RunFailure("no source: the job file gives none and the run has no source param")
        }
        // The run's progress text comes from the typed steps; the reporter's own log lines go nowhere (the run logs
        // through `context.logger`).
        let sink = context.progress
        let progress = ProgressReporter(logger: Logger(label: "lodestar.scheduler.run", factory: { _ in SwiftLogNoOpLogHandler() }),
                                        terminal: false, onProgress: { sink($0.text) })
        let summary: RunSummary
        do {
            summary = try await RefreshJob(options: options, db: db, logger: context.logger, progress: progress).run()
        } catch let e as CancellationError {
            throw e
        } catch {
            if refused.isSet { throw RunLeaseLost(runID: run._id) }
            throw RunFailure("\(error)")
        }
        if refused.isSet { throw RunLeaseLost(runID: run._id) }
        var m = RunMetrics()
        m.rows_read = kind.readsExport ? summary.rowsRead : nil
        m.rows_valid = kind.readsExport ? summary.rowsValid : nil
        m.quarantined = kind.readsExport ? summary.quarantined : nil
        if let t = summary.tenants.first(where: { $0.tenant == run.tenant_id }) {
            if kind.readsExport {
                m.tenant_rows = t.events
                m.learners = t.learners
                m.courses = t.courses
            }
            m.ndcg10 = t.ndcg10
            m.precision10 = t.precision10
            m.popularity_ndcg10 = t.popularityNDCG10
            m.auc = t.riskAUC
            m.scored = t.scoredEnrolments > 0 ? t.scoredEnrolments : nil
            m.recommender_version = t.recommenderVersion
            m.risk_version = t.riskVersion
            m.notes = t.notes.isEmpty ? nil : t.notes
        }
        guard summary.succeeded else {
            var reasons = summary.failedFiles.map { "file failed: \($0)" }
            if let why = summary.notPublished { reasons.append("not published: \(why)") }
            for t in summary.tenants { reasons += t.failures }
            throw RunFailure(reasons.isEmpty ? "the run did not succeed" : reasons.joined(separator: "; "))
        }
        return m
    }
}

/// Set when the run's activation guard found the run's lease lost.
private final class RefusedActivation: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
