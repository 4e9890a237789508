import Foundation
import LearningStore
import MongoStore

/// `ingest`: the features of every enrolment as of the tenant's cutoff into `learner_features`, a chunk at a
/// time, under the lease `features:<tenant>` so two runs never interleave their rows.
public struct FeaturesPhase: TenantPhase {
    public let name = "features"

    public init() {}

    public func run(_ context: TenantRunContext) async throws -> PhaseOutcome {
        let agg = context.aggregate
        guard !context.options.dryRun else { return .dryRun }
        let leases = context.registry.leases
        let written = try await leases.withLease("features:\(context.tenantName)", waitingUpTo: context.options.leaseWait) { _ in
            var written = 0
            for lo in stride(from: 0, to: agg.enrolmentCount, by: RefreshJob.chunk) {
                try Task.checkCancellation()
                let docs = agg.featureRows(at: .score, enrolments: lo..<(lo + RefreshJob.chunk), lessonCount: context.lessonCount)
                    .map { $0.document(learner: agg.learners[$0.learner], course: agg.courses[$0.course], org: agg.learnerOrgs[$0.learner]) }
                written += try await context.write(docs, to: StoreLayout.features)
            }
            return written
        }
        return .wrote(documents: written)
    }
}

extension FeatureRow {
    /// The row as its `learner_features` document.
    func document(learner: String, course: String, org: String?) -> FeatureDocument {
        FeatureDocument(
            learner_id: learner, course_id: course, org_id: org, as_of: date(asOf), enrolled_at: enrolledAt.map(date),
            last_activity_at: lastActivityAt.map(date), days_since_last_activity: daysSinceLastActivity, active_days_7: activeDays7,
            active_days_14: activeDays14, active_days_28: activeDays28, lessons_completed: lessonsCompleted,
            completion_ratio: completionRatio, views: views, time_spent_seconds: timeSpentSeconds, quiz_attempts: quizAttempts,
            quiz_mean_score: quizMeanScore, quiz_score_trend: quizScoreTrend, course_completed: completed, unenrolled: unenrolled)
    }
}
