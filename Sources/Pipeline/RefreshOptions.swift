public import EventSources
public import Foundation
public import Models
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

/// Everything a batch run needs to know. These are the only defaults (the CLI and job files override them).
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
    /// The risk backtest trains as of `cutoff − 2·horizonDays`, scores as of `cutoff − horizonDays` and reads
    /// outcomes at the cutoff.
    public var horizonDays = 28
    /// An open enrolment with no activity for this many days is a dropout.
    public var inactivityDays = 21
    /// iALS hyperparameters: 16 factors, 15 iterations, λ 10, α 1 by default. Confidences are summed event
    /// weights (a completed course adds up to ~50), so λ is large next to implicit's 0.01 on raw counts; tuned on
    /// generated data by held-out nDCG@10.
    public var als: ALSConfiguration = {
        var c = ALSConfiguration()
        c.factors = 16
        c.iterations = 15
        c.regularization = 10
        c.alpha = 1
        return c
    }()
    public var logistic = LogisticRegressionConfiguration()
    public var topK = 10
    /// Tenants with fewer learners than this get popularity recommendations instead of an iALS model.
    public var minLearnersForModel = 30
    /// A tenant whose risk training data hold fewer dropped enrolments than this is small: it gets its own fit
    /// shrunk towards the pooled platform model when it consents, else the heuristic score.
    public var minDropoutsForOwnModel = 150
    /// How hard a small tenant's fit is pulled towards the pooled prior (L2 on standardised weights).
    public var priorStrength = 50.0
    /// Tenants that consent to the pooled platform model; nil: read from the `tenants` collection at the start.
    public var pooledModelConsent: Set<String>?
    /// Run the risk backtest (a second training as of `cutoff − 2·horizon`).
    public var backtest = true
    /// Hold out one course per learner (with ≥ 3 courses) to measure nDCG@10 / precision@10 before the final fit.
    public var evaluate = true
    /// Search the recommender's hyperparameters per tenant (bounded: `searchSettings`) before the final fit.
    public var search = true
    public var searchSettings = RecommenderSearch()
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

    /// How long a `noop` run waits (`sleep_seconds`).
    public var noopSeconds = 0.0
    /// Runs inside every activation transaction of this run's publications, after the registry lease is
    /// confirmed: the scheduler passes a check that the run's own job-run lease is still held (and writes to it,
    /// so a takeover conflicts with the transaction). Throwing aborts the activation.
    public var activationGuard: (@Sendable (MongoDatabase) async throws -> Void)?

    /// Test hooks (internal: tests reach them with `@testable import`).
    var hooks = RunHooks()

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

/// Points where tests simulate a crash.
struct RunHooks: Sendable {
    /// Runs inside publishing, after every document is written and the version marked complete, just before the
    /// activation transaction; throwing there is a crash between writing and activating.
    var beforeActivation: (@Sendable (_ tenant: String, _ kind: String) async throws -> Void)?

    /// The registry's `beforeActivation` closure for one tenant and kind.
    func hook(tenant: String, kind: String) -> (@Sendable () async throws -> Void)? {
        guard let beforeActivation else { return nil }
        return { try await beforeActivation(tenant, kind) }
    }
}

/// The error the `beforeActivation` test hook throws.
struct PublishInterrupted: Error, CustomStringConvertible {
    let kind: String
    var description: String { "publishing \(kind) stopped before activation (test hook)" }
}
