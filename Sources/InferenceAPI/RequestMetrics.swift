public import CoreMetrics
import Synchronization

/// The API's metrics through swift-metrics (exported in Prometheus format by the executable's factory):
/// `lodestar_http_requests_total{route,method,status}`, `lodestar_http_request_duration_seconds{route,method,status}`
/// (a histogram), and the model cache's gauges. Labels carry route templates, never a tenant, learner or token.
///
/// Metric objects are kept for the life of the API (a swift-metrics handle unregisters itself when freed).
public final class RequestMetrics: Sendable {
    private let factory: any MetricsFactory
    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }
    private let series = Mutex<[Key: (Counter, Timer)]>([:])
    private let gauges = Mutex<[String: Gauge]>([:])

    /// Metrics made by `factory` (the executable passes its Prometheus factory; tests a private one).
    public init(factory: any MetricsFactory) { self.factory = factory }

    func record(route: String, method: String, status: Int, nanoseconds: UInt64) {
        let key = Key(route: route, method: method, status: status)
        let pair = series.withLock { map -> (Counter, Timer) in
            if let p = map[key] { return p }
            let dims = [("route", route), ("method", method), ("status", String(status))]
            let p = (Counter(label: "lodestar_http_requests_total", dimensions: dims, factory: factory),
                     Timer(label: "lodestar_http_request_duration_seconds", dimensions: dims, factory: factory))
            map[key] = p
            return p
        }
        pair.0.increment()
        pair.1.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// Sets a gauge (`name` with fixed labels such as `kind`).
    func gauge(_ name: String, labels: [(String, String)] = [], _ value: Double) {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let g = gauges.withLock { map -> Gauge in
            if let g = map[key] { return g }
            let g = Gauge(label: name, dimensions: labels, factory: factory)
            map[key] = g
            return g
        }
        g.record(value)
    }
}
