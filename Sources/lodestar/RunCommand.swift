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

    @Option(name: .long, parsing: .upToNextOption, help: "The courses export (optional; when given, recommendations fail closed to it).")
    var catalog: [String] = []

    @Option(name: .long, help: "A tenant to process (repeatable).")
    var tenant: [String] = []

    @Flag(name: .long, help: "Process every tenant in the export.")
    var all = false

    @Option(help: "Score cutoff for every tenant (RFC 3339 or 'YYYY-MM-DD HH:MM:SS UTC'); default: each tenant's newest event.")
    var cutoff: String?

    @Option(help: "Risk backtest horizon in days (trained as of cutoff − 2·horizon, scored as of cutoff − horizon, outcomes at the cutoff); default 28.")
    var horizonDays: Int?

    @Option(help: "Days without activity that make an open enrolment a dropout; default 21.")
    var inactivityDays: Int?

    @Option(help: "Embedding size; default 16.")
    var factors: Int?

    @Option(help: "iALS iterations; default 15.")
    var iterations: Int?

    @Option(help: "iALS regularisation λ; default 10.")
    var regularization: Float?

    @Option(help: "iALS confidence scale α (confidence = α · summed event weight); default 1.")
    var alpha: Float?

    @Option(help: "Threads for training (BLAS stays on one thread per call); default: the cores.")
    var threads: Int?

    @Option(help: "This machine's models folder: the artifact cache, or the store itself when --artifacts is a folder.")
    var modelsDir = "models"

    @OptionGroup var artifactOptions: ArtifactOptions

    @Option(help: "Folder for the HTML report.")
    var reportDir = "var/reports"

    @Flag(help: "Skip the held-out evaluations (recommender hold-out, risk backtest).")
    var noEvaluate = false

    @Flag(help: "Skip the recommender's per-tenant hyperparameter search (use the given or default values).")
    var noSearch = false

    @Option(help: "Seconds of recommender search per 100,000 interactions (0…600; never below 20 s a tenant); default 5.")
    var searchBudget: Double?

    @Option(help: "Tenants that consent to the pooled risk model, comma-separated (default: the `tenants` collection).")
    var pooledConsent: String?

    @Flag(help: "Compute, evaluate and report, but write nothing and read nothing from MongoDB (no artifacts; pooled-model consent only from --pooled-consent).")
    var dryRun = false

    @Flag(help: "Publish even when some files failed part-way (by default nothing is published then).")
    var allowPartial = false

    @Option(help: "Seconds to wait for another run of the same tenant that is publishing; default 600.")
    var leaseWait: Int?

    @Option(help: "Write a JSON summary of the run to this file.")
    var summaryJSON: String?

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard JobKind.named(job) != nil else {
            throw ValidationError("unknown job '\(job)': use one of \(JobKind.all.map(\.name).joined(separator: ", "))")
        }
        guard all != !tenant.isEmpty else { throw ValidationError("give --all or at least one --tenant") }
        for t in tenant where !Identifier.isValid(t) { throw ValidationError("invalid tenant id '\(t)'") }
        let check = FlagRange.check(_:_:_:) as (Int?, ClosedRange<Int>, String) throws -> Void
        try check(horizonDays, RefreshOptions.horizonRange, "--horizon-days")
        try check(inactivityDays, RefreshOptions.inactivityRange, "--inactivity-days")
        try check(factors, RefreshOptions.factorsRange, "--factors")
        try check(iterations, RefreshOptions.iterationsRange, "--iterations")
        try check(threads, RefreshOptions.threadsRange, "--threads")
        try check(leaseWait, 0...86_400, "--lease-wait")
        try FlagRange.check(regularization, RefreshOptions.regularizationRange, "--regularization")
        try FlagRange.check(alpha, RefreshOptions.alphaRange, "--alpha")
        try FlagRange.check(searchBudget, RecommenderSearch.budgetRange, "--search-budget")
        if let cutoff {
            guard let micros = Timestamp.parse(cutoff), RefreshOptions.cutoffRange.contains(micros) else {
                throw ValidationError("cannot read --cutoff '\(cutoff)' (a time between 1970 and 2200)")
            }
        }
    }

    func run() async throws {
        var config = Configuration(overrides: connection)
        config.modelsDirectory = modelsDir
        if let artifacts = artifactOptions.artifacts { config.artifacts = artifacts }
        let logger = Logger(label: "lodestar.run")
        for p in config.problems { logger.warning("configuration", metadata: ["problem": "\(p)"]) }
        var options = RefreshOptions(source: source, modelsDirectory: URL(fileURLWithPath: modelsDir))
        options.job = JobKind.named(job)!  // checked in validate()
        options.catalog = catalog
        options.storage = dryRun ? try config.remoteStorage(for: source + catalog) : try config.storage(reading: source + catalog)
        options.tenants = all ? .all : .only(tenant)
        options.cutoff = cutoff.flatMap(Timestamp.parse)
        if let horizonDays { options.risk.horizonDays = horizonDays }
        if let inactivityDays { options.risk.inactivityDays = inactivityDays }
        if let factors { options.recommender.als.factors = factors }
        if let iterations { options.recommender.als.iterations = iterations }
        if let regularization { options.recommender.als.regularization = regularization }
        if let alpha { options.recommender.als.alpha = alpha }
        if let threads { options.threads = threads }
        if let leaseWait { options.leaseWait = .seconds(leaseWait) }
        options.leaseDuration = config.leaseDuration
        options.quarantineRetentionDays = config.quarantineTTLDays
        options.recommender.evaluate = !noEvaluate
        options.risk.backtest = !noEvaluate
        options.recommender.search = !noSearch
        if let searchBudget { options.recommender.searchSettings.secondsPer100kInteractions = searchBudget }
        if let pooledConsent {
            options.pooledModelConsent = Set(pooledConsent.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        options.dryRun = dryRun
        options.allowPartial = allowPartial
        options.reportDirectory = URL(fileURLWithPath: reportDir)

        let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-run")
        let db = client.database(config.database)
        if !dryRun { options.artifacts = try config.artifactStore(db: db, storage: options.storage) }
        let summary = try await RefreshJob(options: options, db: db, logger: logger).run()
        SummaryTable.print(summary)
        if let summaryJSON {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(summary).write(to: URL(fileURLWithPath: summaryJSON))
        }
        if !summary.failedFiles.isEmpty { throw ExitCode(2) }
        if !summary.succeeded { throw ExitCode(3) }
    }
}

/// The end-of-run table.
enum SummaryTable {
    static func print(_ s: RunSummary) {
        func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "—" }
        func pad(_ x: String, _ n: Int) -> String { x.count >= n ? x : x + String(repeating: " ", count: n - x.count) }
        Swift.print("\nrun \(s.runID) (\(s.job)): read \(s.rowsRead) rows in \(String(format: "%.1f", s.readSeconds)) s, \(s.rowsValid) valid, \(s.quarantined) quarantined\(s.failedFiles.isEmpty ? "" : ", \(s.failedFiles.count) files FAILED")")
        let header = [pad("tenant", 12), pad("events", 8), pad("learners", 8), pad("courses", 7), pad("model", 10), pad("nDCG@10", 8),
                      pad("pop nDCG", 8), pad("P@10", 6), pad("pop P@10", 8), pad("risk", 12), pad("risk AUC", 8), pad("idle AUC", 8),
                      "time per phase"]
        Swift.print(header.joined(separator: " "))
        for t in s.tenants {
            let phases = t.phaseSeconds.map { "\($0.phase) \(String(format: "%.1f", $0.seconds))s" }.joined(separator: ", ")
            Swift.print([pad(t.tenant, 12), pad("\(t.events)", 8), pad("\(t.learners)", 8), pad("\(t.courses)", 7),
                         pad(t.recommenderKind ?? "—", 10), pad(f(t.ndcg10), 8), pad(f(t.popularityNDCG10), 8), pad(f(t.precision10), 6),
                         pad(f(t.popularityPrecision10), 8), pad(t.riskMethod ?? "—", 12), pad(f(t.riskAUC), 8), pad(f(t.riskBaselineAUC), 8),
                         phases].joined(separator: " "))
            for f in t.failures { Swift.print("  FAILED: \(f)") }
            for n in t.notes { Swift.print("  note: \(n)") }
        }
        if let why = s.notPublished { Swift.print("NOTHING PUBLISHED: \(why)") }
        if let r = s.reportPath { Swift.print("report: \(r)") }
    }
}
