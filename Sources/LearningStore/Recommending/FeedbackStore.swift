public import Foundation
public import LearningEvents
public import MongoStore

/// Records learner feedback on recommended courses (`learner_feedback`) and reads the dismissals in force.
public struct FeedbackStore: Sendable {
    public let db: MongoDatabase

    public init(db: MongoDatabase) { self.db = db }

    /// Records (or refreshes) one action of a learner on a course.
    public func record(_ tenant: TenantID, learner: String, course: String, action: FeedbackDocument.Action,
                       modelVersion: String? = nil, now: Date = Date()) async throws {
        let doc = FeedbackDocument(learner_id: learner, course_id: course, action: action, at: now, model_version: modelVersion,
                                   expires_at: now.addingTimeInterval(Double(FeedbackDocument.retentionDays) * 86_400))
        try await StoreLayout.feedback.upsert([doc], in: db.tenant(tenant))
    }

    /// Per learner, the courses dismissed less than `days` ago, each with the end of its dismissal.
    public func dismissals(_ tenant: TenantID, learners: [String], days: Int, now: Date = Date()) async throws -> [String: [String: Date]] {
        guard !learners.isEmpty else { return [:] }
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        var out: [String: [String: Date]] = [:]
        let filter: BSONDocument = ["learner_id": ["$in": .array(learners.map(BSON.string))],
                                    "action": .string(FeedbackDocument.Action.dismissed.rawValue), "at": ["$gt": .date(since)]]
        for try await d in StoreLayout.feedback.collection(in: db.tenant(tenant)).find(filter) {
            out[d.learner_id, default: [:]][d.course_id] = d.at.addingTimeInterval(Double(days) * 86_400)
        }
        return out
    }

    /// Every dismissal of the tenant in force (the batch reads them once per run).
    public func allDismissals(_ tenant: TenantID, days: Int, now: Date = Date()) async throws -> [String: [String: Date]] {
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        var out: [String: [String: Date]] = [:]
        let filter: BSONDocument = ["action": .string(FeedbackDocument.Action.dismissed.rawValue), "at": ["$gt": .date(since)]]
        for try await d in StoreLayout.feedback.collection(in: db.tenant(tenant)).find(filter) {
            out[d.learner_id, default: [:]][d.course_id] = d.at.addingTimeInterval(Double(days) * 86_400)
        }
        return out
    }
}
