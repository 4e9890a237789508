public import EventSources
public import Foundation
import Models
public import LearningStore
public import MongoStore

/// Tenants a run covers.
public enum TenantSelection: Sendable, Equatable {
    case all
    case only([String])

    func includes(_ tenant: String) -> Bool {
        switch self {
        case .all: true
        case .only(let list): list.contains(tenant)
        }
    }
}

/// Everything a batch run needs to know: the run-wide I/O and policy here, each phase's own options in
/// ``recommender``, ``risk`` and ``noop``. These are the only defaults (the CLI and job files override them).
public struct RefreshOptions: Sendable {
    public var job: JobKind = .refresh
    /// Files, folders, globs or `gs://bucket/prefix*` of the `learning_events` export.
    public var source: [String]
    /// The `courses` export (optional): lesson counts, organisation visibility, published flag. When given, it
    /// fails closed: a tenant with no valid catalog row gets no recommendations.
    public var catalog: [String] = []
    /// How `gs://` sources are reached (the GCS client the executable configured; none: local files only).
    public var storage = RemoteStorage()
    public var tenants: TenantSelection = .all
    /// Score cutoff in microseconds since the epoch for every tenant; `nil` means each tenant's newest event
    /// (so one tenant's data never moves another's cutoff).
    public var cutoff: Int64?
    /// The recommender phase's options (iALS, `top_k`, evaluation, search).
    public var recommender = RecommenderOptions()
    /// The risk phase's options (horizon, inactivity rule, fit, pooled prior).
    public var risk = RiskOptions()
    /// The `noop` phase's options.
    public var noop = NoopOptions()
    /// Tenants that consent to the pooled platform model; nil: read from the `tenants` collection at the start.
    public var pooledModelConsent: Set<String>?
    /// Retired versions kept per tenant and kind (older ones and their documents are removed).
    public var keepRetired = 2
    /// The local models folder: the artifact store when ``artifacts`` is nil.
    public var modelsDirectory: URL
    /// The shared artifact store versions are published to (GridFS, `gs://` or a folder); `nil`: ``modelsDirectory``.
    public var artifacts: ArtifactStore?
    /// Where the HTML report goes (`nil`: no report).
    public var reportDirectory: URL?
    public var writeBatchSize = 1000
    public var seed: UInt64 = 42
    /// Compute, evaluate and report, but write nothing: no MongoDB at all (consent only from ``pooledModelConsent``),
    /// no model artifacts.
    public var dryRun = false
    /// Publish even when some files failed (by default a failed file means nothing is published).
    public var allowPartial = false
    /// How long a run waits for another run of the same tenant and kind to finish publishing.
    public var leaseWait: Duration = .seconds(600)
    /// How long a lease lasts without a heartbeat (`LODESTAR_LEASE_SECONDS`); heartbeats every third of it.
    public var leaseDuration: Duration = .seconds(60)
    /// Rows dated later than this after the run's start are quarantined (clock skew allowance).
    public var futureTolerance: Duration = .seconds(86_400)
    /// How long quarantined rows are kept.
    public var quarantineRetentionDays = 30
    /// Threads for training and scoring.
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    /// Runs inside every activation transaction of this run's publications, after the registry lease is
    /// confirmed: the scheduler passes a check that the run's own job-run lease is still held (and writes to it,
    /// so a takeover conflicts with the transaction). Throwing aborts the activation.
    public var activationGuard: (@Sendable (MongoDatabase) async throws -> Void)?

    /// The phases' options as a phase sees them (`TenantRunContext.options`).
    package var phaseOptions: PhaseOptions { PhaseOptions(recommender: recommender, risk: risk, noop: noop) }

    /// The run-wide part a phase sees (`TenantRunContext.settings`).
    package var settings: RunSettings {
        RunSettings(dryRun: dryRun, writeBatchSize: writeBatchSize, keepRetired: keepRetired, leaseWait: leaseWait,
                    seed: seed, threads: threads)
    }

    public init(source: [String], modelsDirectory: URL) {
        self.source = source
        self.modelsDirectory = modelsDirectory
    }

    // Ranges shared by the CLI flags and job parameters.
    public static let factorsRange = 1...1024
    public static let iterationsRange = 1...1000
    public static let regularizationRange: ClosedRange<Float> = 0...1e6
    public static let alphaRange: ClosedRange<Float> = 1e-6...1e6
    public static let horizonRange = 1...Cutoffs.maxHorizonDays
    public static let inactivityRange = 1...365
    public static let topKRange = 1...1000
    public static let threadsRange = 1...256
    public static let retentionRange = 1...3650
    /// Cutoffs between 1970-01-01 and 2200-01-01 (microseconds), the range of accepted event times.
    public static let cutoffRange: ClosedRange<Int64> = 0...7_258_118_400_000_000
}
