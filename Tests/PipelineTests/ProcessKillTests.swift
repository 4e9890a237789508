import Foundation
import LearningEvents
import LearningStore
import LodestarTestSupport
import MongoStore
import Testing

/// The `lodestar` binary against SecantusDB, as an operator runs it: overlapping runs of one tenant and
/// `kill -9` at random instants. After each, every tenant has exactly one active version per kind; after the
/// next complete run, no result document names a version the registry does not know.
@Suite("lodestar run under kill -9 and overlapping runs", .serialized)
struct ProcessKillTests {
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lodestar")
    }

    func start(_ f: PipelineFixture, label: String) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw BinaryMissing(path: Self.binary.path)
        }
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["run", "refresh", "--all", "--source", f.events, "--cutoff", Timestamp.bigQuery(PipelineFixture.cutoff),
                       "--models-dir", f.dir.appendingPathComponent("models").path, "--report-dir", f.dir.appendingPathComponent("reports").path,
                       "--threads", "1", "--no-evaluate"]
        var env = ProcessInfo.processInfo.environment
        env["MONGODB_URI"] = try TestEnvironment.mongoURI()
        env["LODESTAR_DB"] = f.db.name
        env["LODESTAR_LEASE_SECONDS"] = "20"  // short enough for takeovers after kill -9, long enough for a SecantusDB busy with the other suites (10 s was lost there)
        env["OPENBLAS_NUM_THREADS"] = "1"
        p.environment = env
        let log = f.dir.appendingPathComponent("\(label).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    func wait(_ p: Process) async -> Int32 {
        while p.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        return p.terminationStatus
    }

    /// Kinds with an active version per tenant; fails the test when a tenant has more than one active version of
    /// a kind, or none of a kind it had before.
    func checkActive(_ f: PipelineFixture, expected: [String: Set<ModelKind>]? = nil, _ when: String) async throws -> [String: Set<ModelKind>] {
        let registry = ModelRegistry(db: f.db, modelsDirectory: f.dir)
        var out: [String: Set<ModelKind>] = [:]
        for tenant in ["tenant-000", "tenant-001"] {
            let all = try await registry.list(tenant: TenantID(validating: tenant))
            for kind in ModelKind.allCases {
                let active = all.filter { $0.kind == kind && $0.status == .active }
                #expect(active.count <= 1, "\(when): \(tenant) has \(active.count) active \(kind) versions")
                if active.count == 1 { out[tenant, default: []].insert(kind) }
                if let expected, expected[tenant, default: []].contains(kind) {
                    #expect(active.count == 1, "\(when): \(tenant) lost its active \(kind) version")
                }
            }
        }
        return out
    }

    /// Result documents naming a version the registry does not know, per collection.
    func unknownDocuments(_ f: PipelineFixture) async throws -> Int {
        let registry = ModelRegistry(db: f.db, modelsDirectory: f.dir)
        var unknown = 0
        for tenant in ["tenant-000", "tenant-001"] {
            let t = try TenantID(validating: tenant)
            let known = Set(try await registry.list(tenant: t).map(\.version))
            for name in StoreLayout.versionedCollections {
                let coll = f.db.tenant(t).collection(name, as: BSONDocument.self)
                for v in try await coll.distinct("model_version").compactMap(\.stringValue) where !known.contains(v) {
                    unknown += try await coll.count(["model_version": .string(v)])
                }
            }
        }
        return unknown
    }

    @Test("three overlapping runs and five kill -9s leave exactly one active version per kind, then nothing unknown")
    func overlapAndKill() async throws {
        let f = try await PipelineFixture(label: "kill", tenants: 2, learners: 240, seed: 5)
        let clock = ContinuousClock()
        let t0 = clock.now
        #expect(await wait(try start(f, label: "base")) == 0)
        let runTime = clock.now - t0
        let kinds = try await checkActive(f, "after the first run")
        #expect(kinds["tenant-000"]?.contains(.recommender) == true)

        // Three runs of the same tenants started a fraction of a second apart: they take turns publishing.
        var procs: [Process] = []
        for i in 0..<3 {
            procs.append(try start(f, label: "overlap-\(i)"))
            try await Task.sleep(for: .milliseconds(300))
        }
        for (i, p) in procs.enumerated() {
            let status = await wait(p)
            let log = (try? String(contentsOf: f.dir.appendingPathComponent("overlap-\(i).log"), encoding: .utf8)) ?? ""
            #expect(status == 0, "overlapping run \(i) exited \(status): \(log.suffix(2000))")
        }
        _ = try await checkActive(f, expected: kinds, "after three overlapping runs")
        #expect(try await unknownDocuments(f) == 0)

        // kill -9 at random instants of a run (seeded, so a failure can be replayed).
        let seed = UInt64.random(in: 0...UInt64(Int32.max))
        var state = seed
        func uniform() -> Double {  // a 64-bit LCG (Knuth's MMIX constants): enough to spread five instants
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let total = Double(runTime.components.seconds) + Double(runTime.components.attoseconds) * 1e-18
        for k in 0..<5 {
            let p = try start(f, label: "kill-\(k)")
            let at = 0.1 + uniform() * max(0.1, total - 0.1)
            try await Task.sleep(for: .milliseconds(Int(at * 1000)))
            kill(p.processIdentifier, SIGKILL)
            _ = await wait(p)
            print("kill \(k) at \(String(format: "%.2f", at)) s of ~\(String(format: "%.1f", total)) s (seed \(seed))")
            _ = try await checkActive(f, expected: kinds, "after kill \(k) at \(at) s (seed \(seed))")
        }

        // The next complete run cleans up whatever the killed ones left.
        #expect(await wait(try start(f, label: "final")) == 0)
        _ = try await checkActive(f, expected: kinds, "after the final run")
        #expect(try await unknownDocuments(f) == 0, "no result document of an unknown version (seed \(seed))")
        for tenant in ["tenant-000", "tenant-001"] {
            let left = try await ModelRegistry(db: f.db, modelsDirectory: f.dir).list(tenant: TenantID(validating: tenant))
            #expect(!left.contains { $0.status == .staging }, "\(tenant): no staging version left")
        }
        try await f.finish()
    }
}


struct BinaryMissing: Error, CustomStringConvertible {
    let path: String
    var description: String { "\(path) not built (run swift build --build-tests)" }
}
