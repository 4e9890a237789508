import Foundation

/// One self-contained HTML file per run with the summary table and SVG charts per tenant.
enum ReportWriter {
    static func write(summary: RunSummary, tenants: [TenantReport], to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("lodestar-\(summary.runID).html")
        try html(summary: summary, tenants: tenants).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The risk backtest beside its baselines, with 95 % intervals, or "not enough data".
    static func backtestTable(_ b: RiskBacktest.Result?) -> String {
        guard let b else { return "" }
        let e = SVGChart.escape
        let iso = ISO8601DateFormatter()
        func t(_ micros: Int64) -> String { iso.string(from: Date(timeIntervalSince1970: Double(micros) / 1_000_000)) }
        let head = "<p>Risk backtest: trained as of \(e(t(b.trainedAsOf))), scored as of \(e(t(b.scoredAsOf))), outcomes read at \(e(t(b.outcomesAt))); "
            + "\(b.scored) enrolments scored, \(b.droppedByOutcome) dropped.</p>"
        guard b.enoughData else { return head + "<p><strong>Not enough data:</strong> \(e(b.note ?? ""))</p>" }
        func cell(_ i: RiskBacktest.Interval?) -> String {
            guard let i else { return "<td>—</td><td>—</td>" }
            let ci = i.low.map { l in i.high.map { String(format: "%.3f – %.3f", l, $0) } ?? "—" } ?? "—"
            return String(format: "<td>%.3f</td>", i.value) + "<td>\(ci)</td>"
        }
        return head + "<table><tr><th>ranking of who drops out</th><th>AUC</th><th>95 % interval</th></tr>"
            + "<tr><td>risk model</td>\(cell(b.auc))</tr>"
            + "<tr><td>days since last activity</td>\(cell(b.daysSinceLastActivityAUC))</tr>"
            + "<tr><td>course base rate</td>\(cell(b.courseBaseRateAUC))</tr>"
            + "<tr><td>gain over days since last activity</td>\(cell(b.gainOverActivity))</tr></table>"
            + (b.horizonECE.map { String(format: "<p>Expected calibration error of P(dropout within the horizon): %.3f.</p>", $0) } ?? "")
    }

    /// The recommender's hyperparameter search, one row per configuration tried, then what was decided and
    /// published (the defaults kept, or a choice not activated because it scored below them).
    static func searchTable(_ trace: [String], decision: [String] = []) -> String {
        guard !trace.isEmpty || !decision.isEmpty else { return "" }
        let e = SVGChart.escape
        return "<p>Recommender search (validation on each learner's newest course, nDCG@10; gains over the defaults with paired "
            + "bootstrap intervals over learners):</p><ul>" + trace.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
            + decision.map { "<p><strong>Recommender:</strong> \(e($0)).</p>" }.joined()
    }

    static func html(summary: RunSummary, tenants: [TenantReport]) -> String {
        let e = SVGChart.escape
        func f(_ v: Double?, _ digits: Int = 3) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "—" }
        var rows = ""
        for t in summary.tenants {
            let phases = t.phaseSeconds.map { "\($0.phase) \(f($0.seconds, 1)) s" }.joined(separator: ", ")
            rows += "<tr><td>\(e(t.tenant))</td><td>\(t.events)</td><td>\(t.learners)</td><td>\(t.courses)</td><td>\(e(t.recommenderKind ?? "—"))</td>"
                + "<td>\(f(t.ndcg10))</td><td>\(f(t.popularityNDCG10))</td><td>\(f(t.precision10))</td><td>\(f(t.popularityPrecision10))</td>"
                + "<td>\(e(t.riskMethod ?? "—"))</td><td>\(f(t.riskAUC))</td><td>\(f(t.riskBaselineAUC))</td><td>\(f(t.riskECE))</td>"
                + "<td>\(t.scoredEnrolments)</td><td>\(e(phases))</td></tr>\n"
        }
        var sections = ""
        for t in tenants {
            var charts = ""
            if !t.roc.isEmpty { charts += SVGChart.roc(t.roc, auc: t.auc) }
            if !t.calibration.isEmpty { charts += SVGChart.calibration(t.calibration, title: "Reliability (backtest, within the horizon)") }
            if !t.bandsByCourse.isEmpty {
                charts += SVGChart.bars("Risk bands per course (live enrolments)", rows: t.bandsByCourse.map { ($0.0, [$0.1, $0.2, $0.3]) },
                                        colours: ["#2da44e", "#d4a72c", "#d1242f"], legend: ["low", "medium", "high"])
            }
            if !t.popularity.isEmpty {
                charts += SVGChart.bars("Most popular courses (learners)", rows: t.popularity.map { ($0.0, [$0.1]) },
                                        colours: ["#1f6feb"], legend: ["learners"])
            }
            let ts = summary.tenants.first { $0.tenant == t.tenant }
            let notes = (ts?.failures.map { "FAILED: " + $0 } ?? []) + (ts?.notes ?? [])
            sections += "<section><h2>Tenant \(e(t.tenant))</h2>"
                + (notes.isEmpty ? "" : "<ul>" + notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>")
                + backtestTable(t.backtest) + searchTable(t.searchTrace, decision: t.searchDecision)
                + "<div class=\"charts\">\(charts)</div></section>\n"
        }
        let iso = ISO8601DateFormatter()
        let cutoff = summary.cutoff.map { iso.string(from: Date(timeIntervalSince1970: Double($0) / 1_000_000)) }
            ?? "per tenant (each tenant's newest event)"
        let blocked = summary.notPublished.map { "<p><strong>Nothing was published:</strong> \(e($0))</p>" } ?? ""
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Lodestar run \(e(summary.runID))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse;font-size:13px}
        td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
        .charts{display:flex;flex-wrap:wrap;gap:16px}svg{border:1px solid #eee}
        </style></head><body>
        <h1>Lodestar \(e(summary.job)) — run \(e(summary.runID))</h1>
        \(blocked)<p>Cutoff \(e(cutoff)). Rows read \(summary.rowsRead), valid \(summary.rowsValid), quarantined \(summary.quarantined)\
        \(summary.failedFiles.isEmpty ? "" : ", failed files: " + e(summary.failedFiles.joined(separator: "; "))). Read in \(f(summary.readSeconds, 1)) s.</p>
        <table><tr><th>tenant</th><th>events</th><th>learners</th><th>courses</th><th>recommender</th><th>nDCG@10</th><th>popularity nDCG@10</th>
        <th>precision@10</th><th>popularity precision@10</th><th>risk model</th><th>risk AUC (backtest)</th><th>days-since-activity AUC</th>
        <th>ECE</th><th>scored enrolments</th><th>time per phase</th></tr>
        \(rows)</table>
        \(sections)
        </body></html>
        """
    }
}
