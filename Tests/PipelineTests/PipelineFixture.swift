import EventSources
import Foundation
import LearningEvents
import LearningStore
import LinearAlgebra
import LodestarTestSupport
import Logging
import MongoStore
@testable import Pipeline
import SampleData

/// A generated export on disk, its ground truth, and a throwaway database on the test server.
struct PipelineFixture {
    let dir: URL
    let events: String
    let client: MongoClient
    let db: MongoDatabase
    let truth: Truth
    /// Plenty of enrolments are running at this moment of the generated timeline.
    static let cutoff = Timestamp.parse("2026-04-20 00:00:00 UTC")!

    init(label: String, tenants: Int = 2, learners: Int = 1200, seed: UInt64 = 11) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-\(label)-\(UUID().uuidString)")
        self.dir = dir
        let (summary, truth) = try await runOnDedicatedThread { (_: CancellationFlag) throws -> (Generator.Summary, Truth) in
            let gen = Generator(config: GeneratorConfig(tenants: tenants, learners: learners, seed: seed))
            let summary = try gen.run(directory: dir.path, format: .avro, codec: .deflate, gzip: false, rowsPerFile: 1_000_000)
            return (summary, try Truth(path: dir.appendingPathComponent("truth.ndjson").path))
        }
        events = summary.files.first { $0.contains("events-") }!
        self.truth = truth
        client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "lodestar-pipeline-tests")
        db = client.database("pipeline_\(label)_\(UInt32.random(in: 0...UInt32.max))")
    }

    func options(_ sources: [String]? = nil) -> RefreshOptions {
        var o = RefreshOptions(source: sources ?? [events], modelsDirectory: dir.appendingPathComponent("models"))
        o.cutoff = PipelineFixture.cutoff
        o.recommender.als.threads = 2
        o.reportDirectory = dir.appendingPathComponent("reports")
        return o
    }

    func run(_ options: RefreshOptions, hooks: RunHooks = RunHooks()) async throws -> RunSummary {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        var job = RefreshJob(options: options, db: db, logger: logger, progress: ProgressReporter(logger: logger, terminal: false))
        job.hooks = hooks
        return try await job.run()
    }

    func finish() async throws {
        try await db.drop()
        try? FileManager.default.removeItem(at: dir)
    }

    /// What the core API would read for a tenant: the active versions' documents.
    func active(_ tenant: String) async throws -> ActiveSnapshot {
        let t = try TenantID(validating: tenant)
        let registry = ModelRegistry(db: db, modelsDirectory: dir)
        var out = ActiveSnapshot()
        if let v = try await registry.active(tenant: t, kind: .recommender) {
            out.recommenderVersion = v.version
            for try await r in StoreLayout.recommendations.collection(in: db.tenant(t))
                .find(["model_version": .string(v.version)]) {
                out.recommendations[r.learner_id] = r.items.map(\.course_id)
                out.reasons += r.items.map(\.reason)
            }
            for try await e in StoreLayout.learnerEmbeddings.collection(in: db.tenant(t))
                .find(["model_version": .string(v.version)]) {
                out.embeddings[e.learner_id ?? ""] = e.vector
            }
        }
        if let v = try await registry.active(tenant: t, kind: .risk) {
            out.riskVersion = v.version
            out.riskMethod = v.riskSettings.method?.rawValue
            for try await r in StoreLayout.risk.collection(in: db.tenant(t)).find(["model_version": .string(v.version)]) {
                out.risk["\(r.learner_id)/\(r.course_id)"] = r.risk
                out.factors += r.factors.map(\.feature)
                out.factorReasons += r.factors.compactMap(\.reason)
            }
            for try await f in StoreLayout.features.collection(in: db.tenant(t)).find() {
                out.idle["\(f.learner_id)/\(f.course_id)"] = f.days_since_last_activity
            }
        }
        return out
    }
}

struct ActiveSnapshot: Equatable {
    var recommenderVersion: String?
    var riskVersion: String?
    var recommendations: [String: [String]] = [:]
    var reasons: [String] = []
    var embeddings: [String: [Float]] = [:]
    var risk: [String: Double] = [:]
    var factors: [String] = []
    /// The risk factors' reasons in words (`reasons` are the recommendations').
    var factorReasons: [String] = []
    /// `survival` or `heuristic` (the active risk version's method).
    var riskMethod: String?
    /// Days since the last activity per enrolment (`learner_features`).
    var idle: [String: Double] = [:]

    /// The results without version names (two runs over the same data should agree on these).
    var content: [String] {
        recommendations.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
            + risk.sorted { $0.key < $1.key }.map { "\($0.key):\(String(format: "%.9f", $0.value))" }
            + embeddings.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
    }
}

/// The generator's `truth.ndjson`: course topics, learner tastes, which enrolments were dropped.
struct Truth {
    var courseTopic: [String: Int] = [:]  // "tenant/course"
    var tastes: [String: [Double]] = [:]  // "tenant/learner"
    var dropped: [String: Bool] = [:]  // "tenant/learner/course"
    var enrolled: [String: Set<String>] = [:]  // "tenant/learner" -> courses

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n") {
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let kind = obj["kind"] as? String else { continue }
            let tenant = obj["tenant_id"] as? String ?? ""
            switch kind {
            case "course": courseTopic["\(tenant)/\(obj["course_id"] as! String)"] = obj["topic"] as? Int
            case "learner": tastes["\(tenant)/\(obj["learner_id"] as! String)"] = obj["tastes"] as? [Double]
            case "enrolment":
                let l = obj["learner_id"] as! String, c = obj["course_id"] as! String
                dropped["\(tenant)/\(l)/\(c)"] = obj["dropped"] as? Bool
                enrolled["\(tenant)/\(l)", default: []].insert(c)
            default: break
            }
        }
    }

    /// Mean taste weight (× topics, so 1.0 = no better than chance) of the courses recommended to each learner.
    func tasteMatch(tenant: String, recommendations: [String: [String]]) -> Double {
        var total = 0.0, n = 0
        for (learner, courses) in recommendations {
            guard let taste = tastes["\(tenant)/\(learner)"] else { continue }
            for c in courses {
                guard let topic = courseTopic["\(tenant)/\(c)"] else { continue }
                total += taste[topic] * Double(taste.count)
                n += 1
            }
        }
        return n == 0 ? 0 : total / Double(n)
    }
}

/// ROC AUC by the rank-sum formula (ties count half).
func rocAUC(_ scores: [Double], _ labels: [Bool]) -> Double {
    let pairs = zip(scores, labels).sorted { $0.0 < $1.0 }
    var rankSum = 0.0, i = 0
    while i < pairs.count {
        var j = i
        while j + 1 < pairs.count && pairs[j + 1].0 == pairs[i].0 { j += 1 }
        let rank = Double(i + j) / 2 + 1
        for k in i...j where pairs[k].1 { rankSum += rank }
        i = j + 1
    }
    let p = Double(labels.filter { $0 }.count), n = Double(labels.count) - p
    return (rankSum - p * (p + 1) / 2) / (p * n)
}
