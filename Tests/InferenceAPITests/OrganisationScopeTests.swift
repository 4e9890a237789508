import Foundation
import HummingbirdTesting
@testable import InferenceAPI
import LearningEvents
import LearningStore
import MongoStore
import Testing

/// Organisation scope fails closed (issue 19): a `tenant_admin` without `org_ids` sees nothing, `org_ids: ["*"]` the
/// whole tenant; a learner's organisation comes from its own rows on every route, similar courses included.
@Suite struct OrganisationScopeTests {
    @Test func tenantAdminWithoutOrgIDsSeesNothingAndStarSeesAll() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api()
        let a = APIFixture.tenantA.rawValue
        let scored = try await StoreLayout.risk.collection(in: f.db.tenant(APIFixture.tenantA)).find(sort: ["learner_id": 1], limit: 1).collect()
        let row = try #require(scored.first)
        let none = try await Tokens.make(tenant: a, roles: ["tenant_admin"])
        let empty = try await Tokens.make(tenant: a, roles: ["tenant_admin"], orgs: [])
        let all = try await Tokens.make(tenant: a, roles: ["tenant_admin"], orgs: ["*"])
        let service = try await Tokens.make(tenant: a, roles: ["service"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let atRisk = "/v1/tenants/\(a)/at-risk?limit=40"
            let risk = "/v1/tenants/\(a)/learners/\(row.learner_id)/risk"
            let infer = #"{"learner_id": "\#(row.learner_id)", "course_id": "\#(row.course_id)"}"#
            let reference = try await client.get(atRisk, token: service)
            #expect(reference.status == 200 && !reference["items"]!.array.isEmpty)
            for token in [none, empty] {
                let page = try await client.get(atRisk, token: token)
                #expect(page.status == 200 && page["items"]?.array.isEmpty == true && page["next_cursor"] == .null, "\(page.text.prefix(200))")
                let scores = try await client.get(risk, token: token)
                #expect(scores.status == 200 && scores["scores"]?.array.isEmpty == true, "\(scores.text.prefix(200))")
                #expect(try await client.post("/v1/tenants/\(a)/risk:infer", token: token, body: infer).status == 404)
            }
            // Tenant-wide, said explicitly: the same rows as the platform's service token.
            let page = try await client.get(atRisk, token: all)
            #expect(page.status == 200 && page["items"] == reference["items"])
            let scores = try await client.get(risk, token: all)
            #expect(scores["scores"] == (try await client.get(risk, token: service))["scores"] && scores["scores"]?.array.isEmpty == false)
            #expect(try await client.post("/v1/tenants/\(a)/risk:infer", token: all, body: infer).status == 200)
            // "*" stands alone: mixed with organisations the token is refused.
            let mixed = try await Tokens.make(tenant: a, roles: ["tenant_admin"], orgs: ["*", "org-00"])
            #expect(try await client.get(atRisk, token: mixed).status == 401)
            client.expectConformance()
        }
    }

    @Test func learnersSimilarCoursesFollowTheOrganisationOfTheirRows() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api()
        let tenant = APIFixture.tenantA, a = tenant.rawValue
        let catalog = f.catalog.filter { $0.tenantID == a }
        let model = Set(f.modelCourses[a] ?? [])
        // A course offered to some organisations only, a learner of one of them and a learner of another
        // organisation (the fixture's small tenant has one organisation: that learner's row is added here, under an id
        // of its own, and removed at the end).
        let restricted = try #require(catalog.first { $0.published && !$0.orgIDs.isEmpty && model.contains($0.courseID) })
        let inside = try #require(f.learnerIDs(tenant).first { f.org(tenant, $0).map(restricted.orgIDs.contains) == true })
        let outside = "elsewhere-\(UUID().uuidString.prefix(8))", outsideOrg = "org-elsewhere"
        var row = try #require(f.learners[a]?[inside]?.first)
        row.learner_id = outside
        row.org_id = outsideOrg
        try await StoreLayout.features.upsert([row], in: f.db.tenant(tenant))
        let open = try #require(catalog.first { $0.published && $0.orgIDs.isEmpty && model.contains($0.courseID) })
        @Sendable func visible(_ courseID: String, to org: String?) -> Bool {
            guard let c = catalog.first(where: { $0.courseID == courseID }) else { return false }
            return c.published && (c.orgIDs.isEmpty || org.map(c.orgIDs.contains) == true)
        }
        let insideToken = try await Tokens.make(tenant: a, roles: ["learner"], learner: inside)
        let outsideToken = try await Tokens.make(tenant: a, roles: ["learner"], learner: outside)
        // A learner token claiming the restricted course's organisation: the claim is not where a learner's
        // organisation comes from.
        let claiming = try await Tokens.make(tenant: a, roles: ["learner"], learner: outside, orgs: restricted.orgIDs)
        // A learner without any row names no organisation: the whole-tenant courses only, never "all".
        let rowless = try await Tokens.make(tenant: a, roles: ["learner"], learner: "nobody-\(UUID().uuidString.prefix(8))")
        let service = try await Tokens.make(tenant: a, roles: ["service"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            func similar(_ course: String, _ token: String) async throws -> APIResponse {
                try await client.get("/v1/tenants/\(a)/courses/\(course)/similar?limit=100", token: token)
            }
            #expect(try await similar(restricted.courseID, insideToken).status == 200)
            #expect(try await similar(restricted.courseID, service).status == 200)
            for token in [outsideToken, claiming, rowless] {
                let r = try await similar(restricted.courseID, token)
                #expect(r.status == 404 && r.errorCode == "not_found", "\(r.status) \(r.text.prefix(200))")
            }
            let everything = Set(try await similar(open.courseID, service)["items"]?.array.compactMap { $0["course_id"]?.string } ?? [])
            for (token, org) in [(outsideToken, Optional(outsideOrg)), (claiming, outsideOrg), (rowless, nil), (insideToken, f.org(tenant, inside))] {
                let r = try await similar(open.courseID, token)
                #expect(r.status == 200)
                let items = r["items"]?.array.compactMap { $0["course_id"]?.string } ?? []
                #expect(!items.isEmpty && Set(items).isSubset(of: everything))
                for c in items { #expect(visible(c, to: org), "course \(c) is not offered to organisation \(org ?? "none")") }
            }
            let outsideItems = Set(try await similar(open.courseID, outsideToken)["items"]?.array.compactMap { $0["course_id"]?.string } ?? [])
            #expect(!outsideItems.contains(restricted.courseID))
            client.expectConformance()
        }
        _ = try await StoreLayout.features.collection(in: f.db.tenant(tenant)).deleteMany(["learner_id": .string(outside)])
    }
}
