public import Foundation
public import LearningEvents
public import MongoStore

/// Reads and writes a tenant's `recommendation_rules` document. Every change is a new version (the previous one goes
/// to the document's history with who set it and when); a write names the version it replaces, so two admins
/// editing at once cannot lose each other's change (the second gets ``RulesConflict``).
///
/// ```swift
/// let store = RecommendationRulesStore(db: db)
/// let current = try await store.current(tenant)                       // version 0: the defaults
/// try await store.set(tenant, rules, replacing: current.version, by: "admin@acme")
/// ```
public struct RecommendationRulesStore: Sendable {
    public let db: MongoDatabase

    public init(db: MongoDatabase) { self.db = db }

    /// The rules in force and their version (version 0 and the defaults when the tenant has none).
    public func current(_ tenant: TenantID) async throws -> VersionedRules {
        guard let d = try await document(tenant) else { return .defaults }
        return VersionedRules(version: d.version, rules: d.rules)
    }

    /// The stored document with its history, if any.
    public func document(_ tenant: TenantID) async throws -> RecommendationRulesDocument? {
        try await StoreLayout.recommendationRules.collection(in: db.tenant(tenant)).findOne()
    }

    /// Validates and stores `rules` as the version after `replacing` (nil: whatever is current); returns the new
    /// version. Throws ``RuleError`` for a bad document and ``RulesConflict`` when `replacing` is not current.
    @discardableResult
    public func set(_ tenant: TenantID, _ rules: RecommendationRules, replacing expected: Int? = nil, by who: String,
                    now: Date = Date()) async throws -> Int {
        try rules.validate()
        let collection = StoreLayout.recommendationRules.collection(in: db.tenant(tenant))
        let old = try await collection.findOne()
        let currentVersion = old?.version ?? 0
        if let expected, expected != currentVersion { throw RulesConflict(expected: expected, current: currentVersion) }
        var history = old?.history ?? []
        if let old {
            history.insert(.init(version: old.version, rules: old.rules, updated_by: old.updated_by, updated_at: old.updated_at), at: 0)
        }
        let doc = RecommendationRulesDocument(version: currentVersion + 1, rules: rules, updated_by: who, updated_at: now,
                                              history: Array(history.prefix(RecommendationRulesDocument.historyLimit)))
        if old == nil {
            do { try await collection.insert(doc) } catch let e as MongoError where e.isDuplicateKey {
                throw RulesConflict(expected: 0, current: (try await current(tenant)).version)
            }
        } else {
            var fields = try BSONEncoder().encode(doc)
            fields["tenant_id"] = nil
            let r = try await collection.updateMany(["version": .int64(Int64(currentVersion))], ["$set": .document(fields)])
            guard r.matched == 1 else { throw RulesConflict(expected: currentVersion, current: (try await current(tenant)).version) }
        }
        return currentVersion + 1
    }
}

/// A rules write that named a version other than the current one (someone else changed the rules meanwhile).
public struct RulesConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public let expected: Int
    public let current: Int
    public var description: String {
        "the rules changed meanwhile: the write replaces version \(expected) but version \(current) is current; read them again"
    }
}
