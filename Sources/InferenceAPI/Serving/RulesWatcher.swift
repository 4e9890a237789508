import LearningStore
import Logging
import MongoStore
import ServiceLifecycle

/// Keeps ``RulesCache`` current while the API runs: one platform-wide change stream on `recommendation_rules`
/// (`watchTenantChanges`, which yields tenant ids only) drops a tenant's cached rules as soon as any replica (or
/// `lodestar tenants rules set`) writes them. Every time the stream opens, the whole cache is dropped, since changes
/// made while it was closed were not seen; on an error it waits and opens it again (the cache's TTL covers the gap),
/// as ``ModelWatcher`` does for `model_versions`.
struct RulesWatcher: Service, CustomStringConvertible {
    let db: MongoDatabase
    let rules: RulesCache
    let configuration: APIConfiguration
    let logger: Logger

    var description: String { "RulesWatcher" }

    func run() async throws {
        guard configuration.useChangeStreams else { return }
        try await cancelWhenGracefulShutdown { await follow() }
    }

    private func follow() async {
        var delay = 1.0
        while !Task.isCancelled {
            do {
                var it = try await db.watchTenantChanges(in: StoreLayout.recommendationRules.name).opened()
                rules.invalidateAll()
                delay = 1
                while let event = try await it.next() {
                    if let tenant = event.fullDocument?.tenant { rules.invalidate(tenant) }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("change stream unavailable; the rules cache's TTL covers it",
                               metadata: ["collection": "\(StoreLayout.recommendationRules.name)", "error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(delay))
            delay = min(delay * 2, 60)
        }
    }
}
