import EventSources
import Foundation
import LearningEvents
import LearningStore
import LinearAlgebra
import Logging
@testable import Pipeline
import SampleData

/// A generated snapshot export aggregated in memory (no database): what the model-quality tests read. Built once per
/// test process and shared (generation and reading are the slow part in a debug build).
struct QualityData: Sendable {
    let dir: URL
    let aggregators: [String: TenantAggregator]
    let catalog: Catalog
    let truth: Truth
    let options: RefreshOptions

    /// Tenants by size, largest first.
    var tenants: [String] { aggregators.keys.sorted { (aggregators[$0]!.enrolmentCount, $1) > (aggregators[$1]!.enrolmentCount, $0) } }

    func lessonCount(_ tenant: String) -> @Sendable (Int) -> Int? {
        let agg = aggregators[tenant]!, catalog = catalog
        return { catalog.lessonCount(tenant: tenant, course: agg.courses[$0]) }
    }

    /// Builds from a fresh export: `tenants` tenants, `learners` learners, `seed` (seeds the tests were not tuned on).
    static func build(label: String, tenants: Int, learners: Int, seed: UInt64) async throws -> QualityData {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-\(label)-\(UUID().uuidString)")
        // Generation is seconds of synchronous work: on a dedicated thread, not one of the cooperative pool's few
        // (tests that measure the pool's responsiveness run beside this one).
        _ = try await runOnDedicatedThread { _ in
            try Generator(config: GeneratorConfig(tenants: tenants, learners: learners, seed: seed))
                .run(directory: dir.path, format: .avro, codec: .deflate, gzip: false, rowsPerFile: 1_000_000)
        }
        var options = RefreshOptions(source: [dir.appendingPathComponent("events").path], modelsDirectory: dir.appendingPathComponent("models"))
        options.dryRun = true
        options.threads = 2
        options.job = .refresh
        var logger = Logger(label: "quality-test")
        logger.logLevel = .warning
        let read = try await ExportAggregation(options: options, startedAt: Date(), progress: ProgressReporter(logger: logger, terminal: false),
                                               logger: logger)
            .run(rows: QuarantineRows(runID: "t", recordedAt: Date(), retention: 86_400)) { _ in }
        let courses = try await CourseSource([dir.appendingPathComponent("courses").path]).read()
        let truth = try Truth(path: dir.appendingPathComponent("truth.ndjson").path)
        return QualityData(dir: dir, aggregators: read.aggregators, catalog: Catalog(courses.courses, provided: true), truth: truth, options: options)
    }
}

/// One shared instance per configuration.
actor QualityDataCache {
    static let shared = QualityDataCache()
    private var tasks: [String: Task<QualityData, any Error>] = [:]

    func data(label: String, tenants: Int, learners: Int, seed: UInt64) async throws -> QualityData {
        let key = "\(label)/\(tenants)/\(learners)/\(seed)"
        if let t = tasks[key] { return try await t.value }
        let t = Task { try await QualityData.build(label: label, tenants: tenants, learners: learners, seed: seed) }
        tasks[key] = t
        return try await t.value
    }
}

/// Expected calibration error over ten equal-width bins.
func expectedCalibrationError(_ p: [Double], _ y: [Bool]) -> Double {
    var n = [Int](repeating: 0, count: 10), sp = [Double](repeating: 0, count: 10), sy = [Double](repeating: 0, count: 10)
    for (pi, yi) in zip(p, y) {
        let b = min(9, max(0, Int(pi * 10)))
        n[b] += 1
        sp[b] += pi
        if yi { sy[b] += 1 }
    }
    return (0..<10).reduce(0) { $0 + (n[$1] == 0 ? 0 : abs(sp[$1] - sy[$1]) / Double(p.count)) }
}

/// Every tenant of a `QualityData` built by `RiskPhase.build` with every tenant consenting to the pooled model, largest
/// first (so the pool is filled before the small tenants borrow it), as a run does. Built once and shared.
actor ConsentingBuildsCache {
    static let shared = ConsentingBuildsCache()
    private var tasks: [String: Task<(pool: PlatformPrior, builds: [(tenant: String, build: RiskPhase.Build)]), any Error>] = [:]

    func builds(_ d: QualityData, label: String) async throws -> (pool: PlatformPrior, builds: [(tenant: String, build: RiskPhase.Build)]) {
        if let t = tasks[label] { return try await t.value }
        let t = Task { () async throws -> (pool: PlatformPrior, builds: [(tenant: String, build: RiskPhase.Build)]) in
            let pool = PlatformPrior()
            var out: [(tenant: String, build: RiskPhase.Build)] = []
            for t in d.tenants {
                out.append((t, try await RiskPhase.build(aggregate: d.aggregators[t]!, options: d.options.risk, settings: d.options.settings, lessonCount: d.lessonCount(t),
                                                         consent: true, pool: pool)))
            }
            return (pool: pool, builds: out)
        }
        tasks[label] = t
        return try await t.value
    }
}
