import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import InferenceAPI
import LearningEvents
import LearningStore
import LodestarTestSupport
import Testing

/// `GET|PUT /v1/tenants/{tenant}/recommendation-rules`: versions and history, errors that name the field, optimistic
/// writes, roles, tenant isolation, and the rules cache of another API instance following a write. Each test uses
/// tenants of its own (the fixture's tenants keep their rules for the suites that rank with them).
@Suite struct RecommendationRulesRouteTests {
    static func scratchTenant(_ name: String) -> String { "rules-\(name)-\(UUID().uuidString.prefix(8).lowercased())" }

    static func path(_ tenant: String, _ query: String = "") -> String { "/v1/tenants/\(tenant)/recommendation-rules\(query)" }

    static func ifMatch(_ value: String?) -> HTTPFields {
        var fields = HTTPFields()
        if let value { fields[.ifMatch] = value }
        return fields
    }

    /// The `rules` member of an answer, as the JSON bytes it was.
    static func rules(_ r: APIResponse) throws -> Data {
        let object = try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
        return try JSONSerialization.data(withJSONObject: try #require(object["rules"]))
    }

    static let rules1 = """
        {"exclude": {"completed": true, "in_progress": false, "categories": ["legacy"], "courses": ["c-0009"]},
         "prerequisites": {"sql-2": ["sql-1"], "v1.5": ["v1.4"]},
         "pinned": [{"course_id": "code-of-conduct", "position": 1, "org_ids": ["emea"],
                     "from": "2026-01-01T00:00:00Z", "until": "2027-03-31T00:00:00Z"}],
         "boosts": {"recent_days": 30, "recent_weight": 0.2, "categories": {"compliance": 0.3}},
         "diversity": {"max_per_category": 2},
         "dismissal_days": 45, "fallback": false}
        """

    @Test func setAndGetWithVersionsAndHistory() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        let tenant = Self.scratchTenant("roundtrip")
        let admin = try await Tokens.make(tenant: tenant, roles: ["tenant_admin"], orgs: ["*"], sub: "admin@acme")
        let other = try await Tokens.make(tenant: tenant, roles: ["tenant_admin"], orgs: ["*"], sub: "other@acme")
        let started = Date().addingTimeInterval(-1)
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            // Never set: version 0 and the whole default document, no author.
            let none = try await client.get(Self.path(tenant), token: admin)
            #expect(none.status == 200 && none["version"]?.number == 0 && none["updated_by"] == nil, "\(none.text)")
            #expect(none.headers[.eTag] == "\"0\"")
            #expect(none["rules"] == JSONValue.parse(try RecommendationRules().jsonData()), "\(none.text)")
            #expect(none["rules"]?["dismissal_days"]?.number == 90 && none["rules"]?["exclude"]?["completed"] == .bool(true))

            let put1 = try await client.request(.put, Self.path(tenant), token: admin, body: Self.rules1, headers: [.ifMatch: "0"])
            #expect(put1.status == 200 && put1["version"]?.number == 1 && put1["updated_by"]?.string == "admin@acme", "\(put1.text)")
            #expect(put1.headers[.eTag] == "\"1\"")
            let expected = try RecommendationRules.decode(json: Data(Self.rules1.utf8))
            #expect(expected.pinned.first?.until != nil && expected.prerequisites["v1.5"] == ["v1.4"])
            let get1 = try await client.get(Self.path(tenant), token: admin)
            #expect(get1["version"]?.number == 1)
            #expect(try RecommendationRules.decode(json: try Self.rules(get1)) == expected, "\(get1.text)")

            // The second version, by another administrator, through ?replacing=.
            let put2 = try await client.request(.put, Self.path(tenant, "?replacing=1"), token: other, body: #"{"dismissal_days": 10}"#)
            #expect(put2.status == 200 && put2["version"]?.number == 2 && put2["updated_by"]?.string == "other@acme", "\(put2.text)")
            let plain = try await client.get(Self.path(tenant), token: admin)
            #expect(plain["history"] == nil)
            let get2 = try await client.get(Self.path(tenant, "?history=true"), token: admin)
            #expect(get2["version"]?.number == 2 && get2["updated_by"]?.string == "other@acme")
            #expect(get2["rules"]?["dismissal_days"]?.number == 10 && get2["rules"]?["fallback"] == .bool(true), "absent fields take their defaults")
            let history = get2["history"]?.array ?? []
            #expect(history.count == 1)
            #expect(history.first?["version"]?.number == 1 && history.first?["updated_by"]?.string == "admin@acme")
            #expect(history.first?["rules"]?["dismissal_days"]?.number == 45)
            let formatter = ISO8601DateFormatter()
            for when in [history.first?["updated_at"]?.string, get2["updated_at"]?.string] {
                let date = try #require(when.flatMap(formatter.date(from:)))
                #expect(date >= started.addingTimeInterval(-1) && date <= Date().addingTimeInterval(1))
            }
            // The store holds what the API answered.
            let stored = try await RecommendationRulesStore(db: f.db).document(try TenantID(validating: tenant))
            #expect(stored?.version == 2 && stored?.history.first?.rules == expected)
            client.expectConformance()
        }
    }

