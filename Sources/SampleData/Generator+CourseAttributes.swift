import LearningEvents

extension Generator {
    /// The catalog attributes recommendation rules use (`language`, `categories`, `published_at`, `expires_at`,
    /// `prerequisites`), drawn for one tenant's courses from their own sub-stream of the seed, so the events and the
    /// rest of the catalog are the same with or without them.
    ///
    /// - `language`: 85 % of courses have one: `en` (about 78 %), `de`, `fr`, `pt-BR`.
    /// - `categories`: one or two of ``categoryNames``: the topic's category (``topicCategory``) and, for 30 %, a
    ///   second one; 10 % of courses have none.
    /// - `published_at`: 90 % of courses, spread uniformly over the time from a year before the export date (or 90
    ///   days before the first enrolments, if earlier) up to the first enrolments, so no event precedes its course's
    ///   publication.
    /// - `expires_at`: a quarter of the courses without enrolments in the export's last 30 days expired between
    ///   their last enrolment (else the first possible one) and the export date, so nobody enrolled after expiry; 5 %
    ///   of the others expire 30–365 days after the export date.
    /// - `prerequisites`: a course may require the previous course of the same topic open to the same learners
    ///   (all-tenant or the same organisation): with probability 12 %, or 50 % when that course has a prerequisite
    ///   itself, so some form chains (`c-0007` → `c-0003` → `c-0001`).
    ///
    /// `lastEnrolment[k]` is the latest enrolment (microseconds) in course `k`, nil when none.
    func courseAttributes(tenant t: Int, courses: [CourseSpec], lastEnrolment: [Int64?]) -> [CourseAttributes] {
        var rng = SplitMix64(seed: config.seed, UInt64(t) + 1, UInt64.max)  // learners use 1…learners
        let day = Timestamp.microsPerDay
        let earliest = min(config.exportDate - 365 * day, config.start - 90 * day)
        var previousOfTopic: [Int: [Int]] = [:]
        var out: [CourseAttributes] = []
        out.reserveCapacity(courses.count)
        for (k, spec) in courses.enumerated() {
            var a = CourseAttributes()
            if rng.chance(0.85) {
                let u = rng.uniform()
                a.language = u < 0.78 ? "en" : u < 0.88 ? "de" : u < 0.96 ? "fr" : "pt-BR"
            }
            if rng.chance(0.9) {
                let first = Self.topicCategory[spec.topic % Self.topicCategory.count]
                a.categories = [first]
                if rng.chance(0.3) {
                    let second = Self.categoryNames[rng.below(Self.categoryNames.count)]
                    if second != first { a.categories.append(second) }
                }
            }
            if rng.chance(0.9) {
                // Whole seconds, as a catalog would hold them.
                let span = max(1, (config.start - earliest) / 1_000_000)
                a.publishedAt = earliest + Int64(rng.uniform() * Double(span)) * 1_000_000
            }
            let quietSince = config.exportDate - 30 * day
            let expiry = rng.uniform()
            if (lastEnrolment[k] ?? config.start) < quietSince {
                if expiry < 0.25 {
                    // Whole seconds, at least a day after the last enrolment and a day before the export date.
                    let from = (max(lastEnrolment[k] ?? config.start, a.publishedAt ?? config.start) + day) / 1_000_000 + 1
                    let span = max(1, (config.exportDate - day) / 1_000_000 - from)
                    a.expiresAt = (from + Int64(rng.uniform() * Double(span))) * 1_000_000
                }
            } else if expiry < 0.05 {
                a.expiresAt = config.exportDate + (30 + Int64(rng.below(336))) * day
            }
            let open = previousOfTopic[spec.topic, default: []].last { courses[$0].org == nil || courses[$0].org == spec.org }
            // Chains grow: a course whose candidate has a prerequisite itself takes it as one more often.
            if let j = open, rng.chance(out[j].prerequisites.isEmpty ? 0.12 : 0.5) { a.prerequisites = [courses[j].id] }
            previousOfTopic[spec.topic, default: []].append(k)
            out.append(a)
        }
        return out
    }

    /// The catalog categories of generated courses.
    static let categoryNames = ["compliance", "leadership", "data", "safety", "sales"]

    /// The category of each of ``topicNames``' topics.
    static let topicCategory = [
        "data", "leadership", "safety", "data", "sales", "compliance", "leadership", "compliance", "leadership", "data",
        "sales", "safety",
    ]
}
