import LearningEvents

/// A rule document that breaks a limit: `field` is the path in the document (`pinned[2].position`).
public struct RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
    public var description: String { "\(field): \(reason)" }
}

extension RecommendationRules {
    /// Limits of a rule document (every list and number a tenant's user sets is bounded).
    public enum Limits {
        public static let courses = 1_000
        public static let categories = 64
        public static let prerequisiteCourses = 1_000
        public static let prerequisitesPerCourse = 64
        public static let pins = 20
        public static let positions = 1...100
        public static let recentDays = 1...3_650
        public static let weight = 0.0...1.0
        public static let maxPerCategory = 1...100
        public static let dismissalDays = 1...3_650
    }

    /// Throws the first broken rule, naming its field.
    public func validate() throws(RuleError) {
        func ids(_ list: [String], _ field: String, max: Int) throws(RuleError) {
            guard list.count <= max else { throw RuleError(field, "\(list.count) entries; at most \(max)") }
            for (i, id) in list.enumerated() where !Identifier.isValid(id) {
                throw RuleError("\(field)[\(i)]", "\(id.debugDescription) is not an identifier (1–128 of A–Z a–z 0–9 . _ : @ -)")
            }
            guard Set(list).count == list.count else { throw RuleError(field, "lists an entry twice") }
        }
        try ids(exclude.categories, "exclude.categories", max: Limits.categories)
        try ids(exclude.courses, "exclude.courses", max: Limits.courses)
        guard prerequisites.count <= Limits.prerequisiteCourses else {
            throw RuleError("prerequisites", "\(prerequisites.count) courses; at most \(Limits.prerequisiteCourses)")
        }
        for (course, needs) in prerequisites.sorted(by: { $0.key < $1.key }) {
            guard Identifier.isValid(course) else { throw RuleError("prerequisites", "\(course.debugDescription) is not a course id") }
            try ids(needs, "prerequisites.\(course)", max: Limits.prerequisitesPerCourse)
            guard !needs.contains(course) else { throw RuleError("prerequisites.\(course)", "a course cannot require itself") }
        }
        guard pinned.count <= Limits.pins else { throw RuleError("pinned", "\(pinned.count) pins; at most \(Limits.pins)") }
        for (i, p) in pinned.enumerated() {
            guard Identifier.isValid(p.course_id) else { throw RuleError("pinned[\(i)].course_id", "\(p.course_id.debugDescription) is not a course id") }
            guard Limits.positions.contains(p.position) else {
                throw RuleError("pinned[\(i)].position", "\(p.position) is outside \(Limits.positions.lowerBound)…\(Limits.positions.upperBound)")
            }
            try ids(p.org_ids, "pinned[\(i)].org_ids", max: Limits.categories)
            if let from = p.from, let until = p.until, until <= from {
                throw RuleError("pinned[\(i)].until", "must be after from")
            }
        }
        if let days = boosts.recent_days, !Limits.recentDays.contains(days) {
            throw RuleError("boosts.recent_days", "\(days) is outside \(Limits.recentDays.lowerBound)…\(Limits.recentDays.upperBound)")
        }
        guard boosts.recent_weight.isFinite, Limits.weight.contains(boosts.recent_weight) else {
            throw RuleError("boosts.recent_weight", "\(boosts.recent_weight) is outside 0…1")
        }
        guard boosts.categories.count <= Limits.categories else {
            throw RuleError("boosts.categories", "\(boosts.categories.count) categories; at most \(Limits.categories)")
        }
        for (category, w) in boosts.categories.sorted(by: { $0.key < $1.key }) {
            guard Identifier.isValid(category) else { throw RuleError("boosts.categories", "\(category.debugDescription) is not an identifier") }
            guard w.isFinite, Limits.weight.contains(w) else { throw RuleError("boosts.categories.\(category)", "\(w) is outside 0…1") }
        }
        if let d = diversity, !Limits.maxPerCategory.contains(d.max_per_category) {
            throw RuleError("diversity.max_per_category", "\(d.max_per_category) is outside \(Limits.maxPerCategory.lowerBound)…\(Limits.maxPerCategory.upperBound)")
        }
        guard Limits.dismissalDays.contains(dismissal_days) else {
            throw RuleError("dismissal_days", "\(dismissal_days) is outside \(Limits.dismissalDays.lowerBound)…\(Limits.dismissalDays.upperBound)")
        }
    }
}
