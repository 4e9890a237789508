import ArgumentParser
import Foundation
import LearningEvents
import Logging
import MongoStore
import Pipeline

/// `lodestar run JOB --source … (--tenant T … | --all)`: the batch jobs the scheduler runs, by hand.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a batch job: ingest, train-embeddings, score-risk, recommend or refresh (all of them).")

    @Argument(help: "ingest | train-embeddings | score-risk | recommend | refresh")
    var job: String

    @Option(name: .long, parsing: .upToNextOption, help: "Export files, folders, globs or gs://bucket/prefix* of learning_events.")
    var source: [String]

    @Option(name: .long, parsing: .upToNextOption, help: "The courses export (optional).")
    var catalog: [String] = []

    @Option(name: .long, help: "A tenant to process (repeatable).")
    var tenant: [String] = []

    @Flag(name: .long, help: "Process every tenant in the export.")
    var all = false

    @Option(help: "Score cutoff (RFC 3339 or 'YYYY-MM-DD HH:MM:SS UTC'); default: the newest event in the export.")
    var cutoff: String?

    @Option(help: "Training horizon in days (features at cutoff − horizon, labels at cutoff).")
    var horizonDays = 14

    @Option(help: "Days without activity that make an open enrolment a dropout.")
    var inactivityDays = 21

    @Option(help: "Embedding size.")
    var factors = 16

    @Option(help: "iALS iterations.")
    var iterations = 15

    @Option(help: "iALS regularisation λ.")
    var regularization: Float?

    @Option(help: "iALS confidence scale α (confidence = α · summed event weight).")
    var alpha: Float?

    @Option(help: "Threads for training (BLAS stays on one thread per call).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Folder for model artifacts (models/<tenant>/<kind>/<version>/).")
    var modelsDir = "models"

    @Option(help: "Folder for the HTML report.")
    var reportDir = "var/reports"

    @Flag(help: "Skip the held-out evaluation (one training instead of two).")
    var noEvaluate = false

    @Flag(help: "Compute, evaluate and report, but write nothing to MongoDB.")
    var dryRun = false

    @Option(help: "Write a JSON summary of the run to this file.")
    var summaryJSON: String?

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard let kind = JobKind(rawValue: job) else {
            throw ValidationError("unknown job '\(job)': use one of \(JobKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard all != !tenant.isEmpty else { throw ValidationError("give --all or at least one --tenant") }
        for t in tenant where !Identifier.isValid(t) { throw ValidationError("invalid tenant id '\(t)'") }
        let config = Configuration(overrides: connection)
        var options = RefreshOptions(source: source, modelsDirectory: URL(fileURLWithPath: modelsDir))
        options.job = kind
        options.catalog = catalog
        options.storage = try config.remoteStorage(for: source + catalog)
        options.tenants = all ? .all : .only(tenant)
        if let cutoff {
            guard let micros = Timestamp.parse(cutoff) else { throw ValidationError("cannot read --cutoff '\(cutoff)'") }
            options.cutoff = micros
        }
        options.horizonDays = horizonDays
        options.inactivityDays = inactivityDays
        options.als.factors = factors
        options.als.iterations = iterations
        options.als.threads = max(1, threads)
        if let regularization { options.als.regularization = regularization }
        if let alpha { options.als.alpha = alpha }
        options.logistic.threads = max(1, threads)
        options.evaluate = !noEvaluate
        options.dryRun = dryRun
        options.reportDirectory = URL(fileURLWithPath: reportDir)

        let logger = Logger(label: "lodestar.run")
        let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-run")
        let summary = try await RefreshJob(options: options, db: client.database(config.database), logger: logger).run()
        SummaryTable.print(summary)
        if let summaryJSON {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(summary).write(to: URL(fileURLWithPath: summaryJSON))
        }
        if !summary.failedFiles.isEmpty { throw ExitCode(2) }
    }
}

/// The end-of-run table.
enum SummaryTable {
    static func print(_ s: RunSummary) {
        func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "—" }
        func pad(_ x: String, _ n: Int) -> String { x.count >= n ? x : x + String(repeating: " ", count: n - x.count) }
        Swift.print("\nrun \(s.runID) (\(s.job)): read \(s.rowsRead) rows in \(String(format: "%.1f", s.readSeconds)) s, \(s.rowsValid) valid, \(s.quarantined) quarantined\(s.failedFiles.isEmpty ? "" : ", \(s.failedFiles.count) files FAILED")")
        let header = [pad("tenant", 12), pad("events", 8), pad("learners", 8), pad("courses", 7), pad("model", 10), pad("nDCG@10", 8),
                      pad("pop nDCG", 8), pad("P@10", 6), pad("pop P@10", 8), pad("risk AUC", 8), "time per phase"]
        Swift.print(header.joined(separator: " "))
        for t in s.tenants {
            let phases = t.phaseSeconds.map { "\($0.phase) \(String(format: "%.1f", $0.seconds))s" }.joined(separator: ", ")
            Swift.print([pad(t.tenant, 12), pad("\(t.events)", 8), pad("\(t.learners)", 8), pad("\(t.courses)", 7),
                         pad(t.recommenderKind ?? "—", 10), pad(f(t.ndcg10), 8), pad(f(t.popularityNDCG10), 8), pad(f(t.precision10), 6),
                         pad(f(t.popularityPrecision10), 8), pad(f(t.riskAUC), 8), phases].joined(separator: " "))
            for n in t.notes { Swift.print("  note: \(n)") }
        }
        if let r = s.reportPath { Swift.print("report: \(r)") }
    }
}
