public import EventSources
import LearningEvents
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generates a realistic multi-tenant `learning_events` export, its `courses` export, and the ground truth
/// (`truth.ndjson`) the export was drawn from. Deterministic per seed (``SplitMix64`` sub-streams per tenant and
/// learner).
///
/// The model: tenants of Zipf-distributed sizes; per tenant a few organisations and a catalog whose courses each
/// have a topic and a Zipf popularity; each learner has latent topic tastes (a concentrated mixture over
/// ``GeneratorConfig/topics`` topics) and picks courses by taste × popularity; per enrolment, lessons follow one
/// another after gaps that lengthen as motivation decays; before each lesson a dropout hazard
/// `sigmoid(intercept + perGapDay·gap + perLowScore·max(0, 0.6 − last quiz score) + perLesson·k)` decides whether
/// the learner withdraws (≈30 % of enrolments), so activity thins out before a withdrawal.
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
        public var dropped = 0
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

    /// Writes the export into `directory` (created if missing).
    public func run(directory: String, format: ExportFormat, codec: EventWriter.AvroCodec, gzip: Bool,
                    rowsPerFile: Int) throws -> Summary
    {
        var partial = directory.hasPrefix("/") ? "" : "."
        for part in directory.split(separator: "/") {
            partial += "/" + part
            mkdir(partial, 0o755)
        }
        var summary = Summary()
        let writer = EventWriter(directory: directory, format: format, codec: codec, gzip: gzip, rowsPerFile: rowsPerFile)
        let courseWriter = try CourseWriter(directory: directory, format: format, codec: codec, gzip: gzip)
        let truth = try OutputFile(path: "\(directory)/truth.ndjson", gzip: false)
        var tb: [UInt8] = []
        let h = config.hazard
        tb.append(string: "{\"kind\":\"params\",\"seed\":\(config.seed),\"tenants\":\(config.tenants),\"topics\":\(config.topics),")
        tb.append(string: "\"hazard\":{\"intercept\":\(h.intercept),\"per_gap_day\":\(h.perGapDay),\"per_low_score\":\(h.perLowScore),\"per_lesson\":\(h.perLesson),\"low_score_threshold\":0.6}}\n")

        // Tenant sizes: Zipf weights over the learner budget, at least 12 learners each.
        let weights = (0..<config.tenants).map { 1 / pow(Double($0 + 1), 1.1) }
        let total = weights.reduce(0, +)
        var eventCounter: UInt64 = 0
        let start = Timestamp.daysFromCivil(year: 2026, month: 1, day: 5) * Timestamp.microsPerDay

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
                try courseWriter.write(
                    Course(
                        tenantID: tenant, courseID: spec.id, title: "\(Self.topicNames[topic % Self.topicNames.count]) \(c)",
                        orgIDs: spec.org.map { [$0] } ?? [], lessonCount: Int64(spec.lessons), published: spec.published))
                tb.append(string: "{\"kind\":\"course\",\"tenant_id\":\"\(tenant)\",\"course_id\":\"\(spec.id)\",\"topic\":\(topic),\"popularity\":\(spec.popularity)}\n")
            }
            summary.courses += courseCount
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
                tb.append(string: "{\"kind\":\"learner\",\"tenant_id\":\"\(tenant)\",\"learner_id\":\"\(learner)\",\"ability\":\(ability),\"tastes\":[")
                for (k, v) in taste.enumerated() { tb.append(string: (k > 0 ? "," : "") + String(v)) }
                tb.append(string: "]}\n")
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
                    let enrolledAt = start + Int64(r.uniform() * 150 * 86_400) * 1_000_000
                    let result = try simulate(
                        rng: &r, tenant: tenant, org: org, learner: learner, course: course, ability: ability,
                        match: match, at: enrolledAt, counter: &eventCounter, writer: writer)
                    summary.events += result.events
                    summary.enrolments += 1
                    if result.dropped { summary.dropped += 1 }
                    tb.append(string: "{\"kind\":\"enrolment\",\"tenant_id\":\"\(tenant)\",\"learner_id\":\"\(learner)\",\"course_id\":\"\(course.id)\",\"dropped\":\(result.dropped),\"lessons_done\":\(result.lessonsDone),\"lesson_count\":\(course.lessons)}\n")
                }
                if tb.count > 1 << 20 {
                    try truth.write(tb)
                    tb.removeAll(keepingCapacity: true)
                }
            }
        }
        try truth.write(tb)
        try truth.finish()
        try writer.finish()
        try courseWriter.finish()
        summary.files = writer.paths + courseWriter.paths + ["\(directory)/truth.ndjson"]
        return summary
    }

    static let topicNames = [
        "Data Analysis", "Leadership", "Safety", "Python", "Sales", "Compliance", "Design", "Finance", "Languages",
        "Cloud", "Marketing", "Health",
    ]

    private func simulate(rng r: inout SplitMix64, tenant: String, org: String?, learner: String, course: CourseSpec,
                          ability: Double, match: Double, at enrolledAt: Int64, counter: inout UInt64,
                          writer: EventWriter) throws -> (events: Int, dropped: Bool, lessonsDone: Int)
    {
        var events = 0
        func emit(_ type: EventType, _ at: Int64, lesson: String? = nil, duration: Int64? = nil, score: Double? = nil) throws {
            counter += 1
            var idRNG = SplitMix64(seed: config.seed, counter)
            let mixed = idRNG.next() & 0x00FF_FFFF_FFFF_FFFF
            let hex = String(mixed, radix: 16)
            let id = "e" + String(repeating: "0", count: 14 - hex.count) + hex
            try writer.write(
                EventRow(
                    eventID: id, tenantID: tenant, orgID: org, learnerID: learner, courseID: course.id, lessonID: lesson,
                    type: type, occurredAt: at, durationSeconds: duration, score: score))
            events += 1
        }
        let h = config.hazard
        try emit(.enrolled, enrolledAt)
        var t = enrolledAt
        var motivation = (0.5 + r.uniform()) * min(2, max(0.4, match))
        var lastScore = 1.0
        for k in 0..<course.lessons {
            let gap = r.exponential(mean: 1.2 / motivation)
            let z = h.intercept + h.perGapDay * gap + h.perLowScore * max(0, 0.6 - lastScore) + h.perLesson * Double(k)
            if r.uniform() < 1 / (1 + exp(-z)) {
                if r.uniform() < 0.6 {
                    try emit(.unenrolled, t + Int64((gap + 1) * 86_400e6))
                }
                return (events, true, k)
            }
            t += Int64(gap * 86_400e6) + Int64(r.below(3600)) * 1_000_000
            let lesson = "\(course.id):l\(pad(k, 2))"
            try emit(.lessonStarted, t, lesson: lesson)
            let views = r.poisson(0.5 + 2 * min(1.5, motivation))
            for _ in 0..<views {
                let d = Int64(30 + r.exponential(mean: 240))
                t += (d + Int64(r.below(120))) * 1_000_000
                try emit(.contentViewed, t, lesson: lesson, duration: d)
            }
            let spent = Int64(300 + r.exponential(mean: 900))
            t += spent * 1_000_000
            try emit(.lessonCompleted, t, lesson: lesson, duration: spent)
            if k % 3 == 2 {
                let s = min(1, max(0, ability + 0.15 * r.normal()))
                lastScore = s
                t += Int64(60 + r.below(600)) * 1_000_000
                try emit(.quizSubmitted, t, lesson: lesson, duration: Int64(60 + r.below(900)), score: (s * 10_000).rounded() / 10_000)
            }
            motivation *= 0.9 + 0.15 * r.uniform()
        }
        try emit(.courseCompleted, t + 60_000_000)
        return (events, false, course.lessons)
    }
}

func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
