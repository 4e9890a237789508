import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LodestarTestSupport
import MongoStore
import Testing
import LearningEvents

/// The deployment of `deploy/` on one machine with real processes: `lodestar serve` replicas (API + scheduler) that
/// share MongoDB, the export bucket (GCS emulator) and the artifact store, and no disk (each has its own
/// `--models-dir`). Run once with `LODESTAR_ARTIFACTS=mongodb` (GridFS) and once with `gs://…`:
///
/// - the shipped nightly job (a copy pointing at the emulator bucket) is triggered through the CLI, which lists the
///   tenants from the bucket; its runs read the bucket;
/// - every replica serves every tenant's new version within 15 s of its activation;
/// - `kill -9` of the replica running a run: another replica finishes it;
/// - a replica started afterwards, with an empty models folder, is ready with every active version from the store.
@Suite(.serialized) struct DeploymentProcessTests {
    static var binary: URL { LodestarBinary.url }

    struct Replica {
        let process: Process
        let port: Int
        let log: URL
        var pid: Int32 { process.processIdentifier }
        var base: String { "http://127.0.0.1:\(port)" }
        var logText: String { String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self) }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw BucketError(description: "no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func start(_ label: String, root: URL, jobsDir: URL, env: [String: String]) throws -> Replica {
        let port = try freePort()
        let models = root.appendingPathComponent("\(label)-models")  // this replica's own folder: no shared disk
        let p = Process()
        p.executableURL = binary
        p.arguments = ["serve", "--port", String(port), "--jobs-dir", jobsDir.path, "--models-dir", models.path,
                       "--poll-seconds", "0.5", "--slots", "1"]
        p.environment = env
        let log = root.appendingPathComponent("\(label).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let h = try FileHandle(forWritingTo: log)
        p.standardOutput = h
        p.standardError = h
        try p.run()
        return Replica(process: p, port: port, log: log)
    }

    static func cli(_ args: [String], env: [String: String]) throws -> (Int32, String) {
        try LodestarBinary.run(args, environment: env)
    }

    static func get(_ url: String, token: String? = nil) async -> (Int, [String: Any]) {
        var r = URLRequest(url: URL(string: url)!)
        r.timeoutInterval = 5
        if let token { r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        guard let (data, response) = try? await URLSession.shared.data(for: r) else { return (0, [:]) }
        let json = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    /// Run ids printed by `jobs trigger` (the indented lines after "queued N run(s)").
    static func runIDs(_ output: String) -> [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("  ") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The pid in an owner `host:pid:uuid`.
    static func pid(of owner: String?) -> Int32? {
        guard let owner else { return nil }
        let parts = owner.split(separator: ":")
        return parts.count >= 3 ? Int32(parts[parts.count - 2]) : nil
    }

    @Test(arguments: ["mongodb", "gs"])
    func replicasShareTheBucketAndTheArtifactStoreAndNoDisk(store: String) async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "\(Self.binary.path) not built")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-deploy-\(store)-\(UUID().uuidString)")
        let jobsDir = root.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobsDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let dbName = "test_deploy_\(store)_\(UInt32.random(in: 0...UInt32.max))"
        let secret = String(repeating: "k", count: 40)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "GOOGLE_APPLICATION_CREDENTIALS")
        env.removeValue(forKey: "PUBSUB_SUBSCRIPTION")
        env["MONGODB_URI"] = try TestEnvironment.mongoURI()
        env["LODESTAR_DB"] = dbName
        env["STORAGE_EMULATOR_HOST"] = try TestEnvironment.storageEmulatorHost()
        env["LODESTAR_JWT_SECRET"] = secret
        env["LODESTAR_LEASE_SECONDS"] = "10"
        env["LODESTAR_SHUTDOWN_GRACE_SECONDS"] = "5"
        if store == "gs" {
            let artifacts = try await TestBucket.create("artifacts")
            env["LODESTAR_ARTIFACTS"] = "gs://\(artifacts.name)/lodestar/models"
        } else {
            env["LODESTAR_ARTIFACTS"] = "mongodb"
        }

        // The export, generated and uploaded to the bucket; the shipped nightly job pointed at it.
        let exportDir = root.appendingPathComponent("export")
        var (status, out) = try Self.cli(["generate", "--tenants", "2", "--learners", "300", "--seed", "21", "--out", exportDir.path,
                                          "--format", "ndjson"], env: env)
        try #require(status == 0, "\(out)")
        let bucket = try await TestBucket.create("exports")
        for table in ["events", "courses"] { try await bucket.upload(folder: exportDir.appendingPathComponent(table), as: table) }
        try FileManager.default.removeItem(at: exportDir)  // nothing local is read from here on
        (status, out) = try Self.cli(["validate", "gs://\(bucket.name)/events/", "gs://\(bucket.name)/courses/"], env: env)
        #expect(status == 0 && out.contains("tenant-000"), "validate reads the bucket like every entry point: \(out)")
        try bucket.shippedNightlyJob().write(to: jobsDir.appendingPathComponent("nightly-refresh.yaml"), atomically: true, encoding: .utf8)

        var replicas = try (0..<3).map { try Self.start("replica-\($0)", root: root, jobsDir: jobsDir, env: env) }
        defer { for r in replicas where r.process.isRunning { kill(r.pid, SIGKILL) } }
        for r in replicas {
            #expect(try await eventually(60, every: .milliseconds(250)) { await Self.get("\(r.base)/readyz").0 == 200 }, "\(r.logText.suffix(3000))")
        }
        (status, out) = try Self.cli(["token", "--role", "service", "--tenant", "tenant-000"], env: env)
        try #require(status == 0, "\(out)")
        let token0 = out.trimmingCharacters(in: .whitespacesAndNewlines)
        (status, out) = try Self.cli(["token", "--role", "service", "--tenant", "tenant-001"], env: env)
        let token1 = out.trimmingCharacters(in: .whitespacesAndNewlines)
        let tokens = ["tenant-000": token0, "tenant-001": token1]

        let client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "lodestar-deploy-tests")
        let db = client.database(dbName)
        let runs = db.system(.jobRuns, as: BSONDocument.self)
        func run(_ id: String) async throws -> BSONDocument? { try await runs.findOne(["_id": .string(id)]) }
        func runStatus(_ id: String) async throws -> String? { try await run(id)?["status"]?.stringValue }

        // 1. The shipped nightly job from a trigger: the CLI lists the tenants from the bucket.
        let fast = ["--param", "evaluate=false", "--param", "search=false"]
        (status, out) = try Self.cli(["jobs", "trigger", "nightly-refresh", "--jobs-dir", jobsDir.path] + fast, env: env)
        try #require(status == 0, "\(out)")
        let first = Self.runIDs(out)
        #expect(first.count == 2, "one run per tenant of the bucket's export: \(out)")
        let firstDone = try await eventually(300, every: .milliseconds(250)) {
            var done = true
            for id in first { done = try await runStatus(id) == "succeeded" && done }
            return done
        }
        if !firstDone {
            Issue.record("the nightly runs did not succeed: \(try await first.asyncMap { "\($0): \(try await run($0).map { "\($0)" } ?? "none")" })")
        }

        /// The active recommender version of each tenant and one of its learners.
        func actives() async throws -> [String: (version: String, activated: Date, learner: String)] {
            var out: [String: (String, Date, String)] = [:]
            for tenant in ["tenant-000", "tenant-001"] {
                let scope = db.tenant(try TenantID(validating: tenant))
                let v = try #require(try await scope.collection("model_versions", as: BSONDocument.self)
                    .findOne(["kind": "recommender", "status": "active"]))
                let learner = try #require(try await scope.collection("learner_features", as: BSONDocument.self).findOne([:])?["learner_id"]?.stringValue)
                out[tenant] = (v["version"]?.stringValue ?? "", v["activated_at"]?.dateValue ?? Date(), learner)
            }
            return out
        }
        /// Every replica answers every tenant's recommendations from the active version, within 15 s of its activation.
        func everyReplicaServesTheActiveVersions(_ replicas: [Replica]) async throws {
            let active = try await actives()
            for r in replicas {
                for (tenant, a) in active {
                    let url = "\(r.base)/v1/tenants/\(tenant)/learners/\(a.learner)/recommendations"
                    var last = (0, [String: Any]())
                    let served = try await eventually(max(1, a.activated.addingTimeInterval(15).timeIntervalSinceNow), every: .milliseconds(250)) {
                        last = await Self.get(url, token: tokens[tenant])
                        return last.0 == 200 && last.1["model_version"] as? String == a.version
                    }
                    #expect(served, "\(r.base) \(tenant): \(last) (active \(a.version)); log: \(r.logText.suffix(1500))")
                }
            }
        }
        try await everyReplicaServesTheActiveVersions(replicas)

