import Foundation
import LearningEvents
import Models

/// A generated tenant whose activity is front-loaded in time, like a public ratings data set: learners join over a
/// year but most of them in the first weeks (join day = 365·u³), and each works through their courses in a burst
/// of a few days after joining. So the newest fifth of enrolments belongs to the few learners who joined late,
/// while most learners have several courses. Tastes are planted: each course has one of `topics` topics, each
/// learner two favourite topics, and a learner picks a course of a favourite topic (Zipf within it) four times out
/// of five, else a popular course of any topic.
struct FrontLoadedTenant {
    let interactions: [Interaction]
    let data: Interactions

    static func make(learners: Int = 1500, courses: Int = 240, topics: Int = 8, seed: UInt64) throws -> FrontLoadedTenant {
        var rng = SplitMix64(seed: seed)
        // Zipf weights: within a topic by the course's rank in it, and over every course.
        let rankInTopic = (0..<courses).map { $0 / topics }
        func pick(_ weights: [Double]) -> Int {
            let total = weights.reduce(0, +)
            var u = rng.uniform() * total
            for (i, w) in weights.enumerated() {
                u -= w
                if u < 0 { return i }
            }
            return weights.count - 1
        }
        let global = (0..<courses).map { 1 / pow(Double($0 + 1), 0.9) }
        let byTopic = (0..<topics).map { t in (0..<courses).map { $0 % topics == t ? 1 / pow(Double(rankInTopic[$0] + 1), 0.8) : 0 } }
        var out: [Interaction] = []
        let day = 86_400.0, start = 1_700_000_000.0
        for l in 0..<learners {
            let tastes = [Int(rng.next() % UInt64(topics)), Int(rng.next() % UInt64(topics))]
            // 1 + a geometric number of further courses (mean 3), at most 30.
            var count = 1
            while count < 30 && rng.uniform() < 0.75 { count += 1 }
            let u = rng.uniform()
            var t = start + 365 * day * u * u * u
            var taken = Set<Int>()
            var attempts = 0
            while taken.count < count && attempts < 200 {
                attempts += 1
                let c = rng.uniform() < 0.8 ? pick(byTopic[tastes[Int(rng.next() % 2)]]) : pick(global)
                guard taken.insert(c).inserted else { continue }
                t += -log(max(rng.uniform(), 1e-12)) * 2 * day  // a burst: about two days between enrolments
                out.append(Interaction(learner: l, course: c, weight: Float(1 + rng.next() % 8), time: t))
            }
        }
        let data = try Interactions(triplets: out.map { ($0.learner, $0.course, $0.weight) }, learnerCount: learners, courseCount: courses,
                                    learners: try IDMap(ordered: (0..<learners).map { "L\($0)" }),
                                    courses: try IDMap(ordered: (0..<courses).map { "C\($0)" }))
        return FrontLoadedTenant(interactions: out, data: data)
    }

    /// Learners the search's earlier validation split would have scored on `train` (the newest `share` of
    /// enrolments against each learner's earlier ones): the few who joined late.
    static func globalSplitLearners(_ train: [Interaction], share: Double = 0.2) -> Int {
        let times = train.map(\.time).sorted()
        let cutoff = times[min(times.count - 1, Int(Double(times.count) * (1 - share)))]
        let (before, after) = Splits.byTime(train, cutoff: cutoff)
        return Set(after.map(\.learner)).intersection(before.map(\.learner)).count
    }
}
