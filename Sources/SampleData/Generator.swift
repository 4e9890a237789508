public import EventSources
import LearningEvents
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generates a realistic multi-tenant snapshot export as BigQuery writes it on a nightly run: the `learning_events`
/// table in `events/`, the `courses` table in `courses/`, and beside them the ground truth (`truth.ndjson`) the
/// export was drawn from. Deterministic per seed (``SplitMix64`` sub-streams per tenant and learner).
///
/// The model: tenants of Zipf-distributed sizes; per tenant a few organisations and a catalog whose courses each
/// have a topic and a Zipf popularity; each learner has latent topic tastes (a concentrated mixture over
/// ``GeneratorConfig/topics`` topics) and picks courses by taste × popularity. Enrolments arrive uniformly over
/// ``GeneratorConfig/historyDays`` up to the export date, and each is simulated to its end, completed or withdrawn
/// (``EngagementParameters``, ``HazardParameters``), even when that end lies after the export date; the export holds
/// only the events before the export date, the truth file every enrolment's eventual outcome. Catalog rows also carry
/// a language, categories, a publication window and prerequisites (see `Generator+CourseAttributes.swift`).
public struct Generator {
    public let config: GeneratorConfig

    /// A generator for `config`.
    public init(config: GeneratorConfig) { self.config = config }

    /// What a run wrote.
    public struct Summary: Sendable {
        public var events = 0
        public var learners = 0
        public var courses = 0
        public var enrolments = 0
        /// Enrolments that end withdrawn (eventually: also those withdrawn after the export date).
        public var dropped = 0
        /// Enrolments whose outcome (completion or withdrawal) comes after the export date.
        public var inProgress = 0
        public var files: [String] = []
    }

    struct CourseSpec {
        let id: String
        let topic: Int
        let lessons: Int
        let org: String?
        let published: Bool
        let popularity: Double
    }

