public import Foundation

/// A tenant's recommendation rules (`recommendation_rules`, docs/recommendations.md): what is never recommended,
/// prerequisites, courses pinned at fixed positions, boosts, a diversity cap, how long a dismissal holds, and the
/// popularity fill. Every field has a default, so `{}` is a valid document and a tenant without one gets the
/// defaults (completed and started courses excluded, dismissals held 90 days, fill on). `validate()` bounds every
/// list and number a tenant's user sets.
///
/// ```json
/// {"exclude": {"completed": true, "in_progress": true, "other_languages": true, "categories": ["legacy"]},
///  "prerequisites": {"sql-2": ["sql-1"]},
///  "pinned": [{"course_id": "code-of-conduct", "position": 1, "org_ids": ["emea"], "until": "2027-03-31T00:00:00Z"}],
///  "boosts": {"recent_days": 30, "recent_weight": 0.2, "categories": {"compliance": 0.3}},
///  "diversity": {"max_per_category": 2},
///  "dismissal_days": 90, "fallback": true}
/// ```
public struct RecommendationRules: Codable, Sendable, Equatable {
    /// What is never a candidate (unpublished, expired and not-yet-published courses never are).
    public struct Exclude: Codable, Sendable, Equatable {
        /// Courses the learner completed (default on).
        public var completed: Bool
        /// Courses the learner started and did not complete (default on: turn off to suggest "continue" courses).
        public var in_progress: Bool
        /// Courses whose `language` is not among the learner's languages (the languages of the courses in the
        /// learner's history); courses without a language always pass (default off).
        public var other_languages: Bool
        /// Courses in any of these categories.
        public var categories: [String]
        /// These courses.
        public var courses: [String]

        public init(completed: Bool = true, in_progress: Bool = true, other_languages: Bool = false, categories: [String] = [],
                    courses: [String] = []) {
            self.completed = completed
            self.in_progress = in_progress
            self.other_languages = other_languages
            self.categories = categories
            self.courses = courses
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            completed = try c.decodeIfPresent(Bool.self, forKey: .completed) ?? true
            in_progress = try c.decodeIfPresent(Bool.self, forKey: .in_progress) ?? true
            other_languages = try c.decodeIfPresent(Bool.self, forKey: .other_languages) ?? false
            categories = try c.decodeIfPresent([String].self, forKey: .categories) ?? []
            courses = try c.decodeIfPresent([String].self, forKey: .courses) ?? []
        }
    }

    /// A course shown at a fixed position to an organisation's learners (mandatory training) within a window.
    public struct Pin: Codable, Sendable, Equatable {
        public var course_id: String
        /// 1-based position in the list.
        public var position: Int
        /// Organisations whose learners see it (empty: the whole tenant).
        public var org_ids: [String]
        public var from: Date?
        public var until: Date?

        public init(course_id: String, position: Int, org_ids: [String] = [], from: Date? = nil, until: Date? = nil) {
            self.course_id = course_id
            self.position = position
            self.org_ids = org_ids
            self.from = from
            self.until = until
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            course_id = try c.decode(String.self, forKey: .course_id)
            position = try c.decode(Int.self, forKey: .position)
            org_ids = try c.decodeIfPresent([String].self, forKey: .org_ids) ?? []
            from = try c.decodeIfPresent(Date.self, forKey: .from)
            until = try c.decodeIfPresent(Date.self, forKey: .until)
        }

        /// Whether the pin applies to a learner of `org` at `now`.
        public func applies(to org: String?, at now: Date) -> Bool {
            if let from, now < from { return false }
            if let until, now >= until { return false }
            guard !org_ids.isEmpty else { return true }
            return org.map(org_ids.contains) ?? false
        }
    }

    /// Score terms, each a share (0…1) of the best candidate's score, summed and capped at 1.
    public struct Boosts: Codable, Sendable, Equatable {
        /// Courses published within this many days get `recent_weight`.
        public var recent_days: Int?
        public var recent_weight: Double
        /// Category → weight.
        public var categories: [String: Double]

        public init(recent_days: Int? = nil, recent_weight: Double = 0, categories: [String: Double] = [:]) {
            self.recent_days = recent_days
            self.recent_weight = recent_weight
            self.categories = categories
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            recent_days = try c.decodeIfPresent(Int.self, forKey: .recent_days)
            recent_weight = try c.decodeIfPresent(Double.self, forKey: .recent_weight) ?? 0
            categories = try c.decodeIfPresent([String: Double].self, forKey: .categories) ?? [:]
        }

        public var isEmpty: Bool { (recent_days == nil || recent_weight == 0) && categories.values.allSatisfy { $0 == 0 } }
    }

    /// At most `max_per_category` courses of one category in the list (greedy re-rank; pinned courses count).
    public struct Diversity: Codable, Sendable, Equatable {
        public var max_per_category: Int
        public init(max_per_category: Int) { self.max_per_category = max_per_category }
    }

    public var exclude: Exclude
    /// Course → courses that must be completed first (added to the catalog's `prerequisites`).
    public var prerequisites: [String: [String]]
    public var pinned: [Pin]
    public var boosts: Boosts
    public var diversity: Diversity?
    /// How long a dismissed course stays out of the learner's list.
    public var dismissal_days: Int
    /// Fill the list with the organisation's most popular allowed courses when the model leaves it short.
    public var fallback: Bool

    public init(exclude: Exclude = Exclude(), prerequisites: [String: [String]] = [:], pinned: [Pin] = [], boosts: Boosts = Boosts(),
                diversity: Diversity? = nil, dismissal_days: Int = RecommendationRules.defaultDismissalDays, fallback: Bool = true) {
        self.exclude = exclude
        self.prerequisites = prerequisites
        self.pinned = pinned
        self.boosts = boosts
        self.diversity = diversity
        self.dismissal_days = dismissal_days
        self.fallback = fallback
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exclude = try c.decodeIfPresent(Exclude.self, forKey: .exclude) ?? Exclude()
        prerequisites = try c.decodeIfPresent([String: [String]].self, forKey: .prerequisites) ?? [:]
        pinned = try c.decodeIfPresent([Pin].self, forKey: .pinned) ?? []
        boosts = try c.decodeIfPresent(Boosts.self, forKey: .boosts) ?? Boosts()
        diversity = try c.decodeIfPresent(Diversity.self, forKey: .diversity)
        dismissal_days = try c.decodeIfPresent(Int.self, forKey: .dismissal_days) ?? Self.defaultDismissalDays
        fallback = try c.decodeIfPresent(Bool.self, forKey: .fallback) ?? true
    }

    public static let defaultDismissalDays = 90
}
