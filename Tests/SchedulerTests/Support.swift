import Foundation
import LodestarTestSupport
import Logging
import MongoStore
import Pipeline
@testable import Scheduler

/// A throwaway database on the test server, dropped by `finish()`.
struct TestDatabase {
    let client: MongoClient
    let db: MongoDatabase

    init(_ label: String) throws {
        client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "lodestar-scheduler-tests")
        db = client.database("test_sched_\(label)_\(UInt32.random(in: 0...UInt32.max))")
    }

    func finish() async throws { try await db.drop() }
}

/// A clock the test moves by hand: `sleep` returns when `advance` passes its deadline.
final class ManualClock: SchedulerClock, @unchecked Sendable {
    // `@unchecked`: all state is guarded by `lock`.
    private let lock = NSLock()
    private var current: Date
    private var sleepers: [UUID: (deadline: Date, continuation: CheckedContinuation<Void, any Error>)] = [:]

    init(_ start: Date) { current = start }

    func now() -> Date { lock.withLock { current } }

    func sleep(for duration: Duration) async throws {
        let id = UUID()
        let deadline = now().addingTimeInterval(duration.seconds)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = lock.withLock {
                    if Task.isCancelled { return true }
                    sleepers[id] = (deadline, c)
                    return false
                }
                if resumeNow { c.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let c = lock.withLock { sleepers.removeValue(forKey: id)?.continuation }
            c?.resume(throwing: CancellationError())
        }
    }

    /// Moves time on and wakes the sleepers whose deadline has come.
    func advance(by seconds: TimeInterval) {
        let due: [CheckedContinuation<Void, any Error>] = lock.withLock {
            current = current.addingTimeInterval(seconds)
            let ready = sleepers.filter { $0.value.deadline <= current }
            for k in ready.keys { sleepers[k] = nil }
            return ready.map(\.value.continuation)
        }
        for c in due { c.resume() }
    }

    var sleeperCount: Int { lock.withLock { sleepers.count } }
}

/// An executor whose behaviour each test scripts; it records what ran.
final class ScriptedExecutor: RunExecutor, @unchecked Sendable {
    // `@unchecked`: all state is guarded by `lock`.
    enum Behaviour: Sendable { case succeed, fail(String), block, leaseLost }
    private let lock = NSLock()
    private var log: [String] = []
    private var blocked: [String: CheckedContinuation<Void, any Error>] = [:]
    private var cancelled: [String] = []
    let behaviour: @Sendable (RunDocument) -> Behaviour

    init(_ behaviour: @escaping @Sendable (RunDocument) -> Behaviour) { self.behaviour = behaviour }

    var executed: [String] { lock.withLock { log } }
    var cancelledRuns: [String] { lock.withLock { cancelled } }
    var blockedRuns: [String] { lock.withLock { blocked.keys.sorted() } }

    func execute(_ run: RunDocument, context: RunContext) async throws -> RunMetrics {
        lock.withLock { log.append(run._id) }
        context.progress("working on \(run.tenant_id)")
        switch behaviour(run) {
        case .succeed:
            var m = RunMetrics()
            m.rows_read = 7
            return m
        case .fail(let message): throw RunFailure(message)
        case .leaseLost: throw RunLeaseLost(runID: run._id)
        case .block:
            let id = run._id
            do {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                        let cancelledAlready = lock.withLock {
                            if Task.isCancelled { return true }
                            blocked[id] = c
                            return false
                        }
                        if cancelledAlready { c.resume(throwing: CancellationError()) }
                    }
                } onCancel: {
                    let c = lock.withLock { blocked.removeValue(forKey: id) }
                    c?.resume(throwing: CancellationError())
                }
            } catch {
                lock.withLock { cancelled.append(id) }
                throw error
            }
            var m = RunMetrics()
            m.rows_read = 1
            return m
        }
    }

    /// Lets a blocked run finish successfully.
    func release(_ id: String) {
        let c = lock.withLock { blocked.removeValue(forKey: id) }
        c?.resume()
    }
}

/// `yyyy-mm-ddThh:mm` in UTC.
func utc(_ s: String) -> Date {
    let f = ISO8601DateFormatter()
    return f.date(from: s + ":00Z")!
}

func noopJob(_ name: String = "health", schedule: String = "0 0 1 1 *", tenants: [String] = ["a", "b"], timeZone: String = "UTC",
             configure: (inout JobDefinition) -> Void = { _ in }) throws -> JobDefinition {
    var j = JobDefinition(name: name, kind: .noop, schedule: try CronSchedule(schedule, timeZone: timeZone), tenants: .only(tenants))
    configure(&j)
    return j
}

func replica(_ db: MongoDatabase, jobs: [JobDefinition], executor: any RunExecutor, clock: any SchedulerClock, owner: String,
             slots: Int = 4, configure: (inout SchedulerConfiguration) -> Void = { _ in }) -> Scheduler {
    var c = SchedulerConfiguration(owner: owner, leaseDuration: .seconds(30), pollInterval: .seconds(1), maxConcurrentRuns: slots)
    c.retentionInterval = .seconds(86_400 * 365)
    configure(&c)
    var logger = Logger(label: "test.scheduler")
    logger.logLevel = .error
    return Scheduler(jobs: jobs, db: db, executor: executor, tenants: DefaultTenantDirectory(db: db), configuration: c, clock: clock,
                     logger: logger, random: { 0.5 })
}

func allRuns(_ db: MongoDatabase) async throws -> [RunDocument] {
    try await db.system(.jobRuns, as: RunDocument.self).find([:], sort: ["_id": 1]).collect()
}
