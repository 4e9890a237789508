import Foundation
import Hummingbird
import LearningEvents
import LearningStore

/// `POST /v1/tenants/{tenant}/learners/{learner}/feedback` `{"course_id", "action", "model_version"?}` → 204: what a
/// learner did with a recommended course (`dismissed` keeps it out of the learner's list for the tenant's
/// `dismissal_days`; `enrolled` and `clicked` are kept for evaluation). Roles `learner` (itself; another learner is
/// 404), `service`, `platform_admin`. Ids follow the identifier rule; a learner holds at most
/// ``maximumPerLearner`` (course, action) records (409 `feedback_limit` beyond), so a client cannot grow the
/// collection without bound with made-up course ids.
struct FeedbackRoutes {
    let services: APIServices
    let indexes: CollectionIndexes

    init(services: APIServices) {
        self.services = services
        indexes = CollectionIndexes(db: services.db)
    }

    /// Feedback records (one per course and action) a learner may hold.
    static let maximumPerLearner = 10_000

    func collection() -> RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.post("learners/{learner}/feedback") { request, context in try await feedback(request, context) }
        return routes
    }

    func feedback(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try Access.tenant(context.parameters.get("tenant") ?? "", principal)
        let learner = try PathParameter.identifier(context.parameters.get("learner"), "learner")
        _ = try Access.learner(learner, principal, roles: [.learner, .service], for: "learner feedback")
        try QueryParameters(request).onlyKnown([])
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard case .object(let object)? = JSONValue.parse(Data(buffer: body)) else {
            throw APIError.invalidBody(#"the body must be a JSON object: {"course_id", "action", "model_version"?}"#)
        }
        if let extra = object.keys.sorted().first(where: { !["course_id", "action", "model_version"].contains($0) }) {
            throw APIError.invalidBody("unknown field \(String(extra.prefix(64)).debugDescription)")
        }
        guard case .string(let rawCourse)? = object["course_id"] else { throw APIError.invalid("course_id", "missing (a string)") }
        let course = try PathParameter.identifier(rawCourse, "course_id")
        let actions = FeedbackDocument.Action.allCases.map(\.rawValue)
        guard case .string(let rawAction)? = object["action"], let action = FeedbackDocument.Action(rawValue: rawAction) else {
            throw APIError.invalid("action", "must be one of \(actions.joined(separator: ", "))")
        }
        var modelVersion: String? = nil
        switch object["model_version"] {
        case nil, .null?: break
        case .string(let v)?: modelVersion = try PathParameter.identifier(v, "model_version")
        default: throw APIError.invalid("model_version", "must be a string")
        }
        try await indexes.ensure(StoreLayout.feedback)
        guard try await services.mayRecordFeedback(tenant, learner: learner, course: course, action: action, limit: Self.maximumPerLearner) else {
            throw APIError(.conflict, code: "feedback_limit", "this learner already has \(Self.maximumPerLearner) feedback records")
        }
        try await FeedbackStore(db: services.db).record(tenant, learner: learner, course: course, action: action, modelVersion: modelVersion)
        // The learner's next request on this replica sees it at once (other replicas: the change stream on
        // `learner_feedback` drops their cached entry).
        services.cache.learners.noteFeedback(tenant, learner: learner)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }
}
