import Foundation
import HummingbirdTesting
@testable import InferenceAPI
import Scheduler
import Testing

/// A randomised probe: ≥ 10,000 requests with forged, tampered, expired and mismatched tokens against every route
/// (the job routes' reads among them),
/// counting leaks — any 2xx that a token should not get, and any body carrying a tenant, learner or organisation
/// the token may not see. The count must be 0.
@Suite struct LeakProbeTests {
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A token of the probe and what it may see.
    struct Probe {
        let token: String?
        /// Valid and unforged.
        let genuine: Bool
        let tenant: String?
        let roles: Set<String>
        let learner: String?
        let orgs: [String]?
    }

    static let total = 10_000

    @Test func tenThousandForgedAndMismatchedRequestsLeakNothing() async throws {
        let f = try await APIFixture.shared()
        let jobs = try f.jobService()
        let (api, _) = try await f.api(jobs: jobs)
        let tenants = [APIFixture.tenantA.rawValue, APIFixture.tenantB.rawValue]
        // One run per tenant for the job routes (ids name their tenant; a run of tenant-999 does not exist).
        let runs = Dictionary(uniqueKeysWithValues: try await jobs.trigger("health", tenants: tenants, access: .platform).map { ($0.tenant, $0.id) })
        let learners = tenants.map { f.learnerIDs(.init(stringLiteral: $0)) }
        let allLearners = Set(learners.joined())
        let roleSets: [[String]] = [["learner"], ["service"], ["tenant_admin"], ["data_scientist"], ["tenant_admin", "data_scientist"], []]

        let (leaks, statuses) = try await api.testApplication.test(.router) { raw -> ([String], [Int: Int]) in
        var rng = Rng(state: 0x5EED)
        // A pool of genuine tokens (a few per shape) and forgeries made from them.
        var genuine: [Probe] = []
        for t in 0..<2 {
            for roles in roleSets {
                for _ in 0..<3 {
                    let learner = roles.contains("learner") ? learners[t].randomElement(using: &rng)! : nil
                    let orgs: [String]? = roles.contains("tenant_admin") && Bool.random(using: &rng) ? [["org-00", "org-01", "org-zz"].randomElement(using: &rng)!] : nil
                    let token = try await Tokens.make(tenant: tenants[t], roles: roles, learner: learner, orgs: orgs)
                    genuine.append(Probe(token: token, genuine: true, tenant: tenants[t], roles: Set(roles), learner: learner, orgs: orgs))
                }
            }
        }
        func forged(_ from: Probe) async throws -> Probe {
            let parts = from.token!.split(separator: ".").map(String.init)
            let otherTenant = ["tenant-000", "tenant-001", "tenant-999", "*"].randomElement(using: &rng)!
            let payload = Tokens.payload(tenant: otherTenant, roles: ["platform_admin", "service", "learner"].shuffled(using: &rng),
                                         learner: learners.randomElement(using: &rng)!.randomElement(using: &rng))
            let token: String
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: token = Tokens.raw(header: ["alg": "none"], payload: payload, signature: [])
            case 1: token = parts[0] + "." + Tokens.raw(header: [:], payload: payload, signature: []).split(separator: ".")[1] + "." + parts[2]
            case 2: token = try await Tokens.make(tenant: otherTenant, roles: ["platform_admin"], secret: "a-guessed-secret-that-is-32-bytes-long!!")
            case 3: token = try await Tokens.make(tenant: from.tenant, roles: Array(from.roles), learner: from.learner, expires: Date().addingTimeInterval(-400))
            case 4: token = try await Tokens.make(tenant: from.tenant, roles: Array(from.roles), learner: from.learner, notBefore: Date().addingTimeInterval(900))
            case 5: token = Tokens.raw(header: ["alg": "HS256"], payload: payload, signature: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
            case 6: token = parts[0] + "." + parts[1] + "." + String(parts[2].reversed())
            default: token = String(parts.joined(separator: ".").shuffled(using: &rng))
            }
            return Probe(token: token, genuine: false, tenant: nil, roles: [], learner: nil, orgs: nil)
        }

        var leaks: [String] = []
        var statuses: [Int: Int] = [:]
            let client = try APIClient(raw)
            for i in 0..<Self.total {
                let base = genuine.randomElement(using: &rng)!
                let kind = Int.random(in: 0..<10, using: &rng)
                // 40 % forged, 10 % no token, 50 % genuine tokens aimed mostly at other tenants and learners.
                let probe = kind < 4 ? try await forged(base) : (kind == 4 ? Probe(token: nil, genuine: false, tenant: nil, roles: [], learner: nil, orgs: nil) : base)
                let ownTenant = kind >= 5 && Int.random(in: 0..<5, using: &rng) == 0
                let tenant = ownTenant ? base.tenant! : (tenants + ["tenant-999", "TENANT-000", "tenant-000.", "tenant-00"]).filter { $0 != base.tenant }.randomElement(using: &rng)!
                let learner = Bool.random(using: &rng) ? (base.learner ?? learners[0][0]) : learners.randomElement(using: &rng)!.randomElement(using: &rng)!
                let route = Int.random(in: 0..<10, using: &rng)
                let r: APIResponse
                switch route {
                case 0: r = try await client.get("/v1/tenants/\(tenant)/learners/\(learner)/recommendations?limit=3", token: probe.token)
                case 1: r = try await client.get("/v1/tenants/\(tenant)/learners/\(learner)/risk", token: probe.token)
                case 2: r = try await client.get("/v1/tenants/\(tenant)/at-risk?limit=5", token: probe.token)
                case 3: r = try await client.get("/v1/tenants/\(tenant)/models", token: probe.token)
                case 4: r = try await client.get("/v1/tenants/\(tenant)/courses/c-0001/similar?limit=3", token: probe.token)
                case 5: r = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: probe.token, body: #"{"features": {"views": 3}}"#)
                case 6: r = try await client.post("/v1/tenants/\(tenant)/risk:infer", token: probe.token,
                                                   body: #"{"learner_id": "\#(learner)", "course_id": "c-0001"}"#)
                case 7: r = try await client.get("/v1/runs/\(runs[tenant] ?? "health.\(tenant).m20260101T000000Z-0000")", token: probe.token)
                case 8: r = try await client.get("/v1/runs?tenant=\(tenant)&limit=10", token: probe.token)
                default: r = try await client.get("/v1/jobs", token: probe.token)
                }
                statuses[r.status, default: 0] += 1
                guard (200..<300).contains(r.status) else { continue }
                // A 2xx: the token must be genuine and of this tenant, and the body only about what it may see.
                var why: [String] = []
                if !probe.genuine { why.append("forged token accepted") }
                if route >= 8 {
                    // Job and run lists: a data scientist's token, and only runs of its own tenant in the answer.
                    if !probe.roles.contains("data_scientist") { why.append("job list for roles \(probe.roles.sorted())") }
                    let listed = (r["runs"]?.array ?? []) + (r["jobs"]?.array ?? []).flatMap { $0["last_runs"]?.array ?? [] }
                    for run in listed where run["tenant_id"]?.string != probe.tenant { why.append("run of tenant \(run["tenant_id"]?.string ?? "?")") }
                    if let own = probe.tenant, tenants.contains(where: { $0 != own && r.text.contains($0) }) { why.append("names another tenant") }
                    if !why.isEmpty { leaks.append("#\(i) route \(route) \(tenant): \(why.joined(separator: ", "))") }
                    continue
                }
                if route == 7 && !probe.roles.contains("data_scientist") { why.append("run for roles \(probe.roles.sorted())") }
                if probe.tenant != tenant { why.append("other tenant served") }
                if r["tenant_id"]?.string != tenant { why.append("body of tenant \(r["tenant_id"]?.string ?? "?")") }
                if probe.roles == ["learner"], let l = r["learner_id"]?.string, l != probe.learner { why.append("another learner's data") }
                if route <= 1 && probe.roles == ["learner"] && learner != probe.learner { why.append("learner route of another learner") }
                // A tenant administrator's rows: only of its org_ids (none without the claim: organisation scope fails closed).
                if probe.roles.contains("tenant_admin"), !probe.roles.contains("service"), route == 1 || route == 2 {
                    let orgs = probe.orgs ?? []
                    for item in (r["items"] ?? r["scores"])?.array ?? [] {
                        if !(item["org_id"]?.string.map(orgs.contains) ?? false) { why.append("row of organisation \(item["org_id"]?.string ?? "none")") }
                    }
                }
                // Learner ids in the body must belong to this tenant (ids overlap across tenants, so check names only
                // where they are unique to the other tenant).
                let other = Set(learners[tenant == tenants[0] ? 1 : 0]).subtracting(learners[tenant == tenants[0] ? 0 : 1])
                for item in r["items"]?.array ?? [] {
                    if let l = item["learner_id"]?.string, other.contains(l) || !allLearners.contains(l) { why.append("learner \(l) not of this tenant") }
                }
                if !why.isEmpty { leaks.append("#\(i) route \(route) \(tenant): \(why.joined(separator: ", "))") }
            }
            client.expectConformance()
            return (leaks, statuses)
        }
        #expect(leaks.isEmpty, "\(leaks.count) leaks: \(leaks.prefix(10))")
        #expect(statuses.values.reduce(0, +) == Self.total)
        // The probe reached every outcome class: refused tokens, hidden tenants, forbidden roles and real answers.
        #expect(statuses[401, default: 0] > 3000)
        #expect(statuses[404, default: 0] > 1000)
        #expect(statuses[403, default: 0] > 50)
        #expect(statuses[200, default: 0] > 50)
    }
}