    /// Each kind of bad value answers 400 `invalid_rules` naming its field, and stores nothing.
    @Test(arguments: [
        (#"{"exclude": {"courses": ["ok", "bad id!"]}}"#, "exclude.courses[1]"),
        (#"{"exclude": {"categories": ["a", "a"]}}"#, "exclude.categories"),
        (#"{"pinned": [{"course_id": "c1", "position": 0}]}"#, "pinned[0].position"),
        (#"{"pinned": [{"course_id": "c1", "position": 101}]}"#, "pinned[0].position"),
        (#"{"pinned": [{"course_id": "c 1", "position": 1}]}"#, "pinned[0].course_id"),
        (#"{"pinned": [{"position": 1}]}"#, "pinned[0].course_id"),
        (#"{"pinned": [{"course_id": "c1", "position": "1"}]}"#, "pinned[0].position"),
        (#"{"pinned": [{"course_id": "c1", "position": 1, "from": "yesterday"}]}"#, "pinned[0].from"),
        (#"{"pinned": [{"course_id": "c1", "position": 1, "from": "2027-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}]}"#, "pinned[0].until"),
        ("{\"pinned\": [" + (1...21).map { #"{"course_id": "c\#($0)", "position": \#($0)}"# }.joined(separator: ",") + "]}", "pinned"),
        (#"{"boosts": {"recent_weight": 1.5}}"#, "boosts.recent_weight"),
        (#"{"boosts": {"categories": {"sales": 2}}}"#, "boosts.categories.sales"),
        (#"{"boosts": {"recent_days": 0}}"#, "boosts.recent_days"),
        (#"{"diversity": {"max_per_category": 0}}"#, "diversity.max_per_category"),
        (#"{"prerequisites": {"c1": ["c1"]}}"#, "prerequisites.c1"),
        (#"{"prerequisites": {"0": [5]}}"#, "prerequisites.0[0]"),
        (#"{"dismissal_days": "ninety"}"#, "dismissal_days"),
        (#"{"dismissal_days": 4000}"#, "dismissal_days"),
        (#"{"fallback": 1}"#, "fallback"),
        (#"{"exclude": {"complete": true}}"#, "exclude.complete"),
        (#"{"dismisal_days": 30}"#, "dismisal_days"),
        (#"{"pinned": [{"course_id": "c1", "position": 1, "org": "emea"}]}"#, "pinned[0].org"),
        ("[]", "document"),
        ("not json", "document"),
        ("", "document"),
    ])
    func badDocumentNamesTheField(body: String, field: String) async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        let tenant = Self.scratchTenant("bad")
        let admin = try await Tokens.make(tenant: tenant, roles: ["tenant_admin"], orgs: ["*"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let r = try await client.request(.put, Self.path(tenant), token: admin, body: body)
            #expect(r.status == 400 && r.errorCode == "invalid_rules", "\(body): \(r.status) \(r.text)")
            #expect(r["error"]?["field"]?.string == field, "\(body): \(r.text)")
            #expect(r["error"]?["message"]?.string?.hasPrefix(field + ": ") == true, "\(r.text)")
            let after = try await client.get(Self.path(tenant), token: admin)
            #expect(after["version"]?.number == 0)
            client.expectConformance()
        }
    }

    @Test func staleVersionIsAConflict() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        let tenant = Self.scratchTenant("conflict")
        let admin = try await Tokens.make(tenant: tenant, roles: ["tenant_admin"], orgs: ["*"])
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let first = try await client.request(.put, Self.path(tenant), token: admin, body: "{}")
            #expect(first.status == 200 && first["version"]?.number == 1)
            for (query, header) in [("", "0"), ("", "\"0\""), ("?replacing=0", nil), ("?replacing=7", nil)] as [(String, String?)] {
                let r = try await client.request(.put, Self.path(tenant, query), token: admin, body: #"{"dismissal_days": 5}"#,
                                                 headers: Self.ifMatch(header))
                #expect(r.status == 409 && r.errorCode == "version_conflict", "\(query) \(header ?? ""): \(r.text)")
                #expect(r["error"]?["current_version"]?.number == 1, "\(r.text)")
            }
            for (query, header) in [("", "abc"), ("", "-1"), ("?replacing=x", nil), ("?replacing=1", "2"), ("?replacing=99999999999", nil)] as [(String, String?)] {
                let r = try await client.request(.put, Self.path(tenant, query), token: admin, body: "{}", headers: Self.ifMatch(header))
                #expect(r.status == 400 && r.errorCode == "invalid_parameter", "\(query) \(header ?? ""): \(r.text)")
            }
            // The current version (as the ETag gives it), and `*`, write.
            let current = try await client.get(Self.path(tenant), token: admin)
            let tag = try #require(current.headers[.eTag])
            let second = try await client.request(.put, Self.path(tenant), token: admin, body: #"{"dismissal_days": 5}"#, headers: [.ifMatch: tag])
            #expect(second.status == 200 && second["version"]?.number == 2, "\(second.text)")
            let any = try await client.request(.put, Self.path(tenant), token: admin, body: "{}", headers: [.ifMatch: "*"])
            #expect(any.status == 200 && any["version"]?.number == 3, "\(any.text)")
            client.expectConformance()
        }
    }

    @Test func rolesTenantsAndBodyLimit() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        let tenant = Self.scratchTenant("roles"), otherTenant = Self.scratchTenant("roles-other")
        try await RecommendationRulesStore(db: f.db).set(try TenantID(validating: otherTenant), RecommendationRules(dismissal_days: 3), by: "seed")
        @Sendable func token(_ roles: [String], _ t: String? = nil) async throws -> String {
            try await Tokens.make(tenant: t ?? tenant, roles: roles, learner: roles == ["learner"] ? "L1" : nil,
                                  orgs: roles == ["tenant_admin"] ? ["*"] : nil)
        }
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            for roles in [["learner"], ["data_scientist"], ["service"]] {
                let r = try await client.request(.put, Self.path(tenant), token: try await token(roles), body: "{}")
                #expect(r.status == 403 && r.errorCode == "forbidden", "\(roles): \(r.text)")
            }
            for roles in [["learner"], ["data_scientist"]] {
                #expect(try await client.get(Self.path(tenant), token: try await token(roles)).status == 403)
            }
            #expect(try await client.get(Self.path(tenant), token: try await token(["service"])).status == 200)
            // An administrator of some organisations reads the tenant's rules but may not change them.
            let orgAdmin = try await Tokens.make(tenant: tenant, roles: ["tenant_admin"], orgs: ["org-1"])
            #expect(try await client.get(Self.path(tenant), token: orgAdmin).status == 200)
            let limited = try await client.request(.put, Self.path(tenant), token: orgAdmin, body: "{}")
            #expect(limited.status == 403 && limited.errorCode == "forbidden", "\(limited.text)")
            // Another tenant's rules: 404 to read and to write, whatever the role; its document is unchanged.
            let admin = try await token(["tenant_admin"])
            let read = try await client.get(Self.path(otherTenant), token: admin)
            #expect(read.status == 404 && read.errorCode == "not_found" && !read.text.contains("seed"))
            #expect(try await client.request(.put, Self.path(otherTenant), token: admin, body: "{}").status == 404)
            #expect(try await client.request(.put, Self.path(otherTenant), token: try await token(["learner"]), body: "{}").status == 404)
            // The platform administrator reaches both.
            let platform = try await Tokens.make(tenant: nil, roles: ["platform_admin"])
            let seen = try await client.get(Self.path(otherTenant), token: platform)
            #expect(seen.status == 200 && seen["version"]?.number == 1 && seen["updated_by"]?.string == "seed")
            // Up to 256 KiB of rules; beyond, 413.
            let big = #"{"exclude": {"courses": ["# + String(repeating: "\"c\",", count: 90_000) + "\"x\"]}}"
            let tooBig = try await client.request(.put, Self.path(tenant), token: admin, body: big)
            #expect(tooBig.status == 413 && tooBig.errorCode == "body_too_large", "\(tooBig.text)")
            // A large document within the limit (1,000 courses of 100 characters) is read, and its limit checked.
            let ids = (0..<1_001).map { "\"" + String(repeating: "c", count: 95) + String(format: "%05d", $0) + "\"" }
            let many = try await client.request(.put, Self.path(tenant), token: admin, body: #"{"exclude": {"courses": ["# + ids.joined(separator: ",") + "]}}")
            #expect(many.status == 400 && many["error"]?["field"]?.string == "exclude.courses", "\(many.text.prefix(300))")
            let thousand = try await client.request(.put, Self.path(tenant), token: admin,
                                                    body: #"{"exclude": {"courses": ["# + ids.dropLast().joined(separator: ",") + "]}}")
            #expect(thousand.status == 200, "\(thousand.text.prefix(300))")
            client.expectConformance()
        }
        #expect(try await RecommendationRulesStore(db: f.db).current(try TenantID(validating: otherTenant)).version == 1)
    }

    /// A write through one API instance reaches another instance's rules cache (the change stream on
    /// `recommendation_rules`) within seconds, though that cache would otherwise keep its entry for an hour; a write
    /// through the instance itself is seen at once.
    @Test func cacheOfAnotherInstanceSeesAWrite() async throws {
        let f = try await APIFixture.shared()
        let (reader, _) = try await f.api(warm: false, configure: { $0.rulesCacheTTL = 3600 })
        let (writer, _) = try await f.api(warm: false)
        let tenant = Self.scratchTenant("cache")
        let id = try TenantID(validating: tenant)
        let admin = try await Tokens.make(tenant: tenant, roles: ["tenant_admin"], orgs: ["*"])
        let watcher = Task { try await reader.rulesWatcher.run() }
        defer { watcher.cancel() }
        #expect(try await reader.services.rules.rules(id) == VersionedRules.defaults)
        // Let the stream open (opening drops the whole cache), then read again so the entry is cached.
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await reader.services.rules.rules(id).version == 0)
        try await writer.testApplication.test(.router) { raw in
            let r = try await APIClient(raw).request(.put, Self.path(tenant), token: admin, body: #"{"dismissal_days": 12}"#)
            #expect(r.status == 200)
        }
        let seen = try await eventually(5, every: .milliseconds(50)) { try await reader.services.rules.rules(id).version == 1 }
        #expect(seen, "the other instance's cache still holds version 0")
        #expect(try await reader.services.rules.rules(id).rules.dismissal_days == 12)
        // A write through the reader itself drops its entry before the answer.
        try await reader.testApplication.test(.router) { raw in
            let r = try await APIClient(raw).request(.put, Self.path(tenant), token: admin, body: #"{"dismissal_days": 13}"#)
            #expect(r.status == 200)
        }
        #expect(try await reader.services.rules.rules(id) == VersionedRules(version: 2, rules: RecommendationRules(dismissal_days: 13)))
    }
}
