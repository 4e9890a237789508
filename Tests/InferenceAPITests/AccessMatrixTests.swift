import Foundation
import HummingbirdTesting
@testable import InferenceAPI
import LearningEvents
import LearningStore
import MongoStore
import Scheduler
import Testing

/// Every route × every role × own/other tenant, organisation and learner: the status the access rules give, bodies
/// that conform to openapi.yaml, and no 200 that carries another tenant's, organisation's or learner's data.
@Suite struct AccessMatrixTests {
    enum Route: String, CaseIterable {
        case recommendations, learnerRisk, inferFeatures, inferLearner, atRisk, similar, models
    }

    /// A token holder of the matrix.
    struct Caller: CustomStringConvertible {
        let name: String
        let roles: [String]
        let learner: String?
        let orgs: [String]?
        var description: String { name }
        var isPlatform: Bool { roles.contains("platform_admin") }
    }

    /// The status the README's rules give.
    static func expected(_ route: Route, _ c: Caller, ownTenant: Bool, ownLearner: Bool, ownOrg: Bool) -> Int {
        if !ownTenant && !c.isPlatform { return 404 }
        if c.isPlatform { return 200 }
        let r = Set(c.roles)
        switch route {
        case .recommendations:
            if r.contains("service") { return 200 }
            if r.contains("learner") { return ownLearner ? 200 : 404 }
            return 403
        case .learnerRisk:
            if r.contains("service") || r.contains("tenant_admin") { return 200 }  // an admin of other orgs sees no scores
            if r.contains("learner") { return ownLearner ? 200 : 404 }
            return 403
        case .inferFeatures:
            return r.isDisjoint(with: ["service", "tenant_admin", "data_scientist"]) ? 403 : 200
        case .inferLearner:
            if r.contains("service") { return 200 }
            if r.contains("tenant_admin") { return ownOrg ? 200 : 404 }  // none without org_ids, every one with ["*"]
            if r.contains("learner") { return ownLearner ? 200 : 404 }
            return 403
        case .atRisk:
            return r.isDisjoint(with: ["service", "tenant_admin"]) ? 403 : 200
        case .similar:
            return r.isEmpty || !r.isSubset(of: Set(Role.allCases.map(\.rawValue))) ? 403 : 200
        case .models:
            return r.isDisjoint(with: ["service", "tenant_admin", "data_scientist"]) ? 403 : 200
        }
    }