    /// Writes the export into `directory` (created if missing): `events/`, `courses/` and `truth.ndjson`.
    public func run(directory: String, format: ExportFormat, codec: EventWriter.AvroCodec, gzip: Bool,
                    rowsPerFile: Int) throws -> Summary
    {
        let eventsDirectory = directory + "/events"
        let coursesDirectory = directory + "/courses"
        try makeDirectories(eventsDirectory)
        try makeDirectories(coursesDirectory)
        var summary = Summary()
        let writer = EventWriter(directory: eventsDirectory, format: format, codec: codec, gzip: gzip, rowsPerFile: rowsPerFile)
        let courseWriter = try CourseWriter(directory: coursesDirectory, format: format, codec: codec, gzip: gzip)
        let truth = try TruthWriter(path: "\(directory)/truth.ndjson")
        truth.params(config)

        // Tenant sizes: Zipf weights over the learner budget, at least 12 learners each.
        let weights = (0..<config.tenants).map { 1 / pow(Double($0 + 1), 1.1) }
        let total = weights.reduce(0, +)
        var eventCounter: UInt64 = 0

        for t in 0..<config.tenants {
            var rng = SplitMix64(seed: config.seed, UInt64(t) + 1)
            let tenant = "tenant-\(pad(t, 3))"
            let learners = max(12, Int((Double(config.learners) * weights[t] / total).rounded()))
            let orgCount = t % 4 == 3 ? 0 : min(20, 1 + learners / 1500)
            let orgs = (0..<orgCount).map { "org-\(pad($0, 2))" }
            let courseCount = min(3000, 12 + learners / 25)
            var courses: [CourseSpec] = []
            for c in 0..<courseCount {
                let topic = rng.below(config.topics)
                let restricted = !orgs.isEmpty && rng.uniform() < 0.15
                let spec = CourseSpec(
                    id: "c-\(pad(c, 4))", topic: topic, lessons: 4 + rng.below(16),
                    org: restricted ? orgs[rng.below(orgs.count)] : nil, published: rng.uniform() < 0.95,
                    popularity: 1 / pow(Double(c + 1), 0.9))
                courses.append(spec)
                truth.course(tenant: tenant, course: spec.id, topic: topic, popularity: spec.popularity)
            }
            summary.courses += courseCount
            var lastEnrolment = [Int64?](repeating: nil, count: courseCount)
            // Cumulative popularity per topic, published courses only.
            var byTopic = [[Int]](repeating: [], count: config.topics)
            var cumulative = [[Double]](repeating: [], count: config.topics)
            for (k, c) in courses.enumerated() where c.published {
                byTopic[c.topic].append(k)
                cumulative[c.topic].append((cumulative[c.topic].last ?? 0) + c.popularity)
            }

            for l in 0..<learners {
                var r = SplitMix64(seed: config.seed, UInt64(t) + 1, UInt64(l) + 1)
                let learner = "L\(pad(l, 6))"
                let org = orgs.isEmpty ? nil : orgs[r.below(orgs.count)]
                // Concentrated tastes: a few topics dominate.
                var taste = (0..<config.topics).map { _ in pow(-log(1 - r.uniform() * 0.999999), 3) }
                let sum = taste.reduce(0, +)
                taste = taste.map { $0 / sum }
                let ability = 0.35 + 0.6 * r.uniform()
                truth.learner(tenant: tenant, learner: learner, ability: ability, tastes: taste)
                summary.learners += 1

                let enrolments = 1 + min(6, r.poisson(config.enrolmentsPerLearner - 1))
                var taken = Set<Int>()
                for _ in 0..<enrolments {
                    // Topic by taste, course by popularity within the topic (retry for org restrictions).
                    var chosen: Int?
                    for _ in 0..<8 {
                        var u = r.uniform()
                        var topic = config.topics - 1
                        for k in 0..<config.topics {
                            u -= taste[k]
                            if u < 0 { topic = k; break }
                        }
                        guard let top = cumulative[topic].last else { continue }
                        let x = r.uniform() * top
                        var lo = 0
                        var hi = cumulative[topic].count - 1
                        while lo < hi {
                            let mid = (lo + hi) / 2
                            if cumulative[topic][mid] < x { lo = mid + 1 } else { hi = mid }
                        }
                        let k = byTopic[topic][lo]
                        if taken.contains(k) { continue }
                        if let co = courses[k].org, co != org { continue }
                        chosen = k
                        break
                    }
                    guard let k = chosen else { continue }
                    taken.insert(k)
                    let course = courses[k]
                    let match = taste[course.topic] * Double(config.topics)
                    // Arrivals up to the export date: the last weeks' enrolments are in progress when it is taken.
                    let enrolledAt = config.start + Int64(r.uniform() * Double(config.exportDate - config.start))
                    lastEnrolment[k] = max(lastEnrolment[k] ?? enrolledAt, enrolledAt)
                    let outcome = try simulate(
                        rng: &r, tenant: tenant, org: org, learner: learner, course: course, ability: ability,
                        match: match, at: enrolledAt, counter: &eventCounter, writer: writer)
                    summary.events += outcome.eventsWritten
                    summary.enrolments += 1
                    if outcome.withdrawn { summary.dropped += 1 }
                    if outcome.outcomeAt >= config.exportDate { summary.inProgress += 1 }
                    truth.enrolment(tenant: tenant, learner: learner, course: course.id, lessonCount: course.lessons, outcome)
                }
                try truth.flushIfLarge()
            }
            // The catalog rows, once the enrolments say which courses can have expired.
            let attributes = courseAttributes(tenant: t, courses: courses, lastEnrolment: lastEnrolment)
            for (c, (spec, a)) in zip(courses, attributes).enumerated() {
                try courseWriter.write(
                    Course(
                        tenantID: tenant, courseID: spec.id, title: "\(Self.topicNames[spec.topic % Self.topicNames.count]) \(c)",
                        orgIDs: spec.org.map { [$0] } ?? [], lessonCount: Int64(spec.lessons), published: spec.published,
                        language: a.language, categories: a.categories, publishedAt: a.publishedAt, expiresAt: a.expiresAt,
                        prerequisites: a.prerequisites))
            }
        }
        try truth.finish()
        try writer.finish()
        try courseWriter.finish()
        summary.files = writer.paths + courseWriter.paths + [truth.path]
        return summary
    }

    static let topicNames = [
        "Data Analysis", "Leadership", "Safety", "Python", "Sales", "Compliance", "Design", "Finance", "Languages",
        "Cloud", "Marketing", "Health",
    ]

    /// `mkdir -p`.
    private func makeDirectories(_ path: String) throws {
        var partial = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            partial += "/" + part
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw OutputFile.Failure(message: "\(partial): cannot create folder: \(String(cString: strerror(errno)))")
            }
        }
    }
}

func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
