public import EventSources
public import Foundation
public import Models

/// Which job a run performs. `refresh` is all of them, in the order ingest, recommend, score-risk.
public enum JobKind: String, Sendable, CaseIterable, Codable {
    /// Features into `learner_features`, bad rows into `quarantine`.
    case ingest
    /// iALS embeddings into `learner_embeddings` / `course_embeddings` (a new recommender version).
    case trainEmbeddings = "train-embeddings"
    /// Dropout-risk model trained and every open enrolment scored into `dropout_risk` (a new risk version).
    case scoreRisk = "score-risk"
    /// Embeddings plus top-K recommendations into `learner_recommendations` (a new recommender version).
    case recommend
    /// ingest + recommend + score-risk.
    case refresh

    var phases: Set<JobKind> {
        switch self {
        case .refresh: [.ingest, .recommend, .scoreRisk]
        default: [self]
        }
    }
}

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

/// Everything a batch run needs to know. Defaults are the nightly job's.
public struct RefreshOptions: Sendable {
    public var job: JobKind = .refresh
    /// Files, folders, globs or `gs://bucket/prefix*` of the `learning_events` export.
    public var source: [String]
    /// The `courses` export (optional): lesson counts, organisation visibility, published flag.
    public var catalog: [String] = []
    /// How `gs://` sources are reached (the GCS client the executable configured; none: local files only).
    public var storage = RemoteStorage()
    public var tenants: TenantSelection = .all
    /// Score cutoff in microseconds since the epoch; `nil` means the newest event in the export.
    public var cutoff: Int64?
    /// Training rows use features as of `cutoff − horizonDays`, labelled at the cutoff.
    public var horizonDays = 14
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
    /// Tenants with fewer labelled training enrolments (or one class only) get no risk model this run.
    public var minTrainingRowsForRisk = 50
    /// Hold out one course per learner (with ≥ 3 courses) to measure nDCG@10 / precision@10 before the final fit.
    public var evaluate = true
    /// Retired versions kept per tenant and kind (older ones and their documents are removed).
    public var keepRetired = 2
    public var modelsDirectory: URL
    /// Where the HTML report goes (`nil`: no report).
    public var reportDirectory: URL?
    public var writeBatchSize = 1000
    public var seed: UInt64 = 42
    /// Compute, evaluate and report, but write nothing to MongoDB (model artifacts and the report are still
    /// written): for trying hyperparameters, and for the benchmark's compute-only figures.
    public var dryRun = false
    /// Test hook: stop with an error after the result documents are written and before activation.
    public var failBeforeActivation = false

    public init(source: [String], modelsDirectory: URL) {
        self.source = source
        self.modelsDirectory = modelsDirectory
    }
}
