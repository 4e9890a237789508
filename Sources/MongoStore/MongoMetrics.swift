import Metrics

/// Timings and errors of MongoDB operations, by operation and collection (swift-metrics; exported to
/// Prometheus by `lodestar serve`).
struct MongoMetrics: Sendable {
    let factory: any MetricsFactory

    func record(operation: String, collection: String, since start: ContinuousClock.Instant, failed: Bool) {
        let elapsed = ContinuousClock.now - start
        let nanos = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let dimensions = [("operation", operation), ("collection", collection)]
        Timer(label: "lodestar_mongo_operation_seconds", dimensions: dimensions, factory: factory).recordNanoseconds(nanos)
        if failed { Counter(label: "lodestar_mongo_errors_total", dimensions: dimensions, factory: factory).increment() }
    }
}
