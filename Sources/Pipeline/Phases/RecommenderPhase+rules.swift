import Foundation
import LearningStore
import Models

extension RecommenderPhase {
    /// Learners per (course, organisation) among the run's interactions: the popularity table the version carries.
    static func popularityCounts(agg: TenantAggregator, data: Interactions) -> [(course: String, org: String?, learners: Int)] {
        var counts: [Int: [String?: Int]] = [:]
        for l in 0..<agg.learners.count {
            let org = agg.learnerOrgs[l]
            for e in data.byLearner.entries(inRow: l) where e.weight > 0 { counts[e.column, default: [:]][org, default: 0] += 1 }
        }
        var out: [(course: String, org: String?, learners: Int)] = []
        for (c, byOrg) in counts {
            // Learners without an organisation count tenant-wide only (the entry with no organisation).
            for (org, n) in byOrg { out.append((agg.courses[c], org, n)) }
        }
        return out
    }

    /// The tenant's rules and the dismissals in force (a dry run reads nothing: the defaults, no dismissals).
    static func rulesAndDismissals(_ context: TenantRunContext) async throws -> (VersionedRules, [String: [String: Date]]) {
        guard !context.settings.dryRun else { return (.defaults, [:]) }
        let db = context.registry.db
        let rules = try await RecommendationRulesStore(db: db).current(context.tenant)
        let dismissals = try await FeedbackStore(db: db).allDismissals(context.tenant, days: rules.rules.dismissal_days, now: context.startedAt)
        return (rules, dismissals)
    }
}
