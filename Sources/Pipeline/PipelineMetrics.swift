public import Metrics

/// The batch pipeline's metrics (swift-metrics; `lodestar serve` exports them to Prometheus):
///
/// | metric | kind | dimensions |
/// |---|---|---|
/// | `lodestar_run_rows_total` | counter | `outcome`: read, valid, quarantined |
/// | `lodestar_run_files_failed_total` | counter | |
/// | `lodestar_phase_duration_seconds` | timer | `phase`, `outcome`: ok, failed |
/// | `lodestar_phase_failures_total` | counter | `phase` |
/// | `lodestar_model_fit_seconds` | timer | `model`: als, logistic (time in BLAS-bound training) |
public struct PipelineMetrics: Sendable {
    public let factory: any MetricsFactory

    public init(factory: any MetricsFactory = MetricsSystem.factory) { self.factory = factory }

    func rows(_ outcome: String, _ n: Int) {
        guard n > 0 else { return }
        Counter(label: "lodestar_run_rows_total", dimensions: [("outcome", outcome)], factory: factory).increment(by: n)
    }

    func filesFailed(_ n: Int) {
        guard n > 0 else { return }
        Counter(label: "lodestar_run_files_failed_total", factory: factory).increment(by: n)
    }

    func phase(_ name: String, _ elapsed: Duration, failed: Bool) {
        Timer(label: "lodestar_phase_duration_seconds", dimensions: [("phase", name), ("outcome", failed ? "failed" : "ok")], factory: factory)
            .recordNanoseconds(Self.nanoseconds(elapsed))
        if failed { Counter(label: "lodestar_phase_failures_total", dimensions: [("phase", name)], factory: factory).increment() }
    }

    /// Times `body` as one model fit.
    func fit<T>(_ model: String, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer {
            Timer(label: "lodestar_model_fit_seconds", dimensions: [("model", model)], factory: factory)
                .recordNanoseconds(Self.nanoseconds(ContinuousClock.now - start))
        }
        return try await body()
    }

    static func nanoseconds(_ d: Duration) -> Int64 { d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000 }
}
