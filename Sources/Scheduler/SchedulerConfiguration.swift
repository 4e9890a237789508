import Foundation

/// How one scheduler replica behaves. The executable fills it from the environment (`LODESTAR_LEASE_SECONDS`, …).
public struct SchedulerConfiguration: Sendable {
    /// `host:pid:uuid` of this replica (unique per process start).
    public var owner: String
    /// A run's lease: renewed every third of it; another replica takes a run over when it lapses.
    public var leaseDuration: Duration
    /// How often the replica looks for due jobs and queued runs.
    public var pollInterval: Duration
    /// Runs this replica carries out at once.
    public var maxConcurrentRuns: Int
    /// Live runs over all replicas at once (`nil`: only the per-replica limit).
    public var clusterMaxRuns: Int?
    /// A firing later than this is missed (and handled by the job's `missed_runs`).
    public var misfireGrace: Duration
    /// On SIGTERM: how long running work may go on before it is stopped and queued again.
    public var shutdownGrace: Duration
    /// A run whose owners lose its lease this many times (they keep dying) fails instead of being taken over again.
    public var maxLeaseLosses: Int
    /// How often finished runs beyond the jobs' `history` are deleted.
    public var retentionInterval: Duration
    /// Queued runs read per claiming pass.
    public var claimBatch: Int
    /// A firing's runs are made this long before it is due (queued with `not_before` = the firing), so at the due
    /// instant they only need claiming.
    public var lookahead: Duration

    public init(owner: String = SchedulerConfiguration.processOwner(), leaseDuration: Duration = .seconds(60),
                pollInterval: Duration = .seconds(1), maxConcurrentRuns: Int = 4, clusterMaxRuns: Int? = nil,
                misfireGrace: Duration = .seconds(60), shutdownGrace: Duration = .seconds(30), maxLeaseLosses: Int = 3,
                retentionInterval: Duration = .seconds(3600), claimBatch: Int = 64, lookahead: Duration = .seconds(30)) {
        self.owner = owner
        self.leaseDuration = leaseDuration
        self.pollInterval = pollInterval
        self.maxConcurrentRuns = maxConcurrentRuns
        self.clusterMaxRuns = clusterMaxRuns
        self.misfireGrace = misfireGrace
        self.shutdownGrace = shutdownGrace
        self.maxLeaseLosses = maxLeaseLosses
        self.retentionInterval = retentionInterval
        self.claimBatch = claimBatch
        self.lookahead = lookahead
    }

    /// `host:pid:uuid` of this process.
    public static func processOwner() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.lowercased().prefix(8))"
    }
}
