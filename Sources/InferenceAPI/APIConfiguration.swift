public import Foundation
public import LearningStore

/// Settings of the HTTP API (the executable builds this from the environment and flags; see the README's configuration table).
public struct APIConfiguration: Sendable {
    /// Bearer-token rules.
    public var auth: AuthConfiguration
    /// The shared artifact store versions are loaded from (GridFS, `gs://` or a folder) with this replica's cache;
    /// `nil`: the folder ``modelsDirectory`` (one machine).
    public var artifacts: ArtifactStore?
    /// The local models folder: the artifact store when ``artifacts`` is nil; otherwise where versions published
    /// before the shared store keep their files. Locations are built from validated ids, never from a stored path.
    public var modelsDirectory: URL
    /// `limit` when none is given, and the largest accepted.
    public var defaultLimit: Int = 10
    public var maximumLimit: Int = 100
    /// The at-risk page size when none is given, and the largest accepted.
    public var defaultPageSize: Int = 50
    public var maximumPageSize: Int = 500
    /// How long a learner's `learner_features` rows are reused without reading MongoDB again. A change stream on
    /// `learner_features` drops an entry as soon as its rows change, so this bounds staleness only where change
    /// streams are unavailable.
    public var learnerCacheTTL: TimeInterval = 30
    /// Learners kept in the row cache (per process) before entries are evicted.
    public var learnerCacheCapacity: Int = 200_000
    /// How often the active versions of cached tenants are checked (the fallback when change streams are off or
    /// interrupted).
    public var pollInterval: TimeInterval = 10
    /// How long a tenant's recommendation rules are reused without reading MongoDB again. A change stream on
    /// `recommendation_rules` drops an entry as soon as the rules change, so this bounds staleness only where change
    /// streams are unavailable.
    public var rulesCacheTTL: TimeInterval = 10
    /// Follow `model_versions`, `learner_features` and `recommendation_rules` with change streams (off for a
    /// standalone server).
    public var useChangeStreams: Bool = true
    /// Threads for model compute (fold-in, top-K, explanations, artifact decoding).
    public var computeThreads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init(auth: AuthConfiguration, modelsDirectory: URL) {
        self.auth = auth
        self.modelsDirectory = modelsDirectory
    }
}
