import EventSources
import Foundation
import LearningEvents
import LearningStore
import Logging

/// The read pass of a run: per-tenant aggregates of the export, the quarantine rows, the counts.
///
/// Each tenant's score cutoff is the pinned one, or else its own newest event (found by a first, columnar pass),
/// so a tenant's late or future-dated data never moves another tenant's cutoff. Rows dated more than
/// `futureTolerance` after the run started are quarantined (reason and tenant kept) and count for nobody.
struct ExportAggregation {
    let options: RefreshOptions
    let startedAt: Date
    let progress: ProgressReporter
    let logger: Logger

    struct Result {
        var aggregators: [String: TenantAggregator] = [:]
        var rowsRead = 0
        var rowsValid = 0
        var quarantined = 0
        var failedFiles: [String] = []
        var seconds = 0.0
    }

    /// The newest accepted time, in microseconds.
    var futureLimit: Int64 {
        let tolerance = Double(options.futureTolerance.components.seconds)
        return Int64((startedAt.timeIntervalSince1970 + tolerance) * 1_000_000)
    }

    /// Reads the export; `flush` receives quarantine documents in batches of `writeBatchSize`.
    func run(rows: QuarantineRows, flush: ([QuarantineDocument]) async throws -> Void) async throws -> Result {
        let source = ExportSource(options.source, gcs: options.storage.gcs)
        let clock = ContinuousClock()
        let start = clock.now
        var cutoffs: [String: Cutoffs] = [:]
        let pinned: Cutoffs? = try options.cutoff.map { try Cutoffs(score: $0, horizonDays: options.risk.horizonDays) }
        if pinned == nil {
            progress.phase("scan", detail: "newest event per tenant in \(options.source.joined(separator: " "))")
            for (tenant, newest) in try await newestPerTenant(source) {
                cutoffs[tenant] = try Cutoffs(score: newest, horizonDays: options.risk.horizonDays)
            }
        }
        let fallback = try Cutoffs(score: min(futureLimit, Int64(startedAt.timeIntervalSince1970 * 1_000_000)), horizonDays: options.risk.horizonDays)

        var result = Result()
        var pending: [QuarantineDocument] = []
        progress.phase("read", detail: "streaming events")
        var symbols = SymbolTable()
        var tenantOfSymbol: [UInt32: String?] = [:]  // the tenant's name when the run covers it, nil when it does not
        var nextProgress = 250_000
        let limit = futureLimit
        for try await batch in source.batches() {
            symbols.absorb(batch)
            result.rowsRead += batch.count + batch.quarantined.count
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
                let t = batch.occurredAt[i]
                if t > limit {
                    result.quarantined += 1
                    pending.append(rows.refused(
                        tenant: symbols[ts] ?? "", source: batch.file, position: "\(batch.position(at: i))",
                        reason: "occurred_at \(Timestamp.rfc3339(t)) is more than \(Int(options.futureTolerance.components.seconds) / 3600) h after the run started",
                        field: "occurred_at"))
                    continue
                }
                result.rowsValid += 1
                guard let tenant else { continue }
                if result.aggregators[tenant] == nil {
                    result.aggregators[tenant] = TenantAggregator(tenant: tenant, cutoffs: pinned ?? cutoffs[tenant] ?? fallback,
                                                                  snapshots: options.job.phases.contains { $0 is RiskPhase })
                }
                result.aggregators[tenant]!.add(row: i, of: batch, symbols: symbols)
            }
            for q in batch.quarantined {
                result.quarantined += 1
                pending.append(rows.row(q))
            }
            if let f = batch.failure {
                result.failedFiles.append("\(f)")
                logger.error("file failed", metadata: ["error": "\(f)"])
                pending.append(rows.failure(f))
            }
            if pending.count >= options.writeBatchSize {
                try await flush(pending)
                pending.removeAll(keepingCapacity: true)
            }
            if result.rowsRead >= nextProgress {
                progress.count("read", result.rowsRead)
                nextProgress += 250_000
            }
        }
        try await flush(pending)
        result.seconds = seconds(clock.now - start)
        progress.done("read", detail: "\(result.rowsRead) rows, \(result.rowsValid) valid, \(result.quarantined) quarantined, \(result.aggregators.count) tenants")
        return result
    }

    /// The newest accepted `occurred_at` of each tenant the run covers (a quick columnar pass).
    func newestPerTenant(_ source: ExportSource) async throws -> [String: Int64] {
        let limit = futureLimit
        var newestBySymbol: [UInt32: Int64] = [:]
        var symbols = SymbolTable()
        for try await batch in source.batches() {
            symbols.absorb(batch)
            for i in 0..<batch.count {
                let t = batch.occurredAt[i]
                guard t <= limit else { continue }
                let s = batch.tenants[i]
                if t > newestBySymbol[s, default: .min] { newestBySymbol[s] = t }
            }
        }
        var out: [String: Int64] = [:]
        for (s, t) in newestBySymbol {
            guard let name = symbols[s], options.tenants.includes(name) else { continue }
            out[name] = t
        }
        return out
    }
}
