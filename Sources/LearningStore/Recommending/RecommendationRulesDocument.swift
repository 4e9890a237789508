public import Foundation

/// `recommendation_rules`: one document per tenant (key `tenant_id`) holding its current rules, their version
/// (1, 2, …; 0 means "no document: the defaults") and every earlier version with who set it and when (the newest
/// ``historyLimit`` are kept). Written through a tenant scope, which stamps `tenant_id`.
public struct RecommendationRulesDocument: Codable, Sendable, Equatable {
    /// One version of the rules as it was set.
    public struct Change: Codable, Sendable, Equatable {
        public var version: Int
        public var rules: RecommendationRules
        public var updated_by: String
        public var updated_at: Date

        public init(version: Int, rules: RecommendationRules, updated_by: String, updated_at: Date) {
            self.version = version
            self.rules = rules
            self.updated_by = updated_by
            self.updated_at = updated_at
        }
    }

    public var version: Int
    public var rules: RecommendationRules
    public var updated_by: String
    public var updated_at: Date
    /// Earlier versions, newest first.
    public var history: [Change]

    public init(version: Int, rules: RecommendationRules, updated_by: String, updated_at: Date, history: [Change] = []) {
        self.version = version
        self.rules = rules
        self.updated_by = updated_by
        self.updated_at = updated_at
        self.history = history
    }

    /// Earlier versions kept in the document.
    public static let historyLimit = 100
}

/// The rules a ranking uses and their version (0: the defaults, no document).
public struct VersionedRules: Sendable, Equatable {
    public var version: Int
    public var rules: RecommendationRules

    public init(version: Int = 0, rules: RecommendationRules = RecommendationRules()) {
        self.version = version
        self.rules = rules
    }

    public static let defaults = VersionedRules()
}
