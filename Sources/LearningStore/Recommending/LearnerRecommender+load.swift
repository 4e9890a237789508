import Foundation
public import LearningEvents
import Models
public import MongoStore

extension LearnerRecommender {
    /// The engine of a tenant's recommender version as the API and the consumer load it (one loader, the same
    /// checks): the model through ``ModelArtifactLoader`` (checked against the version's records), the version's
    /// popularity table (for a version written before it existed, one counted from `learner_features`), and the
    /// tenant's `courses` documents.
    public static func load(_ tenant: TenantID, _ version: ModelVersionDocument, db: MongoDatabase,
                            artifacts: ModelArtifactLoader) async throws -> LearnerRecommender {
        let model = try await artifacts.recommender(tenant, version)
        let table: PopularityTable
        if let stored = try await artifacts.popularity(tenant, version) {
            table = stored
        } else {
            let rows = try await StoreLayout.features.collection(in: db.tenant(tenant))
                .aggregate([["$group": ["_id": ["c": "$course_id", "o": "$org_id"], "learners": ["$sum": 1]]]]).collect()
            table = PopularityTable(counts: rows.compactMap { d -> (course: String, org: String?, learners: Int)? in
                guard case .document(let id)? = d["_id"], let c = id["c"]?.stringValue, Identifier.isValid(c) else { return nil }
                let org = id["o"]?.stringValue.flatMap { Identifier.isValid($0) ? $0 : nil }
                return (c, org, Int(d["learners"]?.int64Value ?? 0))
            })
        }
        let courses = try await StoreLayout.courses.collection(in: db.tenant(tenant)).find(sort: ["course_id": 1]).collect()
        let ids = model?.courses ?? IDMap(table.tenant.map(\.course_id))
        return LearnerRecommender(model: model.map { .ials($0) } ?? .popularity, catalog: CourseCatalogView(courses: ids, documents: courses),
                                  popularity: table, topK: version.recommenderSettings.topK)
    }
}
