import Foundation
public import Logging
public import MongoStore

/// One scheduler replica: turns due firings into `job_runs`, claims queued runs under leases, carries them out
/// through a `RunExecutor` with heartbeats, timeouts, cancel requests and retries, takes over runs whose owner
/// died, and keeps history within each job's retention.
///
/// Any number of replicas may run against one database: every change of a run is a conditional update (see
/// `RunStore`), so each run has one owner at a time, and the unique index on `live_key` keeps one live run per
/// (job, tenant). `tick()` is one pass; `run()` repeats it every `pollInterval` until cancelled or drained.
///
/// ```swift
/// let s = Scheduler(jobs: catalog.jobs, db: db, executor: PipelineRunExecutor(db: db, baseOptions: opts),
///                   tenants: DefaultTenantDirectory(db: db), configuration: config, logger: logger)
/// try await s.prepare()
/// await s.run()
/// ```
public actor Scheduler {
    public nonisolated let jobs: [JobDefinition]
    public nonisolated let db: MongoDatabase
    public nonisolated let configuration: SchedulerConfiguration
    nonisolated let store: RunStore
    nonisolated let executor: any RunExecutor
    nonisolated let tenantDirectory: any TenantDirectory
    nonisolated let clock: any SchedulerClock
    nonisolated let logger: Logger
    nonisolated let random: @Sendable () -> Double

    /// Runs this replica is carrying out, by id.
    var inFlight: [String: InFlightRun] = [:]
    /// Set by `drain`: no more claims or firings.
    public private(set) var draining = false
    var lastRetention: Date?
    /// Slot fields whose unique index this replica has made sure of.
    var slotIndexesReady: Set<String> = []
    /// When `jobs` needs reading again (the earliest due time seen, or a few polls from the last read).
    var nextStateCheck: Date?
    /// When lapsed leases are looked for again (every sixth of the lease).
    var nextExpiryCheck: Date?
    nonisolated let endings: EndingBatcher
    var idleWaiters: [CheckedContinuation<Void, Never>] = []

    final class InFlightRun: @unchecked Sendable {
        // `@unchecked`: `stop` is guarded by `lock`; `task` is set once, on the actor, before anyone reads it.
        let run: RunDocument
        var task: Task<Void, Never>?
        private let lock = NSLock()
        private var stopValue: StopReason?
        private var progressValue: String?

        init(run: RunDocument) { self.run = run }

        /// The first stop reason wins.
        func stop(_ reason: StopReason) { lock.withLock { if stopValue == nil { stopValue = reason } } }
        var stopReason: StopReason? { lock.withLock { stopValue } }
        func setProgress(_ p: String) { lock.withLock { progressValue = p } }
        func takeProgress() -> String? { lock.withLock { defer { progressValue = nil }; return progressValue } }
    }

    enum StopReason: Equatable {
        case leaseLost, cancelRequested, timedOut(Duration), interrupted
    }

    public init(jobs: [JobDefinition], db: MongoDatabase, executor: any RunExecutor, tenants: any TenantDirectory,
                configuration: SchedulerConfiguration = SchedulerConfiguration(), clock: any SchedulerClock = SystemSchedulerClock(),
                logger: Logger = Logger(label: "lodestar.scheduler"),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.jobs = jobs
        self.db = db
        self.store = RunStore(db: db)
        self.endings = EndingBatcher(store: RunStore(db: db), owner: configuration.owner)
        self.executor = executor
        self.tenantDirectory = tenants
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.random = random
    }

    /// Creates the indexes of `job_runs` and `jobs`.
    public func prepare() async throws { try await store.ensureIndexes() }

    /// Ids of the runs this replica is carrying out.
    public var running: [String] { inFlight.keys.sorted() }

    /// Repeats `tick()` every `pollInterval` until the task is cancelled or `drain` begins; a pass that claimed runs
    /// is followed at once by another while slots are free (a full queue drains without waiting for the poll).
    public func run() async {
        while !Task.isCancelled && !draining {
            let claimed = await tick()
            if claimed > 0 && inFlight.count < configuration.maxConcurrentRuns { continue }
            do { try await clock.sleep(for: configuration.pollInterval) } catch { break }
        }
    }

    /// One pass: make runs for due firings, take over lapsed runs, claim queued runs up to the free slots, and
    /// (now and then) apply retention. Errors are logged; the next pass tries again.
    /// Returns how many runs it claimed.
    @discardableResult
    public func tick() async -> Int {
        guard !draining else { return 0 }
        do { try await scheduleDue() } catch { logger.error("scheduling failed", metadata: ["error": "\(error)"]) }
        var claimed = 0
        do { claimed = try await claimWork() } catch { logger.error("claiming failed", metadata: ["error": "\(error)"]) }
        do { try await retainIfDue() } catch { logger.warning("retention failed", metadata: ["error": "\(error)"]) }
        return claimed
    }

    /// Stops claiming; lets running work finish for up to `grace`, then stops what is left and queues it again
    /// (its lease released, so another replica takes it at once). Returns when no run is left.
    public func drain(grace: Duration) async {
        draining = true
        let deadline = ContinuousClock.now + grace
        while !inFlight.isEmpty && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for r in inFlight.values {
            r.stop(.interrupted)
            r.task?.cancel()
        }
        await waitForIdle()
    }

    /// Returns when this replica carries out no run (tests).
    public func waitForIdle() async {
        if inFlight.isEmpty { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    func finished(_ id: String) {
        inFlight[id] = nil
        if inFlight.isEmpty {
            let w = idleWaiters
            idleWaiters = []
            for c in w { c.resume() }
        }
    }
}
