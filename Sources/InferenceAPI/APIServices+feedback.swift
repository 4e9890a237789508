import Foundation
import LearningEvents
import LearningStore
import MongoStore

extension APIServices {
    /// Whether `learner` may record `action` on `course`: it holds fewer than `limit` feedback records, or this one
    /// already exists (recording it again only refreshes it).
    func mayRecordFeedback(_ tenant: TenantID, learner: String, course: String, action: FeedbackDocument.Action, limit: Int) async throws -> Bool {
        let held = StoreLayout.feedback.collection(in: db.tenant(tenant))
        guard try await held.count(["learner_id": .string(learner)]) >= limit else { return true }
        return try await held.count(["learner_id": .string(learner), "course_id": .string(course), "action": .string(action.rawValue)]) > 0
    }
}
