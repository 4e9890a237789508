import EventSources
import Foundation
import Hummingbird
@testable import InferenceAPI
import JWTKit
import LearningEvents
import LearningStore
import LinearAlgebra
import LodestarTestSupport
import Logging
import MongoStore
import Pipeline
import Prometheus
import SampleData
import Scheduler

/// Data produced by the real pipeline, shared by the API tests (built once per test process): a generated export
/// of two tenants, one `refresh` run with the catalog (and the catalog written to `courses`), and a second
/// `recommend` run for `tenant-001` only, so that tenant has two recommender versions to swap between.
/// Tests treat `tenant-000` as read-only; only the hot-swap test changes `tenant-001`'s active version.
struct APIFixture: Sendable {
    let dir: URL
    let client: MongoClient
    let db: MongoDatabase
    let modelsDirectory: URL
    let catalog: [Course]
    /// tenant → learner → their `learner_features` rows.
    let learners: [String: [String: [FeatureDocument]]]
    /// tenant → courses of the trained recommender.
    let modelCourses: [String: [String]]
    /// Tenants with an active risk version (a small tenant has too few training rows for one).
    let riskTenants: Set<String>

    static let tenantA: TenantID = "tenant-000"
    static let tenantB: TenantID = "tenant-001"
    static let secret = "test-secret-of-at-least-thirty-two-bytes!!"

    private static let once = Once()

    /// The shared fixture.
    static func shared() async throws -> APIFixture { try await once.value() }

    private actor Once {
        var task: Task<APIFixture, any Error>?
        func value() async throws -> APIFixture {
            if let task { return try await task.value }
            let t = Task { try await APIFixture.build() }
            task = t
            return try await t.value
        }
    }

    static func build() async throws -> APIFixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-api-\(UUID().uuidString)")
        let summary = try await runOnDedicatedThread { _ in
            try Generator(config: GeneratorConfig(tenants: 2, learners: 500, seed: 5))
                .run(directory: dir.path, format: .avro, codec: .deflate, gzip: false, rowsPerFile: 1_000_000)
        }
        let events = summary.files.first { $0.contains("events-") }!
        let courses = summary.files.filter { $0.contains("courses-") }
        let client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "lodestar-api-tests")
        let db = client.database("api_\(UInt32.random(in: 0...UInt32.max))")
        let models = dir.appendingPathComponent("models")
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        var options = RefreshOptions(source: [events], modelsDirectory: models)
        options.catalog = courses
        options.cutoff = Timestamp.parse("2026-04-20 00:00:00 UTC")!
        options.recommender.als.threads = 2
        options.recommender.evaluate = false
        _ = try await RefreshJob(options: options, db: db, logger: logger).run()
        let catalog = try await CourseSource(courses).read().courses
        // A second recommender version for tenant-001 (other seed and size), so the hot-swap test has two.
        var second = options
        second.job = .recommend
        second.tenants = .only([tenantB.rawValue])
        second.seed = 7
        second.recommender.als.factors = 12
        _ = try await RefreshJob(options: second, db: db, logger: logger).run()

        var learners: [String: [String: [FeatureDocument]]] = [:]
        var modelCourses: [String: [String]] = [:]
        var riskTenants = Set<String>()
        for t in [tenantA, tenantB] {
            if try await ActiveResults(db: db).activeVersion(t, .risk) != nil { riskTenants.insert(t.rawValue) }
            for try await row in StoreLayout.features.collection(in: db.tenant(t)).find() {
                learners[t.rawValue, default: [:]][row.learner_id, default: []].append(row)
            }
            modelCourses[t.rawValue] = try await StoreLayout.courseEmbeddings.collection(in: db.tenant(t))
                .distinct("course_id").compactMap(\.stringValue)
        }
        return APIFixture(dir: dir, client: client, db: db, modelsDirectory: models, catalog: catalog, learners: learners,
                          modelCourses: modelCourses, riskTenants: riskTenants)
    }

    /// Learners of a tenant, sorted.
    func learnerIDs(_ tenant: TenantID) -> [String] { (learners[tenant.rawValue] ?? [:]).keys.sorted() }

    /// The organisation of a learner (from their rows).
    func org(_ tenant: TenantID, _ learner: String) -> String? {
        learners[tenant.rawValue]?[learner]?.compactMap(\.org_id).first
    }

    /// An API over the fixture's database with HS256 auth (and optionally a JWKS), its own metrics registry and a
    /// warm cache unless told otherwise.
    func api(jwks: AuthConfiguration.JWKSSource? = nil, issuer: String? = nil, audience: String? = nil, allowDevTokens: Bool = false,
             warm: Bool = true, modelsDirectory: URL? = nil, jobs: JobService? = nil,
             configure: (inout APIConfiguration) -> Void = { _ in }) async throws
        -> (InferenceAPI, PrometheusCollectorRegistry)
    {
        let auth = try AuthConfiguration(hmacSecret: Array(Self.secret.utf8), jwks: jwks, issuer: issuer, audience: audience,
                                         allowDevTokens: allowDevTokens, jwksMinimumRefresh: 0)
        var logger = Logger(label: "api-test")
        logger.logLevel = .warning
        var config = APIConfiguration(auth: auth, modelsDirectory: modelsDirectory ?? self.modelsDirectory)
        config.computeThreads = 2
        configure(&config)
        let registry = PrometheusCollectorRegistry()
        let api = InferenceAPI(configuration: config, db: db, verifier: await TokenVerifier(configuration: auth, logger: logger),
                               metrics: RequestMetrics(factory: PrometheusMetricsFactory(registry: registry)),
                               metricsText: { registry.emitToBuffer() }, logger: logger, jobs: jobs)
        if warm { try await api.cache.warmUp() }
        return (api, registry)
    }
}

/// Development tokens for the tests (HS256 with the fixture's secret).
enum Tokens {
    static func make(tenant: String?, roles: [String], learner: String? = nil, orgs: [String]? = nil, sub: String = "test",
                     expires: Date = Date().addingTimeInterval(600), notBefore: Date? = nil, issuer: String? = nil,
                     audience: [String]? = nil, secret: String = APIFixture.secret) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Array(secret.utf8)), digestAlgorithm: .sha256)
        return try await keys.sign(TokenClaims(sub: sub, tenant_id: tenant, roles: roles, org_ids: orgs, learner_id: learner,
                                               expires: expires, notBefore: notBefore, issuedAt: Date(), issuer: issuer, audience: audience))
    }

    /// A token with a hand-made header and payload and the given signature bytes (for forgeries).
    static func raw(header: [String: Any], payload: [String: Any], signature: [UInt8]) -> String {
        func part(_ object: [String: Any]) -> String {
            Base64URL.encode(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        }
        return part(header) + "." + part(payload) + "." + Base64URL.encode(signature)
    }

    /// A payload dictionary as the API expects.
    static func payload(tenant: String, roles: [String], learner: String? = nil, exp: Date = Date().addingTimeInterval(600)) -> [String: Any] {
        var p: [String: Any] = ["sub": "forger", "tenant_id": tenant, "roles": roles, "exp": Int(exp.timeIntervalSince1970)]
        if let learner { p["learner_id"] = learner }
        return p
    }
}
