import Foundation
import MongoStore
import Synchronization

/// `/readyz`: ready once the model cache is warm (the active versions of every tenant loaded, or their failures
/// recorded) and MongoDB answers a ping. Pings are shared and cached for a second, and a slow server counts as not
/// ready after two seconds, so probes never pile up on MongoDB.
final class Readiness: Sendable {
    private let client: MongoClient
    private let cache: ModelCache
    private struct PingState {
        var last: (ok: Bool, at: ContinuousClock.Instant, error: String?)?
        var inFlight: Task<Bool, Never>?
    }
    private let state = Mutex(PingState())

    init(client: MongoClient, cache: ModelCache) {
        self.client = client
        self.cache = cache
    }

    struct Report: Encodable {
        let status: String
        let checks: [String: String]
    }

    func report() async -> (ready: Bool, report: Report) {
        let mongo = await pingMongo()
        let warm = cache.isWarm
        let (recs, risks) = cache.loadedCounts
        let checks = ["mongodb": mongo ? "ok" : "unreachable", "models": warm ? "loaded" : "loading",
                      "loaded_recommenders": String(recs), "loaded_risk_models": String(risks)]
        let ready = mongo && warm
        return (ready, Report(status: ready ? "ready" : "not_ready", checks: checks))
    }

    private func pingMongo() async -> Bool {
        let now = ContinuousClock.now
        let task = state.withLock { s -> Task<Bool, Never>? in
            if let last = s.last, now - last.at < .seconds(1) { return nil }
            if let t = s.inFlight { return t }
            let client = client
            let t = Task { () -> Bool in
                let ok: Bool
                do {
                    try await client.ping()
                    ok = true
                } catch {
                    ok = false
                }
                self.state.withLock { $0.last = (ok, .now, nil); $0.inFlight = nil }
                return ok
            }
            s.inFlight = t
            return t
        }
        guard let task else { return state.withLock { $0.last?.ok ?? false } }
        return await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await task.value }
            group.addTask {
                try? await Task.sleep(for: .seconds(2))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? false
        }
    }
}
