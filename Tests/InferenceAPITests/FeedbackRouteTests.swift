import Foundation
import HummingbirdTesting
@testable import InferenceAPI
import LearningEvents
import LearningStore
import MongoStore
import Testing

/// `POST /v1/tenants/{tenant}/learners/{learner}/feedback`: who may send it, what is stored, the dismissals the
/// recommendation route reads, bad bodies, and tenant isolation. On tenants of its own (the fixture's learners keep
/// their lists for the suites that rank with them).
@Suite struct FeedbackRouteTests {
    static func scratchTenant(_ name: String) -> String { "feedback-\(name)-\(UUID().uuidString.prefix(8).lowercased())" }

    static func path(_ tenant: String, _ learner: String) -> String { "/v1/tenants/\(tenant)/learners/\(learner)/feedback" }

    @Test func learnerItselfAndServiceRecordFeedback() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        let tenant = Self.scratchTenant("own"), otherTenant = Self.scratchTenant("other")
        let id = try TenantID(validating: tenant)
        let learner = try await Tokens.make(tenant: tenant, roles: ["learner"], learner: "L1")
        let bySub = try await Tokens.make(tenant: tenant, roles: ["learner"], sub: "L3")
        let service = try await Tokens.make(tenant: tenant, roles: ["service"])
        let before = Date().addingTimeInterval(-1)
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let own = try await client.post(Self.path(tenant, "L1"), token: learner, body: #"{"course_id": "c-1", "action": "dismissed", "model_version": "20260420T000000Z-ab12"}"#)
            #expect(own.status == 204 && own.body.isEmpty, "\(own.text)")
            // A learner token without learner_id speaks for its sub.
            #expect(try await client.post(Self.path(tenant, "L3"), token: bySub, body: #"{"course_id": "c-1", "action": "clicked"}"#).status == 204)
            // Another learner of the same tenant: 404, as on every learner route; nothing stored for L2.
            let otherLearner = try await client.post(Self.path(tenant, "L2"), token: learner, body: #"{"course_id": "c-1", "action": "dismissed"}"#)
            #expect(otherLearner.status == 404 && otherLearner.errorCode == "not_found")
            // The platform's service for any learner of its tenant.
            #expect(try await client.post(Self.path(tenant, "L2"), token: service, body: #"{"course_id": "c-2", "action": "enrolled"}"#).status == 204)
            #expect(try await client.post(Self.path(tenant, "L1"), token: service, body: #"{"course_id": "c-3", "action": "dismissed"}"#).status == 204)
            // Other roles: 403; another tenant: 404 whatever the role.
            for roles in [["tenant_admin"], ["data_scientist"]] {
                let t = try await Tokens.make(tenant: tenant, roles: roles, orgs: ["*"])
                #expect(try await client.post(Self.path(tenant, "L1"), token: t, body: #"{"course_id": "c-1", "action": "clicked"}"#).status == 403)
            }
            for t in [learner, service] {
                let r = try await client.post(Self.path(otherTenant, "L1"), token: t, body: #"{"course_id": "c-1", "action": "dismissed"}"#)
                #expect(r.status == 404 && r.errorCode == "not_found")
            }
            client.expectConformance()
        }
        let docs = try await StoreLayout.feedback.collection(in: f.db.tenant(id)).find(sort: ["learner_id": 1, "course_id": 1]).collect()
        #expect(docs.map { "\($0.learner_id)/\($0.course_id)/\($0.action.rawValue)" } == ["L1/c-1/dismissed", "L1/c-3/dismissed", "L2/c-2/enrolled", "L3/c-1/clicked"])
        #expect(docs.first?.model_version == "20260420T000000Z-ab12" && docs.first.map { $0.at >= before } == true)
        #expect(docs.allSatisfy { $0.expires_at > Date().addingTimeInterval(3_000 * 86_400) })
        #expect(try await StoreLayout.feedback.collection(in: f.db.tenant(try TenantID(validating: otherTenant))).count() == 0)
        // L1's dismissals in force, each with its end (what the batch and the consumer read).
        let feedback = FeedbackStore(db: f.db)
        let dismissed = try await feedback.dismissals(id, learners: ["L1"], days: 30)["L1"] ?? [:]
        #expect(Set(dismissed.keys) == ["c-1", "c-3"])
        #expect(dismissed.values.allSatisfy { $0 > Date().addingTimeInterval(29 * 86_400) && $0 < Date().addingTimeInterval(31 * 86_400) })
        #expect(try await feedback.dismissals(id, learners: ["L2"], days: 30).isEmpty, "enrolled is no dismissal")
        #expect(try await feedback.dismissals(id, learners: ["L1"], days: 30, now: Date().addingTimeInterval(31 * 86_400)).isEmpty)
    }

    /// A dismissal reaches the learner's list on the replica that recorded it at once, and on another replica that
    /// had the learner cached through the change stream on `learner_feedback` (tenant-001, whose lists only the
    /// hot-swap test reads, and only for being non-empty).
    @Test func aDismissalLeavesTheListOnEveryReplica() async throws {
        let f = try await APIFixture.shared()
        let tenant = APIFixture.tenantB
        let learner = try #require(f.learnerIDs(tenant).last)
        let (one, _) = try await f.api()
        let (two, _) = try await f.api()
        let token = try await Tokens.make(tenant: tenant.rawValue, roles: ["service"])
        let path = "/v1/tenants/\(tenant)/learners/\(learner)/recommendations?limit=5"
        @Sendable func ids(_ r: APIResponse) -> [String] { (r["items"]?.array ?? []).compactMap { $0["course_id"]?.string } }
        // Replica two's watcher follows the change streams (given time to open them before the dismissal).
        let watcher = Task { try await two.watcher.run() }
        defer { watcher.cancel() }
        try await Task.sleep(for: .seconds(2))
        do {
            try await two.testApplication.test(.router) { rawTwo in
                let clientTwo = try APIClient(rawTwo)
                let beforeTwo = ids(try await clientTwo.get(path, token: token))  // now cached on replica two
                try await one.testApplication.test(.router) { raw in
                    let client = try APIClient(raw)
                    let before = try await client.get(path, token: token)
                    let dismissed = try #require((before["items"]?.array ?? []).first { $0["rule"]?.string != "pinned" }?["course_id"]?.string)
                    #expect(beforeTwo.contains(dismissed))
                    let r = try await client.post(Self.path(tenant.rawValue, learner), token: token,
                                                  body: #"{"course_id": "\#(dismissed)", "action": "dismissed"}"#)
                    #expect(r.status == 204)
                    #expect(!ids(try await client.get(path, token: token)).contains(dismissed), "gone at once on the replica that recorded it")
                    let deadline = Date().addingTimeInterval(10)
                    var gone = false
                    while !gone && Date() < deadline {
                        gone = !ids(try await clientTwo.get(path, token: token)).contains(dismissed)
                        if !gone { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    #expect(gone, "gone on the other replica within 10 s (its cached entry dropped by the change stream)")
                    try await FeedbackStore(db: f.db).record(tenant, learner: learner, course: dismissed, action: .clicked)
                    _ = try await StoreLayout.feedback.collection(in: f.db.tenant(tenant))
                        .deleteMany(["learner_id": .string(learner), "action": "dismissed"])
                }
            }
        }
    }

    @Test(arguments: [
        (#"{"action": "dismissed"}"#, "course_id"),
        (#"{"course_id": "bad id", "action": "dismissed"}"#, "course_id"),
        (#"{"course_id": 7, "action": "dismissed"}"#, "course_id"),
        (#"{"course_id": "c-1", "action": "liked"}"#, "action"),
        (#"{"course_id": "c-1"}"#, "action"),
        (#"{"course_id": "c-1", "action": "clicked", "model_version": 3}"#, "model_version"),
        (#"{"course_id": "c-1", "action": "clicked", "model_version": "../x"}"#, "model_version"),
        (#"{"course_id": "c-1", "action": "clicked", "score": 1}"#, "unknown field \"score\""),
        (#"["c-1"]"#, "JSON object"),
        ("nope", "JSON object"),
    ])
    func badBodiesAre400(body: String, named: String) async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        let tenant = Self.scratchTenant("bad")
        let service = try await Tokens.make(tenant: tenant, roles: ["service"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let r = try await client.post(Self.path(tenant, "L1"), token: service, body: body)
            #expect(r.status == 400 && r["error"]?["message"]?.string?.contains(named) == true, "\(body): \(r.status) \(r.text)")
            let badLearner = try await client.post(Self.path(tenant, "bad%20learner"), token: service, body: #"{"course_id": "c-1", "action": "clicked"}"#)
            #expect(badLearner.status == 400)
            let tooBig = try await client.post(Self.path(tenant, "L1"), token: service,
                                               body: #"{"course_id": "c-1", "action": "clicked", "x": ""# + String(repeating: "a", count: 20_000) + "\"}")
            #expect(tooBig.status == 413)
            client.expectConformance()
        }
        #expect(try await StoreLayout.feedback.collection(in: f.db.tenant(try TenantID(validating: tenant))).count() == 0)
    }

    /// A learner holds a bounded number of records: beyond the limit a new (course, action) is 409, while sending an
    /// existing one again only refreshes it.
    @Test func recordsPerLearnerAreBounded() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        let tenant = Self.scratchTenant("limit")
        let id = try TenantID(validating: tenant)
        let now = Date()
        let docs = (0..<FeedbackRoutes.maximumPerLearner).map {
            FeedbackDocument(learner_id: "L1", course_id: "c-\($0)", action: .clicked, at: now, expires_at: now.addingTimeInterval(86_400))
        }
        try await StoreLayout.feedback.upsert(docs, in: f.db.tenant(id))
        let service = try await Tokens.make(tenant: tenant, roles: ["service"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let full = try await client.post(Self.path(tenant, "L1"), token: service, body: #"{"course_id": "c-new", "action": "dismissed"}"#)
            #expect(full.status == 409 && full.errorCode == "feedback_limit", "\(full.text)")
            #expect(try await client.post(Self.path(tenant, "L1"), token: service, body: #"{"course_id": "c-5", "action": "clicked"}"#).status == 204)
            #expect(try await client.post(Self.path(tenant, "L2"), token: service, body: #"{"course_id": "c-new", "action": "dismissed"}"#).status == 204)
            client.expectConformance()
        }
        #expect(try await StoreLayout.feedback.collection(in: f.db.tenant(id)).count() == FeedbackRoutes.maximumPerLearner + 1)
    }
}
