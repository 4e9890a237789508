import Foundation
import Hummingbird
import LearningStore

/// `GET /v1/tenants/{tenant}/at-risk?course_id=&min_risk=&limit=&cursor=`: enrolments by dropout risk, highest first
/// (ties by learner and course), from the active risk version's stored scores, in pages that follow the
/// `at_risk_page` index. Roles `service`, `tenant_admin` (only rows of its `org_ids`: an empty page without the
/// claim, every row with `org_ids: ["*"]`), `platform_admin`.
struct AtRiskRoutes {
    let services: APIServices

    struct Item: Encodable {
        let learner_id: String
        let course_id: String
        let org_id: String?
        let risk: Double
        let band: String
        let factors: [RiskRoutes.Factor]
        let computed_at: Date
    }

    struct Page: Encodable {
        let tenant_id: String
        let model_version: String
        let items: [Item]
        /// Pass as `cursor` for the next page; null on the last page.
        let next_cursor: String?

        enum CodingKeys: String, CodingKey { case tenant_id, model_version, items, next_cursor }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tenant_id, forKey: .tenant_id)
            try c.encode(model_version, forKey: .model_version)
            try c.encode(items, forKey: .items)
            try c.encode(next_cursor, forKey: .next_cursor)  // null on the last page, not absent
        }
    }

    func collection() -> RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get("at-risk") { request, context in try await atRisk(request, context) }
        return routes
    }

    func atRisk(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try Access.tenant(context.parameters.get("tenant") ?? "", principal)
        try Access.require([.service, .tenantAdmin], principal, for: "at-risk lists")
        let query = QueryParameters(request)
        try query.onlyKnown(["course_id", "min_risk", "limit", "cursor"])
        let course = try query.identifier("course_id")
        let minRisk = try query.number("min_risk", in: 0...1, default: 0)
        let limit = try query.integer("limit", in: 1...services.configuration.maximumPageSize,
                                      default: services.configuration.defaultPageSize)
        let cursor = try query.string("cursor", maxLength: AtRiskCursor.maximumLength).map(AtRiskCursor.decode)
        let results = ActiveResults(db: services.db)
        let version: String
        if let cursor {
            // The cursor's version must still be a readable (active or retired, complete) version of this tenant.
            guard let v = try await results.readableVersion(tenant, .risk, cursor.v) else {
                throw APIError(.badRequest, code: "cursor_expired", "the model version this cursor pages is gone; start again without a cursor")
            }
            version = v.version
        } else {
            guard let v = try await results.activeVersion(tenant, .risk) else {
                throw APIError(.notFound, code: "no_model", "this tenant has no active risk model")
            }
            version = v.version
        }
        let docs = try await results.atRiskPage(
            tenant: tenant, version: version, course: course, minRisk: minRisk, organisations: Access.organisations(principal),
            after: cursor.map { ActiveResults.AtRiskPosition(risk: $0.r, learner: $0.l, course: $0.c) }, limit: limit + 1)
        let page = docs.prefix(limit)
        let next = docs.count > limit ? page.last.map { AtRiskCursor(v: version, r: $0.risk, l: $0.learner_id, c: $0.course_id).encoded } : nil
        let items = page.map { d in
            Item(learner_id: d.learner_id, course_id: d.course_id, org_id: d.org_id, risk: d.risk, band: d.band,
                 factors: d.factors.map(RiskRoutes.Factor.init),
                 computed_at: d.computed_at)
        }
        return try JSONResponse.make(Page(tenant_id: tenant.rawValue, model_version: version, items: items, next_cursor: next))
    }
}
