import Foundation
import LearningStore
import MongoStore
import LearningEvents

/// A per-tenant cache of the `courses` documents the batch wrote (lesson counts, visibility, titles), reloaded after
/// `ttl`. A tenant without any is one no batch ingested yet: lesson counts are then unknown (completion ratios 0 until
/// the next nightly run) and no catalog restricts recommendations.
actor CourseDirectory {
    let db: MongoDatabase
    let ttl: Duration
    private var cache: [String: (loaded: ContinuousClock.Instant, courses: [String: CourseDocument])] = [:]

    init(db: MongoDatabase, ttl: Duration) {
        self.db = db
        self.ttl = ttl
    }

    /// The tenant's courses by id.
    func courses(_ tenant: TenantID) async throws -> [String: CourseDocument] {
        let now = ContinuousClock.now
        if let hit = cache[tenant.rawValue], now - hit.loaded < ttl { return hit.courses }
        var out: [String: CourseDocument] = [:]
        for try await doc in StoreLayout.courses.collection(in: db.tenant(tenant)).find() { out[doc.course_id] = doc }
        cache[tenant.rawValue] = (now, out)
        return out
    }

    /// Forgets every tenant (tests, and after a nightly run is seen).
    func invalidate() { cache = [:] }
}
