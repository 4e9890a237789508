import EventSources
import Foundation
import LearningEvents
import LearningStore
import Logging
import MongoStore
@testable import Pipeline
import Testing

/// Fits, top-K, explanations and scoring run on dedicated threads, and export files are read and decoded on the
/// reader threads: with more phases computing (or more exports being read) at once than the cooperative pool has
/// threads, a task on the pool (where the API answers) keeps running on time.
@Suite("Compute stays off the cooperative pool")
struct ComputePlacementTests {
    @Test("a ticker on the cooperative pool keeps ticking while more phases compute than the pool has threads")
    func poolStaysResponsive() async throws {
        let f = try await PipelineFixture(label: "placement", tenants: 1, learners: 900, seed: 3)
        var options = f.options()
        options.dryRun = true
        options.threads = 1
        options.recommender.als.iterations = 20
        var agg = TenantAggregator(tenant: "tenant-000", cutoffs: try Cutoffs(score: PipelineFixture.cutoff, horizonDays: options.risk.horizonDays))
        for try await record in ExportSource([f.events]).records() {
            if case .event(let e, _, _) = record { agg.add(e) }
        }
        let db = try MongoClient(uri: "mongodb://127.0.0.1:1/").database("unused")  // a dry run writes nothing
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let contexts = (0..<(ProcessInfo.processInfo.activeProcessorCount + 1)).map { _ in
            TenantRunContext(runID: "r", tenant: "tenant-000", scope: db.tenant("tenant-000"),
                             registry: ModelRegistry(db: db, modelsDirectory: f.dir), aggregate: agg, catalog: Catalog(),
                             options: options.phaseOptions, settings: options.settings, startedAt: Date(), progress: ProgressReporter(logger: logger, terminal: false),
                             logger: logger, record: TenantRunRecord(tenant: "tenant-000"))
        }
        let clock = ContinuousClock()
        let ticker = Task { () -> (ticks: Int, maxGap: Duration) in
            var last = clock.now, maxGap = Duration.zero, ticks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(10))
                let now = clock.now
                maxGap = max(maxGap, now - last)
                last = now
                ticks += 1
            }
            return (ticks, maxGap)
        }
        let start = clock.now
        try await withThrowingTaskGroup(of: PhaseOutcome.self) { group in
            for (i, context) in contexts.enumerated() {
                group.addTask { i % 2 == 0 ? try await RecommenderPhase(writeRecommendations: true).run(context) : try await RiskPhase().run(context) }
            }
            for try await outcome in group { #expect(outcome == .dryRun, "each phase trained and scored (dry run): \(outcome)") }
        }
        let elapsed = clock.now - start
        ticker.cancel()
        let (ticks, maxGap) = await ticker.value
        print("phases computed for \(elapsed); the ticker ticked \(ticks) times, longest gap \(maxGap)")
        #expect(elapsed > .milliseconds(500), "the phases did enough work to matter")
        // Were the fits on the pool, more of them than the pool has threads would hold it for whole fits (seconds) and
        // the ticker would barely tick; scheduling noise on a busy machine is a fraction of that.
        let expected = Double(elapsed.components.seconds) * 100 + Double(elapsed.components.attoseconds) * 1e-16
        #expect(Double(ticks) >= expected * 0.25, "the ticker kept running: \(ticks) ticks of an ideal \(Int(expected))")
        #expect(maxGap < .seconds(1), "the cooperative pool was never blocked for long (longest gap \(maxGap))")
        try await f.finish()
    }

    @Test("a ticker on the cooperative pool keeps ticking while more exports are read than the pool has threads")
    func poolStaysResponsiveWhileReading() async throws {
        let f = try await PipelineFixture(label: "placement-read", tenants: 1, learners: 900, seed: 3)
        let readers = ProcessInfo.processInfo.activeProcessorCount + 1
        let ticker = Ticker()
        let start = ContinuousClock.now
        let rows = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<readers {
                group.addTask {
                    // Whole passes over the export until a second has gone, as a run's aggregation reads it.
                    var rows = 0
                    repeat {
                        for try await batch in ExportSource([f.events], batchSize: 4096).batches() { rows += batch.count }
                    } while ContinuousClock.now - start < .seconds(1)
                    return rows
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        let (ticks, maxGap) = await ticker.stop()
        print("\(readers) readers read \(rows) rows in \(elapsed); the ticker ticked \(ticks) times, longest gap \(maxGap)")
        #expect(rows > 0, "the export was read")
        // Were reads and decoding on the pool, more readers than it has threads would hold every thread for whole
        // passes over the file and the ticker would barely tick.
        #expect(Double(ticks) >= Ticker.ideal(elapsed) * 0.25, "the ticker kept running: \(ticks) ticks of an ideal \(Int(Ticker.ideal(elapsed)))")
        #expect(maxGap < .milliseconds(500), "the cooperative pool was never blocked for long (longest gap \(maxGap))")
        try await f.finish()
    }
}

/// A task on the cooperative pool that sleeps 10 ms at a time and records how often it got to run.
private struct Ticker {
    let task: Task<(ticks: Int, maxGap: Duration), Never>

    init() {
        task = Task {
            let clock = ContinuousClock()
            var last = clock.now, maxGap = Duration.zero, ticks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(10))
                let now = clock.now
                maxGap = max(maxGap, now - last)
                last = now
                ticks += 1
            }
            return (ticks, maxGap)
        }
    }

    func stop() async -> (ticks: Int, maxGap: Duration) {
        task.cancel()
        return await task.value
    }

    /// The ticks of an unhindered ticker over `elapsed`.
    static func ideal(_ elapsed: Duration) -> Double {
        Double(elapsed.components.seconds) * 100 + Double(elapsed.components.attoseconds) * 1e-16
    }
}
