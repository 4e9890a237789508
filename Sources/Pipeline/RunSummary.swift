/// What one run did, per tenant: the summary table, the report and the job history read it.
public struct TenantSummary: Sendable, Codable {
    public var tenant: String
    public var events = 0
    public var learners = 0
    public var courses = 0
    public var enrolments = 0
    /// Non-zero (learner, course) entries of the interaction matrix.
    public var interactions = 0
    /// Embedding size of the recommender (0 for popularity).
    public var factors = 0
    /// `ials` or `popularity`.
    public var recommenderKind: String?
    public var recommenderVersion: String?
    public var riskVersion: String?
    public var ndcg10: Double?
    public var precision10: Double?
    public var popularityNDCG10: Double?
    public var popularityPrecision10: Double?
    /// The risk backtest's AUC (nil: not enough data, or a heuristic), the activity baseline's on the same
    /// enrolments, and the ECE of the backtest's within-horizon probability.
    public var riskAUC: Double?
    public var riskBaselineAUC: Double?
    public var riskECE: Double?
    /// `own`, `pooled-prior` or `heuristic`.
    public var riskMethod: String?
    /// The recommender's chosen hyperparameters, when searched ("factors 32, λ 5, α 1, 15 iterations").
    public var recommenderSearch: String?
    public var riskTrainingRows = 0
    public var riskPositiveRate: Double?
    public var scoredEnrolments = 0
    public var notes: [String] = []
    /// Phases that failed for this tenant (`phase: error`); the other phases and tenants went on.
    public var failures: [String] = []
    /// The tenant's score cutoff (microseconds since the epoch).
    public var cutoff: Int64?
    /// Seconds per phase, in the order run.
    public var phaseSeconds: [PhaseTime] = []

    public struct PhaseTime: Sendable, Codable {
        public var phase: String
        public var seconds: Double
    }

    public init(tenant: String) { self.tenant = tenant }
}

/// The whole run.
public struct RunSummary: Sendable, Codable {
    public var runID: String
    public var job: String
    /// The cutoff given for every tenant, if any (else each tenant's own, in `tenants`).
    public var cutoff: Int64?
    public var rowsRead = 0
    public var rowsValid = 0
    public var quarantined = 0
    public var failedFiles: [String] = []
    public var tenants: [TenantSummary] = []
    public var readSeconds = 0.0
    public var reportPath: String?
    /// Why nothing was published, when the run refused to publish (failed files without `--allow-partial`).
    public var notPublished: String?
    /// Refused catalog rows.
    public var catalogQuarantined = 0

    /// True when every file was read and every tenant's phases succeeded.
    public var succeeded: Bool { failedFiles.isEmpty && notPublished == nil && tenants.allSatisfy(\.failures.isEmpty) }

    public init(runID: String, job: String, cutoff: Int64?) {
        self.runID = runID
        self.job = job
        self.cutoff = cutoff
    }
}
