import Foundation
import LodestarTestSupport
import Logging
import MetricsTestKit
import MongoStore
@testable import Pipeline
import Testing

@Suite("Pipeline and MongoDB metrics")
struct MetricsTests {
    @Test("a run counts rows, times phases and fits, and MongoDB operations are timed")
    func runMetrics() async throws {
        let f = try await PipelineFixture(label: "metrics", tenants: 1, learners: 150)
        let metrics = TestMetrics()
        let client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "metrics-test", metrics: metrics)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let summary = try await RefreshJob(options: f.options(), db: client.database(f.db.name), logger: logger,
                                           progress: ProgressReporter(logger: logger, terminal: false),
                                           metrics: PipelineMetrics(factory: metrics)).run()
        #expect(try metrics.expectCounter("lodestar_run_rows_total", [("outcome", "valid")]).totalValue == Int64(summary.rowsValid))
        #expect(try metrics.expectTimer("lodestar_phase_duration_seconds", [("phase", "features"), ("outcome", "ok")]).values.count == 1)
        #expect(try metrics.expectTimer("lodestar_model_fit_seconds", [("model", "als")]).values.count >= 1)
        let upserts = metrics.timers.filter { $0.label == "lodestar_mongo_operation_seconds" && $0.dimensions.contains { $0 == ("operation", "bulk") } }
        #expect(!upserts.isEmpty, "bulk writes are timed per collection")
        try await f.finish()
    }
}
