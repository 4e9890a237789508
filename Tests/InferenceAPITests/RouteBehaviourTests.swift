import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import InferenceAPI
import LearningStore
import MongoStore
import Testing

/// What each route answers, checked against the data the pipeline wrote.
@Suite struct RouteBehaviourTests {
    static let service = "service"

    /// Live recommendations of learners whose activity is unchanged use their trained embedding and agree with the
    /// lists the pipeline stored (same exclusions, same catalog); every list leaves out the learner's courses and
    /// stays in the catalog of the learner's organisation, with a reason per item.
    @Test func liveRecommendationsMatchTheStoredOnesAndTheRules() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api()
        let tenant = APIFixture.tenantA
        let token = try await Tokens.make(tenant: tenant.rawValue, roles: ["service"])
        let active = try #require(try await ActiveResults(db: f.db).activeVersion(tenant, .recommender))
        let catalog = Dictionary(uniqueKeysWithValues: f.catalog.filter { $0.tenantID == tenant.rawValue }.map { ($0.courseID, $0) })
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            var compared = 0
            for learner in f.learnerIDs(tenant).prefix(60) {
                let rows = f.learners[tenant.rawValue]![learner]!
                let r = try await client.get("/v1/tenants/\(tenant)/learners/\(learner)/recommendations?limit=10", token: token)
                #expect(r.status == 200)
                #expect(r["model_version"]?.string == active.version)
                #expect(r["embedding"]?.string == "stored")
                let items = r["items"]?.array ?? []
                let ids = items.compactMap { $0["course_id"]?.string }
                #expect(!ids.isEmpty)
                #expect(Set(ids).isDisjoint(with: rows.map(\.course_id)), "recommended a course the learner has")
                let org = rows.compactMap(\.org_id).first
                for id in ids {
                    let c = try #require(catalog[id])
                    #expect(c.published && (c.orgIDs.isEmpty || org.map(c.orgIDs.contains) == true), "\(id) outside the catalog of \(org ?? "-")")
                }
                for item in items {
                    #expect(item["reason"]?.string?.isEmpty == false)
                    #expect(item["title"]?.string == catalog[item["course_id"]?.string ?? ""]?.title)
                }
                let scores = items.compactMap { $0["score"]?.number }
                #expect(scores == scores.sorted(by: >))
                // The pipeline's list, where both exclude the same courses (every course of the learner has weight).
                if rows.allSatisfy({ $0.interactionWeight > 0 }),
                   let stored = try await StoreLayout.recommendations.collection(in: f.db.tenant(tenant))
                    .findOne(["model_version": .string(active.version), "learner_id": .string(learner)]) {
                    #expect(ids == stored.items.map(\.course_id), "live \(ids) vs stored \(stored.items.map(\.course_id)) for \(learner)")
                    #expect(items.compactMap { $0["reason"]?.string } == stored.items.map(\.reason))
                    compared += 1
                }
            }
            #expect(compared >= 20)
            client.expectConformance()
        }
    }

    /// A new learner (rows written after training) is folded in; a learner with no rows gets popular courses.
    @Test func newLearnersAreFoldedIn() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api()
        let tenant = APIFixture.tenantA
        let token = try await Tokens.make(tenant: tenant.rawValue, roles: ["service"])
        let template = f.learners[tenant.rawValue]![f.learnerIDs(tenant)[3]]!
        let newLearner = "new-learner-\(UInt32.random(in: 0...UInt32.max))"
        var rows = template
        for i in rows.indices {
            rows[i].learner_id = newLearner
            rows[i].as_of = Date()
        }
        try await StoreLayout.features.upsert(rows, in: f.db.tenant(tenant))
        let newRows = rows
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let r = try await client.get("/v1/tenants/\(tenant)/learners/\(newLearner)/recommendations", token: token)
            #expect(r.status == 200)
            #expect(r["embedding"]?.string == "folded_in")
            let ids = r["items"]?.array.compactMap { $0["course_id"]?.string } ?? []
            #expect(ids.count == 10)
            #expect(Set(ids).isDisjoint(with: newRows.map(\.course_id)))
            #expect(r["items"]?.array.contains { $0["reason"]?.string?.hasPrefix("because you took") == true } == true)
            // With the same history, the fold-in ranks like the trained learner (same courses, same exclusions).
            let twin = try await client.get("/v1/tenants/\(tenant)/learners/\(f.learnerIDs(tenant)[3])/recommendations", token: token)
            let twinIDs = twin["items"]?.array.compactMap { $0["course_id"]?.string } ?? []
            #expect(Set(ids).intersection(twinIDs).count >= 7, "fold-in \(ids) vs trained \(twinIDs)")

            let nobody = try await client.get("/v1/tenants/\(tenant)/learners/nobody-\(UInt32.random(in: 0...UInt32.max))/recommendations?limit=4", token: token)
            #expect(nobody.status == 200)
            #expect(nobody["embedding"]?.string == "none")
            #expect(nobody["items"]?.array.count == 4)
            #expect(nobody["items"]?.array.allSatisfy { $0["reason"]?.string?.hasPrefix("popular") == true } == true)
            client.expectConformance()
        }
    }

    /// Pages of the at-risk list, concatenated, are exactly the stored scores sorted by risk (then learner,
    /// course); filters narrow them; bad cursors are 400.
    @Test func atRiskPagesFollowTheStoredOrder() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api()
        let tenant = APIFixture.tenantA
        let token = try await Tokens.make(tenant: tenant.rawValue, roles: ["tenant_admin"], orgs: ["*"])  // tenant-wide
        let version = try #require(try await ActiveResults(db: f.db).activeVersion(tenant, .risk)).version
        let all = try await StoreLayout.risk.collection(in: f.db.tenant(tenant)).find(["model_version": .string(version)]).collect()
            .sorted { ($1.risk, $0.learner_id, $0.course_id) < ($0.risk, $1.learner_id, $1.course_id) }
        try #require(all.count > 30)
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            var got: [String] = []
            var cursor: String? = nil
            var pages = 0
            repeat {
                let q = cursor.map { "&cursor=\($0)" } ?? ""
                let r = try await client.get("/v1/tenants/\(tenant)/at-risk?limit=13\(q)", token: token)
                #expect(r.status == 200, "\(r.text)")
                got += r["items"]?.array.map { "\($0["learner_id"]?.string ?? "")/\($0["course_id"]?.string ?? "")" } ?? []
                cursor = r["next_cursor"]?.string
                pages += 1
            } while cursor != nil && pages < 1000
            #expect(got == all.map { "\($0.learner_id)/\($0.course_id)" })
            #expect(pages == (all.count + 12) / 13 || pages == (all.count + 12) / 13 + 1)

            let course = all[0].course_id
            let filtered = try await client.get("/v1/tenants/\(tenant)/at-risk?course_id=\(course)&min_risk=0.3&limit=500", token: token)
            let want = all.filter { $0.course_id == course && $0.risk >= 0.3 }.map(\.learner_id)
            #expect(filtered["items"]?.array.compactMap { $0["learner_id"]?.string } == want)

            for bad in ["cursor=xyz", "cursor=" + AtRiskCursor(v: "../x", r: 0.5, l: "a", c: "b").encoded, "limit=0", "limit=501",
                        "limit=ten", "min_risk=1.5", "min_risk=nan", "course_id=..%2Fetc", "limit=5&limit=6", "sort=risk"] {
                let r = try await client.get("/v1/tenants/\(tenant)/at-risk?\(bad)", token: token)
                #expect(r.status == 400, "\(bad): \(r.status)")
                #expect(r.errorCode == "invalid_parameter", "\(bad): \(r.text)")
            }
            let gone = try await client.get("/v1/tenants/\(tenant)/at-risk?cursor=" + AtRiskCursor(v: "19990101T000000Z-0", r: 0.5, l: "a", c: "b").encoded, token: token)
            #expect(gone.status == 400 && gone.errorCode == "cursor_expired")
            client.expectConformance()
        }
    }

    /// Live inference from a learner's row gives the stored score of that enrolment (same features, same model);
    /// raw features work too, and bad bodies are 400 naming the field.
    @Test func riskInferenceAgreesWithStoredScores() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api()
        let tenant = APIFixture.tenantA
        let token = try await Tokens.make(tenant: tenant.rawValue, roles: ["service"])
        let stored = try await StoreLayout.risk.collection(in: f.db.tenant(tenant)).find(sort: ["learner_id": 1], limit: 15).collect()
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            for s in stored {
                let r = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: token,
                                              body: #"{"learner_id": "\#(s.learner_id)", "course_id": "\#(s.course_id)"}"#)
                #expect(r.status == 200)
                #expect(abs((r["risk"]?.number ?? -1) - s.risk) < 1e-9, "live \(r["risk"]?.number ?? -1) vs stored \(s.risk)")
                #expect(r["band"]?.string == s.band)
                #expect(r["factors"]?.array.compactMap { $0["feature"]?.string } == s.factors.map(\.feature))
            }
            let low = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: token,
                                             body: #"{"features": {"days_since_last_activity": 0, "active_days_7": 6, "active_days_14": 12, "active_days_28": 20, "completion_ratio": 0.9, "quiz_mean_score": 0.95}}"#)
            let high = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: token,
                                              body: #"{"features": {"days_since_last_activity": 20, "active_days_7": 0, "active_days_14": 0, "active_days_28": 1, "completion_ratio": 0.05, "quiz_mean_score": 0.2}}"#)
            #expect(low.status == 200 && high.status == 200)
            #expect((low["risk"]?.number ?? 1) < (high["risk"]?.number ?? 0), "an active learner should be at lower risk")
            for bad in [#"{"features": {"bogus": 1}}"#, #"{"features": {"views": "many"}}"#, #"{"features": {"views": -1}}"#,
                        #"{"features": [1, 2]}"#, #"{"learner_id": "a"}"#, #"{"learner_id": "../a", "course_id": "b"}"#,
                        #"{"features": {}, "learner_id": "a", "course_id": "b"}"#, "not json", #"{"extra": 1}"#, "[]"] {
                let r = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: token, body: bad)
                #expect(r.status == 400, "\(bad): \(r.status) \(r.text)")
            }
            let big = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: token,
                                            body: #"{"features": {"views": 1}, "pad": ""# + String(repeating: "x", count: 40_000) + #""}"#)
            #expect(big.status == 413)
            #expect(big.errorCode == "body_too_large")
            let missing = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: token, body: #"{"learner_id": "nobody", "course_id": "c-0001"}"#)
            #expect(missing.status == 404)
            client.expectConformance()
        }
    }

    @Test func similarCoursesByCosine() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api()
        let tenant = APIFixture.tenantA
        let token = try await Tokens.make(tenant: tenant.rawValue, roles: ["learner"], learner: f.learnerIDs(tenant)[0])
        let course = try #require(f.catalog.first { $0.tenantID == tenant.rawValue && $0.published && $0.orgIDs.isEmpty && f.modelCourses[tenant.rawValue]!.contains($0.courseID) }).courseID
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let r = try await client.get("/v1/tenants/\(tenant)/courses/\(course)/similar?limit=8", token: token)
            #expect(r.status == 200)
            let items = r["items"]?.array ?? []
            #expect(items.count == 8)
            let sims = items.compactMap { $0["similarity"]?.number }
            #expect(sims == sims.sorted(by: >) && sims.allSatisfy { $0 <= 1.0001 && $0 >= -1.0001 })
            #expect(!items.contains { $0["course_id"]?.string == course })
            #expect(try await client.get("/v1/tenants/\(tenant)/courses/no-such-course/similar", token: token).status == 404)
            #expect(try await client.get("/v1/tenants/\(tenant)/courses/.hidden/similar", token: token).status == 400)
            client.expectConformance()
        }
    }

    /// Unknown routes, methods and ids: the error shape, with the right status.
    @Test func errorsHaveOneShape() async throws {
        let f = try await APIFixture.shared()
        let (api, registry) = try await f.api()
        let token = try await Tokens.make(tenant: "tenant-000", roles: ["service"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            for path in ["/nowhere", "/v1", "/v1/tenants/tenant-000", "/v1/tenants/tenant-000/learners", "/v2/tenants/tenant-000/models"] {
                let r = try await client.request(.get, path, token: token, inSpec: false)
                #expect(r.status == 404, "\(path)")
                #expect(r.errorCode != nil, "\(path): \(r.text)")
            }
            let delete = try await client.request(.delete, "/v1/tenants/tenant-000/models", token: token, inSpec: false)
            #expect(delete.status == 404 && delete.errorCode != nil)
            for (path, code) in [("/v1/tenants/tenant-000/learners/a%2F..%2Fb/risk", 400), ("/v1/tenants/tenant-000/learners/" + String(repeating: "x", count: 129) + "/risk", 400),
                                 ("/v1/tenants/tenant-000/learners/L1/recommendations?limit=0", 400), ("/v1/tenants/tenant-000/learners/L1/recommendations?limit=101", 400),
                                 ("/v1/tenants/tenant-000/learners/L1/recommendations?limits=5", 400), ("/v1/tenants/tenant-000/models?kind=other", 400),
                                 ("/v1/tenants/tenant-000/learners/.x/risk", 400)] {
                let r = try await client.get(path, token: token)
                #expect(r.status == code, "\(path): \(r.status)")
                #expect(r.errorCode == "invalid_parameter", "\(path): \(r.text)")
            }
            // An id written with percent escapes is the same id.
            let learner = f.learnerIDs(APIFixture.tenantA)[0]
            #expect(try await client.get("/v1/tenants/tenant%2D000/learners/\(learner)/risk", token: token).status == 200)
            let r = try await client.get("/v1/tenants/tenant-000/models", token: token)
            #expect(r.headers[HTTPField.Name("X-Request-ID")!] != nil)
            let models = try await client.get("/metrics")
            #expect(models.status == 200)
            #expect(models.text.contains(#"lodestar_http_requests_total{route="/v1/tenants/{tenant}/models""#), "\(models.text.prefix(600))")
            #expect(models.text.contains("lodestar_http_request_duration_seconds"))
            #expect(models.text.contains(#"lodestar_model_versions_loaded{kind="recommender"} 2"#))
            #expect(!models.text.contains("tenant-000") && !models.text.contains(learner))
            #expect(try await client.get("/openapi.json").status == 200)
            #expect(try await client.get("/openapi.yaml").status == 200)
            client.expectConformance()
        }
        _ = registry
    }
}