        // 2. kill -9 of the replica running a run: another replica finishes it.
        var victim: Int32?
        var killedRun = ""
        for _ in 0..<3 where victim == nil {
            (status, out) = try Self.cli(["jobs", "trigger", "nightly-refresh", "--tenant", "tenant-000", "--jobs-dir", jobsDir.path] + fast,
                                         env: env)
            try #require(status == 0, "\(out)")
            killedRun = try #require(Self.runIDs(out).first)
            _ = try await eventually(30, every: .milliseconds(50)) {
                victim = replicas.first { r in
                    let lines = r.logText.split(separator: "\n").filter { $0.contains("run=\(killedRun)") }
                    return lines.contains { $0.contains("run started") } && !lines.contains { $0.contains("run ended") }
                }?.pid
                return victim != nil
            }
        }
        let killed = try #require(victim)
        kill(killed, SIGKILL)
        let takenOver = try await eventually(300, every: .milliseconds(250)) { try await runStatus(killedRun) == "succeeded" }
        if !takenOver { Issue.record("the killed replica's run was not finished: \(try await run(killedRun).map { "\($0)" } ?? "none")") }
        let finished = try #require(try await run(killedRun))
        #expect((finished["attempt"]?.int64Value ?? 0) >= 2)
        #expect(Self.pid(of: finished["owner"]?.stringValue) != killed)
        replicas.removeAll { $0.pid == killed }
        try await everyReplicaServesTheActiveVersions(replicas)

        // 3. A replica started afterwards, with an empty models folder, is ready with every active version.
        let late = try Self.start("replica-late", root: root, jobsDir: jobsDir, env: env)
        replicas.append(late)
        var ready = (0, [String: Any]())
        #expect(try await eventually(60, every: .milliseconds(250)) {
            ready = await Self.get("\(late.base)/readyz")
            return ready.0 == 200
        }, "\(late.logText.suffix(3000))")
        let checks = ready.1["checks"] as? [String: Any]
        #expect(checks?["loaded_recommenders"] as? String == "2" && checks?["loaded_risk_models"] as? String == "2", "\(ready)")
        try await everyReplicaServesTheActiveVersions([late])
        let cache = root.appendingPathComponent("replica-late-models/.artifact-cache")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []).count >= 2,
                "the late replica cached the artifacts it downloaded")

        for r in replicas where r.process.isRunning {
            kill(r.pid, SIGTERM)
            r.process.waitUntilExit()
            #expect(r.process.terminationStatus == 0, "\(r.logText.suffix(1000))")
        }
        replicas.removeAll()
        try await db.drop()
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
