/// Course-level inputs of the risk model, computed from a risk version's training data only and stored with it (in
/// its ``FeatureSchema``), so batch, stream and API read the same numbers: each course's dropout rate and its
/// cohort's pace. Courses the training data did not see get the tenant-wide values.
public struct CourseContext: Sendable, Equatable, Codable {
    /// Share of the course's decided training enrolments that ended in a dropout, shrunk towards the tenant's rate
    /// (`(dropped + k·rate) / (decided + k)`, ``shrinkage`` = k).
    public var dropout_rate: [String: Double]
    public var default_dropout_rate: Double
    /// Median lessons completed per week of the course's enrolments at the training cutoff.
    public var cohort_pace: [String: Double]
    public var default_pace: Double

    /// Pseudo-enrolments at the tenant's rate added to each course's count.
    public static let shrinkage = 20.0

    public init(dropout_rate: [String: Double], default_dropout_rate: Double, cohort_pace: [String: Double], default_pace: Double) {
        self.dropout_rate = dropout_rate
        self.default_dropout_rate = default_dropout_rate
        self.cohort_pace = cohort_pace
        self.default_pace = default_pace
    }

    /// The course's dropout rate (the tenant's for an unknown course).
    public func dropoutRate(_ course: String?) -> Double { course.flatMap { dropout_rate[$0] } ?? default_dropout_rate }

    /// The course cohort's median pace in lessons per week (the tenant's for an unknown course), at least 0.05.
    public func pace(_ course: String?) -> Double { max(0.05, course.flatMap { cohort_pace[$0] } ?? default_pace) }

    /// Builds the context from training enrolments: (course, decided?, dropped?, lessons per week).
    public static func build(_ rows: [(course: String, decided: Bool, dropped: Bool, lessonsPerWeek: Double)]) -> CourseContext {
        var decided: [String: (Double, Double)] = [:]
        var paces: [String: [Double]] = [:]
        var totalDecided = 0.0, totalDropped = 0.0
        for r in rows {
            if r.decided {
                var d = decided[r.course] ?? (0, 0)
                d.0 += 1
                if r.dropped { d.1 += 1 }
                decided[r.course] = d
                totalDecided += 1
                if r.dropped { totalDropped += 1 }
            }
            if r.lessonsPerWeek.isFinite { paces[r.course, default: []].append(r.lessonsPerWeek) }
        }
        let rate = totalDecided > 0 ? totalDropped / totalDecided : 0.3
        var rates: [String: Double] = [:]
        for (c, d) in decided { rates[c] = (d.1 + shrinkage * rate) / (d.0 + shrinkage) }
        let all = paces.values.flatMap { $0 }
        return CourseContext(dropout_rate: rates, default_dropout_rate: rate,
                             cohort_pace: paces.mapValues(median), default_pace: all.isEmpty ? 1 : median(all))
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
