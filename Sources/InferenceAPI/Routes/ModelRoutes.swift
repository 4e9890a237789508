import Foundation
import Hummingbird
import LearningStore

/// `GET /v1/tenants/{tenant}/models?kind=`: the tenant's model versions, newest first (roles `service`,
/// `tenant_admin`, `data_scientist`, `platform_admin`). Server paths and run owners are left out.
struct ModelRoutes {
    let services: APIServices

    struct Version: Encodable {
        let kind: String
        let version: String
        let status: String
        let trained_at: Date
        let activated_at: Date?
        let data_window_start: Date?
        let data_window_end: Date?
        let metrics: [String: Double]
        let hyperparameters: [String: String]
        let documents: Int?
        let notes: [String]?
        /// Whether this process holds the version in memory.
        let loaded: Bool
    }

    struct Body: Encodable {
        let tenant_id: String
        let versions: [Version]
    }

    func collection() -> RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get("models") { request, context in try await models(request, context) }
        return routes
    }

    func models(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try Access.tenant(context.parameters.get("tenant") ?? "", principal)
        try Access.require([.service, .tenantAdmin, .dataScientist], principal, for: "the model list")
        let query = QueryParameters(request)
        try query.onlyKnown(["kind"])
        var kind: ModelKind? = nil
        if let k = try query.string("kind", maxLength: 32) {
            guard let parsed = ModelKind(rawValue: k) else { throw APIError.invalid("kind", "must be recommender or risk") }
            kind = parsed
        }
        let loaded = services.cache.loadedVersions(tenant)
        let versions = try await services.registry.list(tenant: tenant, kind: kind)
            .map { v in
                Version(kind: v.kind.rawValue, version: v.version, status: v.status.rawValue, trained_at: v.trained_at,
                        activated_at: v.activated_at, data_window_start: v.data_window_start, data_window_end: v.data_window_end,
                        metrics: v.metrics.filter { $0.value.isFinite }, hyperparameters: v.hyperparameters, documents: v.documents, notes: v.notes,
                        loaded: loaded.contains(v.version))
            }
        return try JSONResponse.make(Body(tenant_id: tenant.rawValue, versions: versions))
    }
}
