package import Foundation
package import LearningStore
package import Logging
package import MongoStore
package import LearningEvents

/// What a phase needs to work on one tenant: its scope in MongoDB, the run's aggregates of its events, the
/// catalog, the phases' options and the run-wide settings, the run's clock, progress and a place to record what it
/// did. A phase gets no handle on the job itself, nor on the run's sources, storage or tenant selection.
package struct TenantRunContext: Sendable {
    public let runID: String
    public let tenant: TenantID
    /// The tenant's collections (every query scoped by `tenant`).
    public let scope: TenantScope
    /// The registry (publishing under the tenant's lease).
    public let registry: ModelRegistry
    /// Per-enrolment aggregates of the tenant's events as of its cutoffs.
    public let aggregate: TenantAggregator
    public let catalog: Catalog
    /// The phases' own options (each phase reads its part).
    public let options: PhaseOptions
    /// Run-wide settings: dry run, batch size, retention, lease wait, seed, threads.
    public let settings: RunSettings
    /// When the run started (the run's clock: result documents' `computed_at`, version names).
    public let startedAt: Date
    public let progress: ProgressReporter
    public let logger: Logger
    /// Where the phase records figures for the summary and the report.
    public let record: TenantRunRecord
    /// Where phases record model-fit timings.
    public var metrics = PipelineMetrics()
    /// Whether the tenant consents to the pooled platform model (its weights go in, a small tenant borrows it).
    public var pooledModelConsent = false
    /// The run's pooled platform risk model (weights of consenting tenants only).
    public var platformPrior: PlatformPrior?
    /// Test hooks (`RefreshJob.hooks`).
    var hooks = RunHooks()

    public init(runID: String, tenant: TenantID, scope: TenantScope, registry: ModelRegistry, aggregate: TenantAggregator,
                catalog: Catalog, options: PhaseOptions, settings: RunSettings, startedAt: Date, progress: ProgressReporter, logger: Logger,
                record: TenantRunRecord, metrics: PipelineMetrics = PipelineMetrics(), pooledModelConsent: Bool = false,
                platformPrior: PlatformPrior? = nil) {
        self.runID = runID
        self.tenant = tenant
        self.scope = scope
        self.registry = registry
        self.aggregate = aggregate
        self.catalog = catalog
        self.options = options
        self.settings = settings
        self.startedAt = startedAt
        self.progress = progress
        self.logger = logger
        self.record = record
        self.metrics = metrics
        self.pooledModelConsent = pooledModelConsent
        self.platformPrior = platformPrior
    }

    /// The tenant id as the aggregates name it.
    public var tenantName: String { tenant.rawValue }

    /// Lesson count of a course (by aggregate index) from the catalog; `nil` when the catalog lacks it.
    public func lessonCount(_ course: Int) -> Int? { catalog.lessonCount(tenant: tenantName, course: aggregate.courses[course]) }

    /// Title of a course (by aggregate index), the id when the catalog lacks it.
    public func title(_ course: Int) -> String { catalog.title(tenant: tenantName, id: aggregate.courses[course]) }

    /// Upserts `documents` into `spec` by its key (nothing in a dry run); returns how many were written.
    @discardableResult
    public func write<D>(_ documents: [D], to spec: CollectionSpec<D>) async throws -> Int {
        guard !settings.dryRun, !documents.isEmpty else { return 0 }
        try await spec.upsert(documents, in: scope, batchSize: settings.writeBatchSize)
        return documents.count
    }

    /// Publishes `version` through the registry (under the tenant's lease: staging, documents by `write`,
    /// conditional activation, pruning); in a dry run only runs `write`, which writes nothing.
    public func publish(_ version: ModelVersionDocument, artifacts: @autoclosure () throws -> VersionArtifacts,
                        write: @escaping @Sendable () async throws -> Int) async throws -> PhaseOutcome {
        if settings.dryRun {
            _ = try await write()
            return .dryRun
        }
        let published = try await registry.publish(
            tenant: tenant, version: version, artifacts: try artifacts(), keepRetired: settings.keepRetired, leaseWait: settings.leaseWait,
            beforeActivation: hooks.hook(tenant: tenantName, kind: version.kind.rawValue), write: write)
        return .published(kind: version.kind.rawValue, version: version.version, documents: published.documents)
    }
}
