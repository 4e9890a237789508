import Foundation
public import Models

/// Risk factors in words an admin understands: "no activity for 20 days", "quiz scores falling: 0.82 → 0.41",
/// "slower than most learners of this course".
///
/// Features that describe the same thing move together (hours, views and lessons; the activity windows), so their
/// single contributions can be large and opposite while their sum is what the model says. Reasons are therefore given
/// per group of features: the group's contribution is the sum of its features' contributions, its sentence comes from
/// the raw inputs, and its `feature` is the input the sentence quotes. Groups are ranked by |contribution| (ties by
/// name), so the same data give the same reasons in the same order.
public enum RiskReasons {
    /// What a group of features tells about an enrolment.
    public enum Group: String, Sendable, CaseIterable {
        case recency, gaps, progress, pace, quizzes, course
    }

    public static func group(of input: FeatureInput) -> Group {
        switch input {
        case .daysSinceLastActivity, .activeDays7, .activeDays14, .activeDays28, .decayedActivity: .recency
        case .longestGapDays, .gapTrend: .gaps
        case .completionRatio, .lessonsCompleted, .views, .timeSpentSeconds: .progress
        case .lessonsPerWeek, .paceVsCohort, .daysEnrolled: .pace
        case .quizAttempts, .quizMeanScore, .quizScoreTrend, .lastQuizScore, .quizScoreGap: .quizzes
        case .courseDropoutRate: .course
        }
    }

    /// The factors of one prediction, largest |contribution| first: one per group with a feature in the schema.
    public static func factors(_ contributions: [FeatureContribution], schema: FeatureSchema, source: some FeatureInputSource) -> [RiskDocument.Factor] {
        var sums: [Group: Double] = [:]
        let inputs = Dictionary(schema.features.map { ($0.name, $0.input) }, uniquingKeysWith: { a, _ in a })
        for c in contributions {
            guard let input = inputs[c.feature] else { continue }
            sums[group(of: input), default: 0] += c.contribution
        }
        return sums.sorted { (abs($0.value), $1.key.rawValue) > (abs($1.value), $0.key.rawValue) }.map { g, total in
            let (input, text) = reason(g, raisesRisk: total > 0, schema: schema, source: source)
            let name = schema.features.first { $0.input == input && $0.transform != .present }?.name ?? input.rawValue
            return RiskDocument.Factor(feature: name, value: schema.raw(input, source) ?? 0, contribution: total, reason: text)
        }
    }

    /// The sentence of a group and the input it quotes.
    static func reason(_ g: Group, raisesRisk up: Bool, schema: FeatureSchema, source: some FeatureInputSource) -> (FeatureInput, String) {
        func v(_ i: FeatureInput) -> Double? { schema.raw(i, source) }
        func n(_ x: Double?) -> Int { Int((x ?? 0).rounded()) }
        func days(_ k: Int) -> String { k == 1 ? "1 day" : "\(k) days" }
        func score(_ x: Double) -> String { String(format: "%.2f", x) }
        switch g {
        case .recency:
            let idle = Int((v(.daysSinceLastActivity) ?? 0).rounded(.down))
            if up && idle >= 2 { return (.daysSinceLastActivity, "no activity for \(days(idle))") }
            if up { return (.decayedActivity, "little activity in the last weeks") }
            return (.activeDays7, "active on \(n(v(.activeDays7))) of the last 7 days")
        case .gaps:
            let trend = v(.gapTrend) ?? 0
            if up && trend > 0.5 { return (.gapTrend, String(format: "gaps between active days growing (+%.1f days a week)", trend)) }
            if up { return (.longestGapDays, "a stretch of \(days(n(v(.longestGapDays)))) without activity") }
            return (.longestGapDays, "regular activity: longest stretch without it \(days(n(v(.longestGapDays))))")
        case .progress:
            let done = n(v(.lessonsCompleted)), share = Int(((v(.completionRatio) ?? 0) * 100).rounded())
            return (.completionRatio, (done == 1 ? "1 lesson" : "\(done) lessons") + " done (\(share) % of the course)")
        case .pace:
            guard let ratio = v(.paceVsCohort) else {
                return (.lessonsPerWeek, String(format: "%.1f lessons a week", v(.lessonsPerWeek) ?? 0))
            }
            if ratio < 0.8 { return (.paceVsCohort, "slower than most learners of this course") }
            if ratio > 1.25 { return (.paceVsCohort, "faster than most learners of this course") }
            return (.paceVsCohort, "keeping pace with most learners of this course")
        case .quizzes:
            guard let last = v(.lastQuizScore), let mean = v(.quizMeanScore) else { return (.quizAttempts, "no quiz taken yet") }
            let count = v(.quizAttempts) ?? 1
            // The mean before the newest quiz: (n·mean − last) / (n − 1).
            let before = count > 1 ? (count * mean - last) / (count - 1) : mean
            if count > 1 && last < before - 0.05 { return (.quizScoreGap, "quiz scores falling: \(score(before)) → \(score(last))") }
            if count > 1 && last > before + 0.05 { return (.quizScoreGap, "quiz scores rising: \(score(before)) → \(score(last))") }
            return (.lastQuizScore, "last quiz score \(score(last))")
        case .course:
            return (.courseDropoutRate, "this course loses \(Int(((v(.courseDropoutRate) ?? 0) * 100).rounded())) % of its learners")
        }
    }
}
