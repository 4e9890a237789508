import Foundation
import LearningStore
import Logging
import MongoStore
import ServiceLifecycle

/// Keeps the model cache and the learner-row cache current while the API runs: warms the model cache at start
/// (retrying until MongoDB answers), follows `model_versions` and `learner_features` with one platform-wide change
/// stream each (`watchTenantChanges`, which yields only tenant ids and learner ids), and polls the loaded tenants'
/// active versions every `pollInterval` (the fallback when change streams are off, unsupported or interrupted).
struct ModelWatcher: Service, CustomStringConvertible {
    let db: MongoDatabase
    let cache: ModelCache
    let configuration: APIConfiguration
    let logger: Logger

    /// What service-lifecycle logs for this service (never the configuration, which holds the token secret).
    var description: String { "ModelWatcher" }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await warm() }
                group.addTask { await poll() }
                if configuration.useChangeStreams {
                    group.addTask { await follow(StoreLayout.modelVersions.name, keyField: nil) }
                    group.addTask { await follow(StoreLayout.features.name, keyField: "learner_id") }
                    // A learner's feedback (a dismissal) drops their cached entry too, on every replica.
                    group.addTask { await follow(StoreLayout.feedback.name, keyField: "learner_id") }
                }
                await group.waitForAll()
            }
        }
    }

    private func warm() async {
        var delay = 0.5
        while !Task.isCancelled {
            do {
                try await cache.warmUp()
                return
            } catch {
                logger.warning("model cache warm-up failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 10)
            }
        }
    }

    private func poll() async {
        let interval = Duration.milliseconds(Int64(max(0.05, configuration.pollInterval) * 1000))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            await cache.refreshAll()
        }
    }

    /// One change stream; on an error it waits and opens it again (polling covers the gap).
    private func follow(_ collection: String, keyField: String?) async {
        var delay = 1.0
        while !Task.isCancelled {
            do {
                var it = try await db.watchTenantChanges(in: collection, keyField: keyField).opened()
                delay = 1
                while let event = try await it.next() {
                    guard let tenant = event.fullDocument?.tenant else { continue }
                    if keyField == nil {
                        await cache.refresh(tenant)
                    } else if collection == StoreLayout.feedback.name {
                        cache.learners.noteFeedback(tenant, learner: event.fullDocument?.key)
                    } else {
                        cache.learners.invalidate(tenant, learner: event.fullDocument?.key)
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("change stream unavailable; polling covers it", metadata: ["collection": "\(collection)", "error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(delay))
            delay = min(delay * 2, 60)
        }
    }
}
