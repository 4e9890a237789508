import Foundation
import Hummingbird
import LearningStore

/// `GET /v1/tenants/{tenant}/learners/{learner}/recommendations?limit=`: live recommendations (roles `learner` for
/// itself, `service`, `platform_admin`).
struct RecommendationRoutes {
    let services: APIServices

    struct Body: Encodable {
        let tenant_id: String
        let learner_id: String
        let model_version: String
        let model_kind: String
        let embedding: LiveRecommendations.Embedding
        let computed_at: Date
        let items: [LiveRecommendations.Item]
    }

    func collection() -> RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get("learners/{learner}/recommendations") { request, context in try await recommendations(request, context) }
        return routes
    }

    func recommendations(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try Access.tenant(context.parameters.get("tenant") ?? "", principal)
        let learner = try PathParameter.identifier(context.parameters.get("learner"), "learner")
        _ = try Access.learner(learner, principal, roles: [.learner, .service], for: "recommendations")
        let query = QueryParameters(request)
        try query.onlyKnown(["limit"])
        let limit = try services.limit(query)
        guard let snapshot = try await services.cache.recommender(tenant) else {
            throw APIError(.notFound, code: "no_model", "this tenant has no active recommender model")
        }
        let rows = try await services.cache.learners.rows(tenant, learner)
        let live = try await services.recommender.recommend(snapshot, learner: learner, rows: rows, limit: limit)
        return try JSONResponse.make(Body(tenant_id: tenant.rawValue, learner_id: learner, model_version: live.version,
                                          model_kind: live.modelKind, embedding: live.embedding, computed_at: Date(), items: live.items))
    }
}
