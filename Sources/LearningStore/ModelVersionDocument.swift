public import Foundation

/// `model_versions`: one version of a tenant's model of one kind, key (tenant_id, kind, version).
public struct ModelVersionDocument: Codable, Sendable, Equatable {
    public var kind: ModelKind
    public var version: String
    public var status: VersionStatus
    public var metrics: [String: Double]
    public var trained_at: Date
    public var activated_at: Date?
    /// Where the version's files are, for people (`mongodb/<tenant>/<kind>/<version>`, `gs://…`, a folder). Never
    /// followed: loaders build the location from the validated tenant, kind and version names.
    public var artifact: String
    public var data_window_start: Date?
    public var data_window_end: Date?
    /// The version's settings for people (`lodestar models list`, the API's models route, the model card). Readers
    /// use ``recommenderSettings`` / ``riskSettings``, never this map.
    public var hyperparameters: [String: String]
    /// The typed settings of a recommender version (nil in versions written before the field existed).
    public var recommender_settings: RecommenderSettings?
    /// The typed settings of a risk version (nil in versions written before the field existed).
    public var risk_settings: RiskSettings?
    /// True once every result document of the version is written (set before activation). Only a complete
    /// version can become active. `nil` in documents written before this field existed: those were activated,
    /// so a version that is not `staging` counts as complete.
    public var complete: Bool?
    /// Result documents written under the version.
    public var documents: Int?
    /// The lease owner (`host:pid:uuid`) of the run that staged it.
    public var owner: String?
    /// The risk model's feature schema (risk versions only).
    public var feature_schema: FeatureSchema?
    /// Notes for people (`popularity fallback: 12 learners`, …).
    public var notes: [String]?
    /// Size and SHA-256 of every artifact file, set once they are durable in the artifact store and before the
    /// version can be activated. `nil` for versions published before the shared store.
    public var artifact_files: [ArtifactFileRecord]?
    /// The artifact store the files were written to (`mongodb`, `gs://bucket/prefix` or a folder).
    public var artifact_store: String?

    public init(kind: ModelKind, version: String, status: VersionStatus = .staging, metrics: [String: Double], trained_at: Date,
                activated_at: Date? = nil, artifact: String, data_window_start: Date?, data_window_end: Date?,
                hyperparameters: [String: String], recommenderSettings: RecommenderSettings? = nil, riskSettings: RiskSettings? = nil,
                feature_schema: FeatureSchema? = nil, notes: [String]? = nil) {
        self.kind = kind
        self.version = version
        self.status = status
        self.metrics = metrics
        self.trained_at = trained_at
        self.activated_at = activated_at
        self.artifact = artifact
        self.data_window_start = data_window_start
        self.data_window_end = data_window_end
        self.hyperparameters = hyperparameters
        self.recommender_settings = recommenderSettings
        self.risk_settings = riskSettings
        self.feature_schema = feature_schema
        self.notes = notes
    }

    /// The recommender settings: the typed field, or for an older version derived from its string map.
    public var recommenderSettings: RecommenderSettings { recommender_settings ?? RecommenderSettings(legacy: hyperparameters) }

    /// The risk settings: the typed field, or for an older version derived from its string map.
    public var riskSettings: RiskSettings { risk_settings ?? RiskSettings(legacy: hyperparameters) }

    /// Whether the version may become active.
    public var isComplete: Bool { complete ?? (status != .staging) }
}
