import EventSources
import Foundation
import LearningEvents
import LearningStore
import LodestarTestSupport
import MongoStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lodestar serve --only consumer` as a process, killed with SIGKILL five times while 100,000 events stream in and
/// restarted each time: the final `learner_features` equal a batch run over the same events — nothing lost, nothing
/// counted twice. The stream continues from a nightly `ingest` over the events before its cutoff, as in production.
@Suite struct KillRestartTests {
    static let streamed = 100_000

    @Test("100,000 events, the consumer killed with SIGKILL five times: learner_features equal the batch's")
    func killedFiveTimes() async throws {
        let started = ContinuousClock.now
        let fx = try StreamingFixture("kill")
        let bin = try Self.binary()
        let dir = fx.dir.path
        var env = ProcessInfo.processInfo.environment
        env["MONGODB_URI"] = try TestEnvironment.mongoURI()
        env["LODESTAR_DB"] = fx.db.name
        env["PUBSUB_EMULATOR_HOST"] = String(fx.emulator.dropFirst("http://".count))
        env["GOOGLE_CLOUD_PROJECT"] = fx.project
        env["PUBSUB_SUBSCRIPTION"] = fx.subscription
        env.removeValue(forKey: "GOOGLE_APPLICATION_CREDENTIALS")

        // A snapshot export of two tenants (~109k events); the nightly run sees all but the newest 100,000.
        try Self.run(bin, ["generate", "--tenants", "2", "--learners", "900", "--out", dir, "--seed", "5"], env: env)
        let events = dir + "/events", courses = dir + "/courses"
        var times: [Int64] = []
        for try await b in ExportSource([events]).batches() { times += b.occurredAt }
        times.sort()
        var split = times.count - Self.streamed - 1
        try #require(split > 1000, "the export is too small: \(times.count) events")
        while split > 0 && times[split] == times[split + 1] { split -= 1 }
        let nightly = times[split], newest = times[times.count - 1]
        let expectedStreamed = times.count - split - 1
        try Self.run(bin, ["run", "ingest", "--all", "--source", events, "--catalog", courses, "--cutoff", Timestamp.rfc3339(nightly),
                           "--models-dir", dir + "/models", "--report-dir", dir + "/reports"], env: env)

        try Self.run(bin, ["pubsub", "create-topic", fx.topic], env: env)
        try Self.run(bin, ["pubsub", "create-subscription", fx.subscription, "--topic", fx.topic, "--ack-deadline", "60"], env: env)
        let published = try Self.run(bin, ["publish", events, "--topic", fx.topic, "--after", Timestamp.rfc3339(nightly)], env: env)
        #expect(published.contains("published \(expectedStreamed) events"), "\(published)")
        let setup = ContinuousClock.now - started

        // Stream, killing the consumer at random moments: once five random shares (5…90 %) of the events are applied,
        // each after a random extra 0–0.8 s (mid-batch, mid-transaction or between commit and ack).
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)  // the kill moments are reproducible from the printed seed
        let thresholds = (0..<5).map { _ in Int(Double(expectedStreamed) * (0.05 + 0.85 * Double(rng.next() % 10_000) / 10_000)) }.sorted()
        let log = dir + "/consumer.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let consumerArgs = ["serve", "--only", "consumer", "--as-of", Timestamp.rfc3339(newest), "--pullers", "2"]
        var processedAtKill: [Int] = []
        for threshold in thresholds {
            let p = try Self.start(bin, consumerArgs, env: env, log: log)
            let until = ContinuousClock.now + .seconds(600)
            // Progress from the emulator's count of acked messages (acked only once durable): cheap to ask, where
            // counting processed_events costs the server a scan of up to 100k documents per poll.
            while try await Self.acked(fx) < threshold, ContinuousClock.now < until, p.isRunning {
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .milliseconds(Int64(rng.next() % 800)))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(p.terminationReason == .uncaughtSignal, "killed, not exited (see \(log))")
            processedAtKill.append(try await Self.processed(fx))
            // The dead consumer's leases run out (the emulator's clock jumps past the 60 s deadline).
            try await fx.admin("advance", #"{"seconds": 61}"#)
        }
        let p = try Self.start(bin, consumerArgs, env: env, log: log)
        let deadline = ContinuousClock.now + .seconds(900)
        var processed = 0
        while ContinuousClock.now < deadline {
            if try await Self.acked(fx) >= expectedStreamed {
                processed = try await Self.processed(fx)
                if processed >= expectedStreamed { break }
            }
            try await Task.sleep(for: .seconds(1))
        }
        if processed < expectedStreamed { processed = try await Self.processed(fx) }
        try await Task.sleep(for: .seconds(1))  // let the last acks go out
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        let streamTime = ContinuousClock.now - started - setup
        #expect(p.terminationReason == .exit && p.terminationStatus == 0, "SIGTERM: drains and exits 0")
        #expect(processed == expectedStreamed, "processed \(processed) of \(expectedStreamed); kill seed \(seed); see \(log)")
        #expect(processedAtKill.allSatisfy { $0 > 0 && $0 < expectedStreamed }, "kills landed mid-stream: \(processedAtKill)")

        // The batch over every event, as of the same moment, in a database of its own.
        var batchEnv = env
        batchEnv["LODESTAR_DB"] = fx.db.name + "_batch"
        try Self.run(bin, ["run", "ingest", "--all", "--source", events, "--catalog", courses, "--cutoff", Timestamp.rfc3339(newest),
                           "--models-dir", dir + "/models", "--report-dir", dir + "/reports"], env: batchEnv)
        let batchDB = fx.client.database(fx.db.name + "_batch")
        var compared = 0, recomputed = 0, total: Int64 = 0
        for tenant in try await fx.db.tenantIDs(in: StoreLayout.features.name) {
            let stream = try await fx.features(tenant.rawValue)
            var batch: [String: FeatureDocument] = [:]
            for try await d in StoreLayout.features.collection(in: batchDB.tenant(tenant)).find() { batch["\(d.learner_id)/\(d.course_id)"] = d }
            var lessons: [String: Int] = [:]
            for try await c in StoreLayout.courses.collection(in: fx.db.tenant(tenant)).find() { lessons[c.course_id] = c.lesson_count }
            #expect(stream.count == batch.count, "\(tenant): \(stream.count) streamed enrolments, \(batch.count) in the batch")
            total += stream.values.reduce(0) { $0 + ($1.state?.totals.events ?? 0) }
            for (key, b) in batch {
                guard let s = stream[key] else {
                    Issue.record("\(tenant) \(key): missing from the stream's learner_features")
                    continue
                }
                var candidate = s
                if abs(s.as_of.timeIntervalSince1970 - b.as_of.timeIntervalSince1970) > 0.001 {
                    // No event of this enrolment after the nightly cutoff: its document is still the nightly one;
                    // its state must give the batch's features as of the same moment.
                    let state = try #require(s.state)
                    let f = try #require(state.features(asOf: newest, lessonCount: lessons[s.course_id] ?? 0))
                    candidate = FeatureDocument(learner: s.learner_id, course: s.course_id, org: s.org_id, features: f, state: state)
                    recomputed += 1
                }
                let diff = differences(candidate, b)
                if !diff.isEmpty { Issue.record("\(tenant) \(key): \(diff)") }
                compared += 1
            }
        }
        #expect(total == Int64(times.count), "events counted in the states: \(total), in the export: \(times.count)")
        #expect(compared > 1000 && recomputed < compared / 2)
        print("kill test: \(expectedStreamed) events streamed, kills after \(processedAtKill) processed (seed \(seed)); "
              + "setup \(setup), streaming with 5 kills \(streamTime), \(compared) enrolments compared (\(recomputed) untouched since the nightly run)")
        try await batchDB.drop()
        try await fx.finish()
    }

    /// Messages the consumer acked so far (redeliveries acked again count again).
    static func acked(_ fx: StreamingFixture) async throws -> Int {
        (try await fx.stats()["acked"] as? Int) ?? 0
    }

    static func processed(_ fx: StreamingFixture) async throws -> Int {
        var n = 0
        for t in try await fx.db.tenantIDs(in: StoreLayout.processedEvents.name) {
            n += try await fx.processedCount(t.rawValue)
        }
        return n
    }

    /// The `lodestar` binary built beside the tests.
    static func binary() throws -> URL { try LodestarBinary.require() }

    @discardableResult
    static func run(_ bin: URL, _ args: [String], env: [String: String]) throws -> String {
        let (status, out) = try LodestarBinary.run(args, environment: env)
        guard status == 0 else { throw FixtureError("lodestar \(args.joined(separator: " ")) exited \(status): \(out.suffix(2000))") }
        return out
    }

    static func start(_ bin: URL, _ args: [String], env: [String: String], log: String) throws -> Process {
        let p = Process()
        p.executableURL = bin
        p.arguments = args
        p.environment = env
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }
}
