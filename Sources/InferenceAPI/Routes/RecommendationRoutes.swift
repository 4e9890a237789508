import Foundation
import Hummingbird
import LearningStore

/// `GET /v1/tenants/{tenant}/learners/{learner}/recommendations?limit=`: live recommendations (roles `learner` for
/// itself, `service`, `platform_admin`).
struct RecommendationRoutes {
    let services: APIServices

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
        let (rows, feedback) = try await services.cache.learners.learner(tenant, learner)
        let rules = try await services.rules.rules(tenant)
        let now = Date()
        // Dismissals in force: dismissed less than the tenant's `dismissal_days` ago (from the cached entry, which
        // a dismissal on any replica drops).
        let hold = Double(rules.rules.dismissal_days) * 86_400
        let dismissed = feedback.mapValues { $0.addingTimeInterval(hold) }.filter { $0.value > now }
        let live = try await services.recommender.recommend(snapshot, learner: learner, rows: rows, rules: rules, dismissed: dismissed,
                                                            limit: limit, now: now)
        // Written by hand: this is the hot route, and JSONEncoder cost more than the model compute.
        var w = JSONWriter()
        w.object { o in
            o.field("computed_at", date: now)
            o.field("embedding", string: live.embedding.rawValue)
            o.field("items") { a in
                a.array { a in
                    for item in live.items {
                        a.object { i in
                            i.field("course_id", string: item.courseID)
                            i.field("reason", string: item.reason)
                            i.field("rule", string: item.rule)
                            i.field("score", number: item.score)
                            i.field("title", string: item.title)
                        }
                    }
                }
            }
            o.field("learner_id", string: learner)
            o.field("model_kind", string: snapshot.kindName)
            o.field("model_version", string: snapshot.version.version)
            o.field("rules_version") { $0.integer(live.rulesVersion) }
            o.field("tenant_id", string: tenant.rawValue)
        }
        return JSONResponse.make(bytes: w.bytes)
    }
}
