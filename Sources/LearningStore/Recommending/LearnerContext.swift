public import Foundation
public import Models

/// What the recommender knows of one learner: the organisation, the implicit-feedback history over the model's
/// courses, which courses were completed and which only started, and the learner's dismissals still in force.
/// Built from `learner_features` rows by ``init(learner:rows:courses:dismissed:)`` (the consumer and the API), and
/// from the run's aggregates by the batch, by the same rules.
public struct LearnerContext: Sendable {
    public var learnerID: String
    public var org: String?
    /// Model course index and summed weight (> 0), the fold-in's input.
    public var history: [HistoryItem]
    public var completed: Set<String>
    /// Courses with an enrolment or activity that were not completed.
    public var started: Set<String>
    /// Course → the end of its dismissal.
    public var dismissedUntil: [String: Date]

    public init(learnerID: String, org: String?, history: [HistoryItem], completed: Set<String>, started: Set<String>,
                dismissedUntil: [String: Date] = [:]) {
        self.learnerID = learnerID
        self.org = org
        self.history = history
        self.completed = completed
        self.started = started
        self.dismissedUntil = dismissedUntil
    }

    /// From the learner's `learner_features` rows: the organisation of the newest row that names one, the rows'
    /// interaction weights (`interactionWeight`, as training summed them) over the model's courses, completed and
    /// started courses.
    public init(learner: String, rows: [FeatureDocument], courses: IDMap, dismissed: [String: Date] = [:]) {
        var weights: [Int: Float] = [:]
        var completed = Set<String>(), started = Set<String>()
        for r in rows {
            if r.course_completed { completed.insert(r.course_id) } else { started.insert(r.course_id) }
            guard let c = courses.index(of: r.course_id) else { continue }
            let w = r.interactionWeight
            if w > 0 { weights[c, default: 0] += w }
        }
        let org = rows.filter { $0.org_id != nil }.max { ($0.as_of, $0.course_id) < ($1.as_of, $1.course_id) }?.org_id
        self.init(learnerID: learner, org: org, history: weights.keys.sorted().map { HistoryItem(course: $0, weight: weights[$0]!) },
                  completed: completed, started: started, dismissedUntil: dismissed)
    }

    /// Whether the learner has a history the model can use.
    public var hasHistory: Bool { !history.isEmpty }
}
