import Foundation

/// A risk factor in words an admin understands, from the feature, its raw input and the direction it pushes the
/// risk: "no activity for 20 days", "quiz scores falling: 0.82 → 0.41", "slower than most learners of this course".
public enum RiskReasons {
    /// The sentence for one feature of `schema` (by name) for one enrolment; `contribution > 0` raises the risk.
    public static func text(feature: FeatureSchema.Feature, schema: FeatureSchema, source: some FeatureInputSource, contribution: Double) -> String {
        let raw = schema.raw(feature.input, source)
        let up = contribution > 0
        func n(_ v: Double?) -> Int { Int((v ?? 0).rounded()) }
        func score(_ v: Double) -> String { String(format: "%.2f", v) }
        func days(_ k: Int) -> String { k == 1 ? "1 day" : "\(k) days" }
        switch feature.input {
        case .daysSinceLastActivity:
            let d = n(raw)
            return d <= 0 ? "active today" : (up ? "no activity for \(days(d))" : "last active \(days(d)) ago")
        case .activeDays7: return "active on \(n(raw)) of the last 7 days"
        case .activeDays14: return "active on \(n(raw)) of the last 14 days"
        case .activeDays28: return "active on \(n(raw)) of the last 28 days"
        case .completionRatio: return "\(Int(((raw ?? 0) * 100).rounded())) % of the course done"
        case .lessonsCompleted: return n(raw) == 1 ? "1 lesson completed" : "\(n(raw)) lessons completed"
        case .views: return "\(n(raw)) content views"
        case .timeSpentSeconds: return String(format: "%.1f hours spent in the course", (raw ?? 0) / 3600)
        case .quizAttempts: return n(raw) == 0 ? "no quiz taken yet" : "\(n(raw)) quizzes taken"
        case .quizMeanScore:
            if feature.transform == .present { return raw == nil ? "no quiz taken yet" : "has taken quizzes" }
            return raw.map { "mean quiz score \(score($0))" } ?? "no quiz taken yet"
        case .quizScoreTrend:
            guard let t = raw else { return "too few quizzes for a trend" }
            return t < 0 ? String(format: "quiz scores falling (%.2f a week)", t) : String(format: "quiz scores rising (+%.2f a week)", t)
        case .daysEnrolled: return "enrolled \(days(n(raw))) ago"
        case .lastQuizScore: return raw.map { "last quiz score \(score($0))" } ?? "no quiz taken yet"
        case .quizScoreGap:
            guard let last = source.featureInput(.lastQuizScore), let mean = source.featureInput(.quizMeanScore), let gap = raw else {
                return "no quiz taken yet"
            }
            // The mean before the last quiz: (n·mean − last) / (n − 1).
            let count = source.featureInput(.quizAttempts) ?? 1
            let before = count > 1 ? (count * mean - last) / (count - 1) : mean
            if abs(gap) < 0.005 { return "quiz scores steady at \(score(last))" }
            return gap < 0 ? "quiz scores falling: \(score(before)) → \(score(last))" : "quiz scores rising: \(score(before)) → \(score(last))"
        case .longestGapDays: return "longest stretch without activity: \(days(n(raw)))"
        case .gapTrend:
            guard let t = raw else { return "too few active days for a trend in gaps" }
            if abs(t) < 0.05 { return "steady gaps between active days" }
            return t > 0 ? String(format: "gaps between active days growing (+%.1f days a week)", t)
                : String(format: "gaps between active days shrinking (%.1f days a week)", t)
        case .decayedActivity: return up ? "little recent activity" : "steady recent activity"
        case .lessonsPerWeek: return String(format: "%.1f lessons a week", raw ?? 0)
        case .paceVsCohort:
            guard let r = raw else { return "pace unknown" }
            if r < 0.8 { return "slower than most learners of this course" }
            if r > 1.25 { return "faster than most learners of this course" }
            return "keeping pace with the course's learners"
        case .courseDropoutRate:
            return "this course loses \(Int(((raw ?? 0) * 100).rounded())) % of its learners"
        }
    }
}