    @Test func everyRouteRoleAndTarget() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api()
        let a = APIFixture.tenantA.rawValue, b = APIFixture.tenantB.rawValue
        // Two learners of tenant A with stored risk scores, and a course both tenants' models know.
        let scored = try await StoreLayout.risk.collection(in: f.db.tenant(APIFixture.tenantA)).find(sort: ["learner_id": 1], limit: 200).collect()
        let l1 = scored[0].learner_id, c1 = scored[0].course_id
        let l2 = scored.first { $0.learner_id != l1 }!.learner_id
        let org1 = try #require(f.org(APIFixture.tenantA, l1))
        let openCourse = try #require(f.catalog.first {
            $0.tenantID == a && $0.published && $0.orgIDs.isEmpty && f.modelCourses[a]!.contains($0.courseID)
        }?.courseID)
        let callers = [
            Caller(name: "learner", roles: ["learner"], learner: l1, orgs: nil),
            Caller(name: "service", roles: ["service"], learner: nil, orgs: nil),
            Caller(name: "tenant_admin", roles: ["tenant_admin"], learner: nil, orgs: nil),
            Caller(name: "tenant_admin(*)", roles: ["tenant_admin"], learner: nil, orgs: ["*"]),
            Caller(name: "tenant_admin(own org)", roles: ["tenant_admin"], learner: nil, orgs: [org1]),
            Caller(name: "tenant_admin(other org)", roles: ["tenant_admin"], learner: nil, orgs: ["org-elsewhere"]),
            Caller(name: "data_scientist", roles: ["data_scientist"], learner: nil, orgs: nil),
            Caller(name: "platform_admin", roles: ["platform_admin"], learner: nil, orgs: nil),
            Caller(name: "no known role", roles: ["auditor"], learner: nil, orgs: nil),
        ]
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            var checked = 0
            for caller in callers {
                let token = try await Tokens.make(tenant: caller.isPlatform ? nil : a, roles: caller.roles, learner: caller.learner, orgs: caller.orgs)
                for route in Route.allCases {
                    for tenant in [a, b] {
                        for learner in [l1, l2] {
                            let ownTenant = tenant == a, ownLearner = learner == l1
                            // Organisation scope fails closed: no org_ids = no organisation; ["*"] = the whole tenant.
                            let ownOrg = caller.orgs == ["*"] || (caller.orgs ?? []).contains(f.org(APIFixture.tenantA, learner) ?? "")
                            // In tenant B the ids of A's learner and course may not exist: the outcome for a caller
                            // of A must still be 404 before anything is looked up.
                            let r: APIResponse
                            switch route {
                            case .recommendations: r = try await client.get("/v1/tenants/\(tenant)/learners/\(learner)/recommendations?limit=5", token: token)
                            case .learnerRisk: r = try await client.get("/v1/tenants/\(tenant)/learners/\(learner)/risk", token: token)
                            case .inferFeatures:
                                r = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: token,
                                                          body: #"{"features": {"days_since_last_activity": 9, "active_days_7": 1, "completion_ratio": 0.2}}"#)
                            case .inferLearner:
                                let course = ownLearner ? c1 : scored.first { $0.learner_id == l2 }!.course_id
                                r = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: token,
                                                          body: #"{"learner_id": "\#(learner)", "course_id": "\#(course)"}"#)
                            case .atRisk: r = try await client.get("/v1/tenants/\(tenant)/at-risk?limit=20", token: token)
                            case .similar: r = try await client.get("/v1/tenants/\(tenant)/courses/\(openCourse)/similar?limit=5", token: token)
                            case .models: r = try await client.get("/v1/tenants/\(tenant)/models", token: token)
                            }
                            let want = Self.expected(route, caller, ownTenant: ownTenant, ownLearner: ownLearner, ownOrg: ownOrg)
                            // Tenant B has its own models, but A's learner ids may be unknown there: a platform
                            // administrator's learner-scoped calls in B answer 200 (new learner) or 404 (no enrolment).
                            let riskRoute = [.learnerRisk, .inferFeatures, .inferLearner, .atRisk].contains(route)
                            if caller.isPlatform && !ownTenant && riskRoute && !f.riskTenants.contains(tenant) {
                                // The small tenant has no risk model: nothing to serve, said as such.
                                #expect(r.status == 404 && (r.errorCode == "no_model" || route == .inferLearner), "\(caller) \(route) \(tenant): \(r.status) \(r.text)")
                            } else if caller.isPlatform && !ownTenant && (route == .inferLearner || route == .similar) {
                                #expect([200, 404].contains(r.status), "\(caller) \(route) \(tenant) \(learner): \(r.status) \(r.text)")
                            } else {
                                #expect(r.status == want, "\(caller) \(route) tenant \(tenant) learner \(learner): \(r.status) \(r.text.prefix(200))")
                            }
                            if r.status == 200 {
                                #expect(r["tenant_id"]?.string == tenant, "\(caller) \(route): body of another tenant")
                                if route == .recommendations || route == .learnerRisk {
                                    #expect(r["learner_id"]?.string == learner)
                                }
                                if caller.roles == ["tenant_admin"], caller.orgs != ["*"], route == .atRisk || route == .learnerRisk {
                                    let orgs = caller.orgs ?? []
                                    for item in (r["items"] ?? r["scores"])?.array ?? [] {
                                        #expect(item["org_id"]?.string.map(orgs.contains) == true, "\(caller) \(route): row of another organisation")
                                    }
                                }
                                if caller.roles == ["tenant_admin"], caller.orgs == ["*"], route == .atRisk {
                                    #expect(r["items"]?.array.isEmpty == false, "a tenant-wide administrator sees the at-risk list")
                                }
                                #expect(!r.text.contains(ownTenant ? b : a), "\(caller) \(route): names the other tenant")
                            }
                            if r.status == 404 && !ownTenant && !caller.isPlatform { #expect(r.errorCode == "not_found") }
                            checked += 1
                        }
                    }
                }
            }
            #expect(checked == callers.count * Route.allCases.count * 4)
            client.expectConformance()
        }
    }

    enum JobRoute: String, CaseIterable {
        case listJobs, trigger, listRuns, getRun, cancel
    }

    /// The status the job routes give: `platform_admin` everything, `data_scientist` its own tenant (another
    /// tenant's run or trigger is 404), other roles 403 (there is no path tenant to answer 404 for).
    static func expected(_ route: JobRoute, _ c: Caller, ownTenant: Bool) -> Int {
        let ok = route == .trigger ? 202 : 200
        if c.isPlatform { return ok }
        guard c.roles.contains("data_scientist") else { return 403 }
        switch route {
        case .listJobs, .listRuns: return 200  // filtered, checked below
        case .trigger, .getRun, .cancel: return ownTenant ? ok : 404
        }
    }

    /// Every job route × every role × own/other tenant: statuses, conforming bodies, and nothing of tenant B in a
    /// tenant-A data scientist's answers.
    @Test func jobRoutesEveryRoleAndTenant() async throws {
        let f = try await APIFixture.shared()
        let service = try f.jobService()
        let (api, _) = try await f.api(warm: false, jobs: service)
        let a = APIFixture.tenantA.rawValue, b = APIFixture.tenantB.rawValue
        // One run per tenant to read, made by a platform administrator.
        let seeded = try await service.trigger("health", tenants: [a, b], access: .platform)
        let runOf = Dictionary(uniqueKeysWithValues: seeded.map { ($0.tenant, $0.id) })
        let callers = [
            Caller(name: "learner", roles: ["learner"], learner: "L1", orgs: nil),
            Caller(name: "service", roles: ["service"], learner: nil, orgs: nil),
            Caller(name: "tenant_admin", roles: ["tenant_admin"], learner: nil, orgs: nil),
            Caller(name: "data_scientist", roles: ["data_scientist"], learner: nil, orgs: nil),
            Caller(name: "data_scientist+service", roles: ["data_scientist", "service"], learner: nil, orgs: nil),
            Caller(name: "platform_admin", roles: ["platform_admin"], learner: nil, orgs: nil),
            Caller(name: "no known role", roles: ["auditor"], learner: nil, orgs: nil),
        ]
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            var checked = 0
            for caller in callers {
                let token = try await Tokens.make(tenant: caller.isPlatform ? nil : a, roles: caller.roles, learner: caller.learner)
                let scientist = !caller.isPlatform && caller.roles.contains("data_scientist")
                for route in JobRoute.allCases {
                    for tenant in [a, b] {
                        let ownTenant = tenant == a
                        var fresh: String? = nil
                        let r: APIResponse
                        switch route {
                        case .listJobs: r = try await client.get("/v1/jobs", token: token)
                        case .trigger:
                            r = try await client.post("/v1/jobs/health/runs", token: token, body: #"{"tenants": ["\#(tenant)"], "params": {"sleep_seconds": 1}}"#)
                        case .listRuns: r = try await client.get("/v1/runs?tenant=\(tenant)&limit=100", token: token)
                        case .getRun: r = try await client.get("/v1/runs/\(runOf[tenant]!)", token: token)
                        case .cancel:
                            fresh = try await service.trigger("only-\(ownTenant ? "a" : "b")", access: .platform)[0].id
                            r = try await client.request(.post, "/v1/runs/\(fresh!)/cancel", token: token)
                        }
                        let want = Self.expected(route, caller, ownTenant: ownTenant)
                        #expect(r.status == want, "\(caller) \(route) tenant \(tenant): \(r.status) \(r.text.prefix(200))")
                        if r.status == 403 { #expect(r.errorCode == "forbidden") }
                        if r.status == 404 {
                            // Said exactly as for an id that does not exist (the id asked for is echoed, nothing more).
                            let asked = route == .getRun ? runOf[tenant]! : fresh ?? ""
                            let said = r["error"]?["message"]?.string
                            #expect(r.errorCode == "not_found" && (route == .trigger ? !r.text.contains(b) : said == "no run '\(asked)'"),
                                    "\(caller) \(route): \(r.text)")
                        }
                        if scientist && r.status < 300 {
                            #expect(!r.text.contains(b), "\(caller) \(route) \(tenant): an answer names the other tenant: \(r.text.prefix(300))")
                        }
                        switch route {
                        case .listJobs where r.status == 200:
                            let names = Set((r["jobs"]?.array ?? []).compactMap { $0["name"]?.string })
                            #expect(names.isSuperset(of: ["health", "nightly-refresh", "only-a"]))
                            #expect(names.contains("only-b") == caller.isPlatform, "\(caller): jobs \(names)")
                        case .listRuns where r.status == 200:
                            let tenants = Set((r["runs"]?.array ?? []).compactMap { $0["tenant_id"]?.string })
                            if scientist && !ownTenant { #expect(tenants.isEmpty) } else { #expect(tenants == [tenant], "\(caller) \(tenant): \(tenants)") }
                        case .getRun where r.status == 200:
                            #expect(r["id"]?.string == runOf[tenant] && r["tenant_id"]?.string == tenant)
                        case .trigger where r.status == 202:
                            #expect(r["runs"]?.array.map { $0["tenant_id"]?.string } == [tenant])
                        case .cancel:
                            // The run is cancelled exactly when the answer says so; a refused cancel leaves it queued.
                            let after = try await service.run(fresh!, access: .platform)
                            #expect(after.status == (r.status == 200 ? .cancelled : .queued), "\(caller) \(tenant): \(after.status)")
                        default: break
                        }
                        checked += 1
                    }
                }
            }
            #expect(checked == callers.count * JobRoute.allCases.count * 2)
            client.expectConformance()
        }
    }

    enum SettingsRoute: String, CaseIterable {
        case getRules, putRules, feedback
    }

    /// The status the access rules give the routes of a tenant's recommendation settings: rules are read by
    /// `tenant_admin` and `service` and written by `tenant_admin`; feedback is sent by the learner itself (another
    /// learner is 404) and `service`; `platform_admin` everything; another tenant 404 before anything else.
    static func expected(_ route: SettingsRoute, _ c: Caller, ownTenant: Bool, ownLearner: Bool) -> Int {
        if !ownTenant && !c.isPlatform { return 404 }
        if c.isPlatform { return route == .feedback ? 204 : 200 }
        let r = Set(c.roles)
        switch route {
        case .getRules: return r.isDisjoint(with: ["tenant_admin", "service"]) ? 403 : 200
        case .putRules: return r.contains("tenant_admin") && c.orgs == ["*"] ? 200 : 403
        case .feedback:
            if r.contains("service") { return 204 }
            if r.contains("learner") { return ownLearner ? 204 : 404 }
            return 403
        }
    }

    /// Recommendation rules and feedback × every role × own/other tenant and learner, on two tenants of their own
    /// (the fixture's tenants keep their rules and feedback for the suites that rank with them): statuses,
    /// conforming bodies, and no write or read that reaches the other tenant.
    @Test func settingsRoutesEveryRoleAndTenant() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let a = "matrix-a-\(suffix)", b = "matrix-b-\(suffix)"
        let store = RecommendationRulesStore(db: f.db)
        // Tenant B has rules and feedback of its own, which no caller of A may see or change.
        try await store.set(try TenantID(validating: b), RecommendationRules(dismissal_days: 7), by: "seed")
        try await FeedbackStore(db: f.db).record(try TenantID(validating: b), learner: "L1", course: "seed-course", action: .clicked)
        let callers = [
            Caller(name: "learner", roles: ["learner"], learner: "L1", orgs: nil),
            Caller(name: "service", roles: ["service"], learner: nil, orgs: nil),
            Caller(name: "tenant_admin", roles: ["tenant_admin"], learner: nil, orgs: nil),
            Caller(name: "tenant_admin(*)", roles: ["tenant_admin"], learner: nil, orgs: ["*"]),
            Caller(name: "data_scientist", roles: ["data_scientist"], learner: nil, orgs: nil),
            Caller(name: "platform_admin", roles: ["platform_admin"], learner: nil, orgs: nil),
            Caller(name: "no known role", roles: ["auditor"], learner: nil, orgs: nil),
        ]
        let writes = try await api.testApplication.test(.router) { raw -> [String: Int] in
            let client = try APIClient(raw)
            var checked = 0
            var writes: [String: Int] = [:]
            for caller in callers {
                let token = try await Tokens.make(tenant: caller.isPlatform ? nil : a, roles: caller.roles, learner: caller.learner, orgs: caller.orgs)
                for route in SettingsRoute.allCases {
                    for tenant in [a, b] {
                        for learner in ["L1", "L2"] where route == .feedback || learner == "L1" {
                            let ownTenant = tenant == a, ownLearner = learner == "L1"
                            let r: APIResponse
                            switch route {
                            case .getRules: r = try await client.get("/v1/tenants/\(tenant)/recommendation-rules?history=true", token: token)
                            case .putRules:
                                r = try await client.request(.put, "/v1/tenants/\(tenant)/recommendation-rules", token: token,
                                                             body: #"{"dismissal_days": 30, "exclude": {"categories": ["legacy"]}}"#)
                            case .feedback:
                                r = try await client.post("/v1/tenants/\(tenant)/learners/\(learner)/feedback", token: token,
                                                          body: #"{"course_id": "c-\#(caller.name.count)", "action": "clicked"}"#)
                            }
                            let want = Self.expected(route, caller, ownTenant: ownTenant, ownLearner: ownLearner)
                            #expect(r.status == want, "\(caller) \(route) tenant \(tenant) learner \(learner): \(r.status) \(r.text.prefix(200))")
                            if r.status < 300 { writes[tenant, default: 0] += route == .getRules ? 0 : 1 }
                            if r.status == 200 {
                                #expect(r["tenant_id"]?.string == tenant, "\(caller) \(route): body of another tenant")
                                #expect(!r.text.contains(ownTenant ? b : a), "\(caller) \(route): names the other tenant")
                            }
                            if r.status == 403 { #expect(r.errorCode == "forbidden") }
                            if r.status == 404 { #expect(r.errorCode == "not_found") }
                            checked += 1
                        }
                    }
                }
            }
            #expect(checked == callers.count * 4 * 2)
            client.expectConformance()
            return writes
        }
        // Only the platform administrator wrote to B: one rules version and two feedback records beside the seeds.
        #expect(writes[b] == 3)
        #expect(try await store.current(try TenantID(validating: b)).version == 2)
        let feedbackB = try await StoreLayout.feedback.collection(in: f.db.tenant(try TenantID(validating: b))).count()
        #expect(feedbackB == 3)
        // In A: a version per successful PUT, in order.
        let docA = try #require(try await store.document(try TenantID(validating: a)))
        #expect(docA.version == callers.filter { $0.isPlatform || ($0.roles.contains("tenant_admin") && $0.orgs == ["*"]) }.count)
        #expect(docA.history.count == docA.version - 1)
    }
}
