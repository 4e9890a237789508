import Foundation
import Hummingbird
import Models

/// `GET /v1/tenants/{tenant}/courses/{course}/similar?limit=`: courses closest to a course by cosine similarity of
/// the active recommender's course embeddings, among the published courses the caller may see (every role of the
/// tenant; `Access.catalogAudience`): a learner those offered to its organisation as its own rows name it, a tenant
/// administrator those of its `org_ids`. A course the caller may not see is 404, as if it did not exist.
struct SimilarCourseRoutes {
    let services: APIServices

    struct Item: Encodable {
        let course_id: String
        let title: String
        let similarity: Double
    }

    struct Body: Encodable {
        let tenant_id: String
        let course_id: String
        let model_version: String
        let items: [Item]
    }

    func collection() -> RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get("courses/{course}/similar") { request, context in try await similar(request, context) }
        return routes
    }

    func similar(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try Access.tenant(context.parameters.get("tenant") ?? "", principal)
        let course = try PathParameter.identifier(context.parameters.get("course"), "course")
        try Access.require(Set(Role.allCases), principal, for: "similar courses")
        let query = QueryParameters(request)
        try query.onlyKnown(["limit"])
        let limit = try services.limit(query)
        guard let snapshot = try await services.cache.recommender(tenant) else {
            throw APIError(.notFound, code: "no_model", "this tenant has no active recommender model")
        }
        guard let model = snapshot.model else {
            throw APIError(.notFound, code: "no_model", "this tenant's recommender has no course embeddings (popularity model)")
        }
        let orgs: [String]?
        switch Access.catalogAudience(principal) {
        case .tenant: orgs = nil
        case .organisations(let list): orgs = list
        case .learner(let learner):
            // From the learner's rows, never from the token nor from its absence: no row naming an organisation
            // leaves the whole-tenant courses only.
            orgs = LearnerOrganisation.of(try await services.cache.learners.rows(tenant, learner)).map { [$0] } ?? []
        }
        let catalog = snapshot.catalog, now = Date()
        guard let index = model.courses.index(of: course), catalog.isVisible(index, to: orgs, at: now) else {
            throw APIError.notFound("no such course in the model")
        }
        let candidates = Set((0..<model.courses.count).filter { catalog.isVisible($0, to: orgs, at: now) })
        let recs = try await services.compute.run { try model.similarCourses(to: index, k: limit, candidates: candidates) }
        let items = recs.filter { $0.score.isFinite }.map {
            Item(course_id: model.courses.id(at: $0.course) ?? "", title: catalog.title($0.course), similarity: Double($0.score))
        }
        return try JSONResponse.make(Body(tenant_id: tenant.rawValue, course_id: course, model_version: snapshot.version.version, items: items))
    }
}
