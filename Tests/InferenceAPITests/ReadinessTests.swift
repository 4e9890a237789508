import Foundation
import HummingbirdTesting
@testable import InferenceAPI
import Logging
import MongoStore
import Prometheus
import Testing

/// `/readyz` before and after the model cache is warm, with MongoDB away, and a tenant whose artifacts are missing.
@Suite struct ReadinessTests {
    @Test func notReadyUntilModelsAreLoaded() async throws {
        let f = try await APIFixture.shared()
        let (api, _) = try await f.api(warm: false)
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let before = try await client.get("/readyz")
            #expect(before.status == 503)
            #expect(before["checks"]?["models"]?.string == "loading")
            #expect(try await client.get("/healthz").status == 200)
            try await api.cache.warmUp()
            let after = try await client.get("/readyz")
            #expect(after.status == 200, "\(after.text)")
            #expect(after["status"]?.string == "ready")
            #expect(Int(after["checks"]?["loaded_recommenders"]?.string ?? "") == 2)
            #expect(Int(after["checks"]?["loaded_risk_models"]?.string ?? "") == f.riskTenants.count)
            client.expectConformance()
        }
    }

    @Test func notReadyWithoutMongoDB() async throws {
        let auth = try AuthConfiguration(hmacSecret: Array(APIFixture.secret.utf8))
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        // Nothing listens on port 9: pings fail (or time out) and the API says so.
        let client = try MongoClient(uri: "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300&connectTimeoutMS=300")
        let api = InferenceAPI(configuration: APIConfiguration(auth: auth, modelsDirectory: URL(fileURLWithPath: "/nonexistent")),
                               db: client.database("x"), verifier: await TokenVerifier(configuration: auth, logger: logger),
                               metrics: RequestMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())), metricsText: { [] }, logger: logger)
        try await api.testApplication.test(.router) { raw in
            let c = try APIClient(raw)
            let r = try await c.get("/readyz")
            #expect(r.status == 503)
            #expect(r["checks"]?["mongodb"]?.string == "unreachable")
            c.expectConformance()
        }
    }

    /// Models that cannot load (artifacts gone) answer 503 in the error shape, never 500, and are logged.
    @Test func missingArtifactsAnswer503() async throws {
        let f = try await APIFixture.shared()
        let empty = f.dir.appendingPathComponent("no-models-\(UUID().uuidString)")
        let (api, _) = try await f.api(warm: false, modelsDirectory: empty)
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let token = try await Tokens.make(tenant: "tenant-000", roles: ["service"])
            let learner = f.learnerIDs(APIFixture.tenantA)[0]
            let r = try await client.get("/v1/tenants/tenant-000/learners/\(learner)/recommendations", token: token)
            #expect(r.status == 503)
            #expect(r.errorCode == "unavailable")
            let infer = try await client.post("/v1/tenants/tenant-000/risk:infer", token: token, body: #"{"features": {}}"#)
            #expect(infer.status == 503)
            // Stored scores need no artifact.
            #expect(try await client.get("/v1/tenants/tenant-000/learners/\(learner)/risk", token: token).status == 200)
            client.expectConformance()
        }
    }
}
