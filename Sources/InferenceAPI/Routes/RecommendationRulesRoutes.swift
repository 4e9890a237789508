import Foundation
import Hummingbird
import LearningEvents
import LearningStore

/// A tenant's recommendation rules (docs/recommendations.md, "Setting rules"):
///
/// - `GET /v1/tenants/{tenant}/recommendation-rules[?history=true]`: the rules in force, their version, who set them
///   and when (version 0 and the defaults, without `updated_by`/`updated_at`, for a tenant that never set any);
///   `history=true` adds the earlier versions, newest first. Roles `tenant_admin`, `service`, `platform_admin`.
/// - `PUT /v1/tenants/{tenant}/recommendation-rules`: the body is the whole rules document (absent fields take their
///   defaults); it becomes the next version, set by the token's subject. `If-Match: <version>` (or `?replacing=N`)
///   makes the write conditional: 409 `version_conflict` with `current_version` when another version is current.
///   A document that breaks a rule — a value of the wrong type, an unknown key, a limit — is 400 `invalid_rules`
///   whose `field` is the key path (`pinned[2].position`). Bodies up to 256 KiB (else 413). Roles `tenant_admin` of
///   the whole tenant (`org_ids: ["*"]`: the rules bind every organisation) and `platform_admin`.
///
/// Both answer `ETag: "<version>"`. A write drops this replica's cached rules at once; other replicas' caches follow
/// the change stream (``RulesWatcher``).
struct RecommendationRulesRoutes {
    let services: APIServices
    let indexes: CollectionIndexes

    init(services: APIServices) {
        self.services = services
        indexes = CollectionIndexes(db: services.db)
    }

    /// The largest rules document a `PUT` takes.
    static let maximumBodyBytes = 256 * 1024
    /// `updated_by` keeps at most this much of the token's subject.
    static let maximumSubjectLength = 256

    func collection() -> RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get("recommendation-rules") { request, context in try await get(request, context) }
        routes.put("recommendation-rules") { request, context in try await put(request, context) }
        return routes
    }

    func get(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try Access.tenant(context.parameters.get("tenant") ?? "", principal)
        try Access.require([.tenantAdmin, .service], principal, for: "reading recommendation rules")
        let query = QueryParameters(request)
        try query.onlyKnown(["history"])
        let withHistory: Bool
        switch try query.string("history", maxLength: 5) {
        case nil, "false": withHistory = false
        case "true": withHistory = true
        default: throw APIError.invalid("history", "must be true or false")
        }
        let body = RecommendationRulesView(tenant: tenant, document: try await services.rules.store.document(tenant), withHistory: withHistory)
        return Self.tagged(try JSONResponse.make(body), version: body.version)
    }

    func put(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tenant = try Access.tenant(context.parameters.get("tenant") ?? "", principal)
        try Access.require([.tenantAdmin], principal, for: "setting recommendation rules")
        // The rules are the whole tenant's (a pin for one organisation included): an administrator limited to some
        // organisations may read them but not change them.
        if !principal.isPlatformAdmin, principal.organisations != .tenantWide {
            throw APIError.forbidden("setting recommendation rules needs a tenant_admin of the whole tenant (org_ids [\"*\"])")
        }
        let query = QueryParameters(request)
        try query.onlyKnown(["replacing"])
        let replacing = try Self.expectedVersion(query: query, ifMatch: request.headers[.ifMatch])
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: Self.maximumBodyBytes)
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            throw APIError(.contentTooLarge, code: "body_too_large", "a rules document is at most \(Self.maximumBodyBytes) bytes")
        }
        let rules: RecommendationRules
        do throws(RuleError) {
            rules = try RecommendationRules.decode(json: Data(buffer: bytes))
        } catch {
            return Self.invalidRules(error)
        }
        let who = String(principal.subject.prefix(Self.maximumSubjectLength))
        let now = Date()
        try await indexes.ensure(StoreLayout.recommendationRules)
        let version: Int
        do {
            version = try await services.rules.store.set(tenant, rules, replacing: replacing, by: who, now: now)
        } catch let e as RuleError {
            return Self.invalidRules(e)
        } catch let e as RulesConflict {
            return Self.conflict(e)
        }
        services.rules.invalidate(tenant)
        let body = RecommendationRulesView(tenant: tenant, version: version, rules: rules, updatedBy: who, updatedAt: now)
        return Self.tagged(try JSONResponse.make(body), version: version)
    }

    /// The version a write replaces: `If-Match: 3` or `"3"` (an entity tag; `*`: any), or `?replacing=3`; both given
    /// must agree. Nil: unconditional.
    static func expectedVersion(query: QueryParameters, ifMatch: String?) throws -> Int? {
        func number(_ text: String, _ name: String) throws -> Int {
            guard text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let v = Int(text), v <= Int(Int32.max) else {
                throw APIError.invalid(name, "must be a rules version (an integer from 0 to \(Int32.max))")
            }
            return v
        }
        var header: Int? = nil
        if let raw = ifMatch?.trimmingCharacters(in: .whitespaces), raw != "*" {
            var tag = Substring(raw)
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") { tag = tag.dropFirst().dropLast() }
            header = try number(String(tag), "If-Match")
        }
        let parameter = try query.string("replacing", maxLength: 10).map { try number($0, "replacing") }
        if let header, let parameter, header != parameter {
            throw APIError.invalid("replacing", "disagrees with If-Match")
        }
        return header ?? parameter
    }

    /// `ETag: "<version>"`, the value a later `If-Match` names.
    static func tagged(_ response: Response, version: Int) -> Response {
        var r = response
        r.headers[.eTag] = "\"\(version)\""
        return r
    }

    /// 400 `invalid_rules` naming the field.
    static func invalidRules(_ error: RuleError) -> Response {
        errorResponse(.badRequest, code: "invalid_rules", message: error.description) { $0.field("field", string: error.field) }
    }

    /// 409 `version_conflict` with the version now current.
    static func conflict(_ error: RulesConflict) -> Response {
        errorResponse(.conflict, code: "version_conflict", message: error.description) { e in
            e.field("current_version") { $0.integer(error.current) }
        }
    }

    /// The API's error shape with extra members in `error`.
    static func errorResponse(_ status: HTTPResponse.Status, code: String, message: String, extra: (inout JSONWriter) -> Void) -> Response {
        var w = JSONWriter(capacity: 128 + message.utf8.count)
        w.object { o in
            o.field("error") { e in
                e.object { e in
                    e.field("code", string: code)
                    e.field("message", string: message)
                    extra(&e)
                }
            }
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }
}
