import Foundation
import HummingbirdTesting
@testable import InferenceAPI
import LearningStore
import Synchronization
import Testing

/// A new recommender version becomes active while requests run: no request fails, requests after the swap use the
/// new version, and a swap back works the same way.
@Suite struct HotSwapTests {
    @Test func swapsUnderConcurrentRequestsWithoutAFailedRequest() async throws {
        let f = try await APIFixture.shared()
        let tenant = APIFixture.tenantB
        let registry = ModelRegistry(db: f.db, modelsDirectory: f.modelsDirectory)
        let versions = try await registry.list(tenant: tenant, kind: .recommender).filter { $0.isComplete && $0.status != .staging }
        try #require(versions.count >= 2, "the fixture publishes two recommender versions of \(tenant)")
        let (api, _) = try await f.api(configure: { $0.pollInterval = 3600 })
        let learners = f.learnerIDs(tenant)
        let token = try await Tokens.make(tenant: tenant.rawValue, roles: ["service"])
        let sequence = [versions[1].version, versions[0].version, versions[1].version, versions[0].version]
        let (failures, seen, total) = try await api.testApplication.test(.router) { raw -> ([String], [String: Int], Int) in
            let client = try APIClient(raw)
            let state = SwapState()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<6 {
                    group.addTask {
                        var i = w
                        while !state.stopped {
                            let learner = learners[i % learners.count]
                            i += 7
                            let r = try await client.get("/v1/tenants/\(tenant)/learners/\(learner)/recommendations?limit=5", token: token)
                            state.count()
                            if r.status != 200 || r["items"]?.array.isEmpty != false {
                                state.fail("\(r.status) \(r.text.prefix(120))")
                            }
                            if let v = r["model_version"]?.string { state.saw(v) }
                        }
                    }
                }
                for target in sequence {
                    try await Task.sleep(for: .milliseconds(300))
                    try await registry.activate(tenant: tenant, kind: .recommender, version: target)
                    await api.cache.refresh(tenant)
                    // Every request that starts after the swap sees the new version.
                    let after = try await client.get("/v1/tenants/\(tenant)/learners/\(learners[0])/recommendations?limit=5", token: token)
                    if after["model_version"]?.string != target { state.fail("after swap: \(after["model_version"]?.string ?? "-") ≠ \(target)") }
                }
                try await Task.sleep(for: .milliseconds(300))
                state.stop()
                try await group.waitForAll()
            }
            client.expectConformance()
            return state.result
        }
        #expect(failures.isEmpty, "\(failures.count) failed requests: \(failures.prefix(5))")
        #expect(Set(seen.keys) == Set(versions.prefix(2).map(\.version)), "versions served: \(seen)")
        #expect(total > 50)
        // Leave the newest version active, as the fixture made it.
        try await registry.activate(tenant: tenant, kind: .recommender, version: versions[0].version)
    }
}

/// What the workers of the hot-swap test record.
final class SwapState: Sendable {
    private struct Values {
        var stopped = false
        var failures: [String] = []
        var seen: [String: Int] = [:]
        var total = 0
    }
    private let values = Mutex(Values())
    var stopped: Bool { values.withLock { $0.stopped } }
    func stop() { values.withLock { $0.stopped = true } }
    func count() { values.withLock { $0.total += 1 } }
    func fail(_ s: String) { values.withLock { $0.failures.append(s) } }
    func saw(_ v: String) { values.withLock { $0.seen[v, default: 0] += 1 } }
    var result: ([String], [String: Int], Int) { values.withLock { ($0.failures, $0.seen, $0.total) } }
}
