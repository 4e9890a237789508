/// The run-wide settings a phase may read beside its own options: a phase never sees the run's sources, storage,
/// tenant selection or report folder (those are `RefreshOptions`' and `RefreshJob`'s).
package struct RunSettings: Sendable {
    /// Compute, evaluate and report, but write nothing.
    public var dryRun: Bool
    /// Documents per bulk upsert.
    public var writeBatchSize: Int
    /// Retired versions kept per tenant and kind.
    public var keepRetired: Int
    /// How long publishing waits for another run of the same tenant and kind.
    public var leaseWait: Duration
    /// Seed of every random choice (hold-outs, initial factors, the backtest's split).
    public var seed: UInt64
    /// Threads for training and scoring.
    public var threads: Int

    public init(dryRun: Bool = false, writeBatchSize: Int = 1000, keepRetired: Int = 2, leaseWait: Duration = .seconds(600),
                seed: UInt64 = 42, threads: Int = 1) {
        self.dryRun = dryRun
        self.writeBatchSize = writeBatchSize
        self.keepRetired = keepRetired
        self.leaseWait = leaseWait
        self.seed = seed
        self.threads = threads
    }
}
