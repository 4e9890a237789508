import LearningEvents
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Generator {
    /// Simulates one enrolment to its end (``EngagementParameters``, ``HazardParameters``) and writes the events that
    /// happen before the export date.
    func simulate(rng r: inout SplitMix64, tenant: String, org: String?, learner: String, course: CourseSpec,
                  ability: Double, match: Double, at enrolledAt: Int64, counter: inout UInt64,
                  writer: EventWriter) throws -> EnrolmentOutcome
    {
        let exportDate = config.exportDate
        let p = config.engagement
        let h = config.hazard
        let day = Double(Timestamp.microsPerDay)
        var written = 0
        func emit(_ type: EventType, _ at: Int64, lesson: String? = nil, duration: Int64? = nil, score: Double? = nil) throws {
            guard at < exportDate else { return }  // a snapshot: nothing after the export date
            counter += 1
            var idRNG = SplitMix64(seed: config.seed, counter)
            let mixed = idRNG.next() & 0x00FF_FFFF_FFFF_FFFF
            let hex = String(mixed, radix: 16)
            let id = "e" + String(repeating: "0", count: 14 - hex.count) + hex
            try writer.write(
                EventRow(
                    eventID: id, tenantID: tenant, orgID: org, learnerID: learner, courseID: course.id, lessonID: lesson,
                    type: type, occurredAt: at, durationSeconds: duration, score: score))
            written += 1
        }
        func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

        try emit(.enrolled, enrolledAt)
        // Commitment: how much this learner means to finish this course; it sets the starting pace and the odds of
        // losing interest.
        let commitment = r.normal()
        var engagement = exp(p.commitmentSpread * commitment) * min(2, max(0.4, match))
        let startingEngagement = engagement
        let disengages = r.chance(sigmoid(
            p.disengageIntercept - p.disengagePerLogMatch * log(min(8, max(0.25, match)))
                + p.disengagePerLowAbility * (0.65 - ability) - p.disengagePerCommitment * commitment))
        let onsetDays = r.exponential(mean: p.meanOnsetDays)
        let onset = disengages ? enrolledAt + Int64(onsetDays * day) : Int64.max
        let decline = p.weeklyDecline * (0.5 + r.uniform())
        var t = enrolledAt
        var lesson = 0
        var lessonOpen = false
        var lastScore = 1.0
        while true {
            // Idle until the next session; engagement drifts, and falls after the onset of disengagement.
            let gap = min(45, r.exponential(mean: p.meanGapDays / max(engagement, 0.2)))
            let next = t + Int64(gap * day)
            let declining = next > onset ? Double(next - max(t, onset)) / day : 0
            engagement *= exp(-decline * declining / 7 + p.noise * r.normal())
            // Each idle day the learner may withdraw.
            let base = h.intercept + h.perLowEngagement * max(0, h.engagementThreshold - engagement / startingEngagement)
                + h.perLowScore * max(0, h.lowScoreThreshold - lastScore)
            var idle = 1
            while Double(idle) < gap {
                if r.chance(sigmoid(base + h.perIdleDay * Double(idle))) {
                    let at = t + Int64(idle) * Timestamp.microsPerDay + Int64(r.below(3600)) * 1_000_000
                    if r.chance(0.6) { try emit(.unenrolled, at) }  // the others just stop
                    return EnrolmentOutcome(
                        enrolledAt: enrolledAt, withdrawn: true, outcomeAt: at, lessonsDone: lesson,
                        disengagedAt: onset < at ? onset : nil, eventsWritten: written)
                }
                idle += 1
            }
            t = next
            // A session: smaller, and less likely to finish the lesson, as engagement falls.
            let lessonID = "\(course.id):l\(pad(lesson, 2))"
            if !lessonOpen {
                try emit(.lessonStarted, t, lesson: lessonID)
                lessonOpen = true
            }
            let e = min(1.5, engagement)
            for _ in 0..<r.poisson(0.4 + 1.8 * e) {
                let d = Int64(30 + r.exponential(mean: 60 + 180 * e))
                t += (d + Int64(r.below(120))) * 1_000_000
                try emit(.contentViewed, t, lesson: lessonID, duration: d)
            }
            guard r.chance(min(0.9, max(0.15, 0.1 + 0.4 * engagement))) else { continue }
            let spent = Int64(300 + r.exponential(mean: 300 + 600 * e))
            t += spent * 1_000_000
            try emit(.lessonCompleted, t, lesson: lessonID, duration: spent)
            lessonOpen = false
            if lesson % 3 == 2 {
                let s = min(1, max(0, ability * (0.6 + 0.4 * min(1, engagement / startingEngagement)) + 0.12 * r.normal()))
                lastScore = s
                engagement *= exp(0.4 * (s - 0.6))
                t += Int64(60 + r.below(600)) * 1_000_000
                try emit(.quizSubmitted, t, lesson: lessonID, duration: Int64(60 + r.below(900)), score: (s * 10_000).rounded() / 10_000)
            }
            lesson += 1
            if lesson == course.lessons {
                t += 60_000_000
                try emit(.courseCompleted, t)
                return EnrolmentOutcome(
                    enrolledAt: enrolledAt, withdrawn: false, outcomeAt: t, lessonsDone: lesson,
                    disengagedAt: onset < t ? onset : nil, eventsWritten: written)
            }
        }
    }
}
