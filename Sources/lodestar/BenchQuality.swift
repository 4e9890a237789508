import ArgumentParser
import Foundation
import Logging
import Pipeline

/// Hidden: the models' figures on an export for `bench/run quality` (nothing written to MongoDB): per-tenant
/// backtests and recommender search as one JSON object on stdout, every live enrolment's risk as NDJSON in `--scores`.
struct BenchQuality: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-quality", abstract: "Risk backtests, scores and recommender search on an export, in memory (for bench/run quality).",
        shouldDisplay: false)

    @Option(help: "The events folder.") var source: String
    @Option(help: "The courses folder.") var catalog: String?
    @Option(help: "Write every live enrolment's risk here (NDJSON).") var scores: String
    @Option(help: "Tenants that consent to the pooled model, comma-separated, or 'all'.") var pooledConsent = ""
    @Option(help: "Training threads.") var threads = 2
    @Flag(help: "Skip the recommender search.") var noSearch = false

    func validate() throws { try FlagRange.check(threads, RefreshOptions.threadsRange, "--threads") }

    func run() async throws {
        var logger = Logger(label: "lodestar.bench-quality")
        logger.logLevel = .warning
        var options = RefreshOptions(source: [source], modelsDirectory: URL(fileURLWithPath: "/nonexistent"))
        options.catalog = catalog.map { [$0] } ?? []
        options.threads = threads
        options.dryRun = true
        options.recommender.search = !noSearch
        let all = pooledConsent == "all"
        options.pooledModelConsent = all ? [] : Set(pooledConsent.split(separator: ",").map(String.init))
        let (tenants, list) = try await QualityEvaluation.run(options: options, everyTenantConsents: all, logger: logger)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        var out = Data()
        for s in list {
            out.append(try enc.encode(s))
            out.append(0x0A)
        }
        try out.write(to: URL(fileURLWithPath: scores))
        print(String(decoding: try enc.encode(["tenants": tenants]), as: UTF8.self))
    }
}
