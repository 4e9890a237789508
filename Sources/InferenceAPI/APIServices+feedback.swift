import Foundation
import LearningEvents
import LearningStore
import MongoStore

extension APIServices {
    /// The courses `learner` dismissed less than `days` ago (the tenant's `dismissal_days`), each with the end of
    /// its dismissal; read from `learner_feedback` on every call (one indexed query, no cache: a dismissal must
    /// show on the learner's next request).
    ///
    /// ```swift
    /// let rules = try await services.rules.rules(tenant)
    /// let dismissed = try await services.dismissals(tenant, learner: learner, days: rules.rules.dismissal_days)
    /// ```
    func dismissals(_ tenant: TenantID, learner: String, days: Int, now: Date = Date()) async throws -> [String: Date] {
        try await FeedbackStore(db: db).dismissals(tenant, learners: [learner], days: days, now: now)[learner] ?? [:]
    }

    /// Whether `learner` may record `action` on `course`: it holds fewer than `limit` feedback records, or this one
    /// already exists (recording it again only refreshes it).
    func mayRecordFeedback(_ tenant: TenantID, learner: String, course: String, action: FeedbackDocument.Action, limit: Int) async throws -> Bool {
        let held = StoreLayout.feedback.collection(in: db.tenant(tenant))
        guard try await held.count(["learner_id": .string(learner)]) >= limit else { return true }
        return try await held.count(["learner_id": .string(learner), "course_id": .string(course), "action": .string(action.rawValue)]) > 0
    }
}
