/// One step of a batch job for one tenant (features, recommender, risk, …). A job kind is an ordered list of
/// phases (`JobKind`); the pipeline runs them per tenant with a `TenantRunContext` that carries everything a
/// phase needs (tenant scope, aggregates, catalog, options, clock, cancellation, progress).
///
/// A phase that throws fails that tenant's phase only: the run reports it and goes on with the tenant's other
/// phases and with the other tenants. A phase that publishes does it through `ModelRegistry.publish`, under the
/// tenant's lease, so it is safe against concurrent runs and kills.
///
/// ```swift
/// struct CourseStatsPhase: TenantPhase {
///     let name = "course-stats"
///     func run(_ context: TenantRunContext) async throws -> PhaseOutcome {
///         … compute from context.aggregate, write through context.scope …
///         return .wrote(documents: n)
///     }
/// }
/// ```
package protocol TenantPhase: Sendable {
    /// Short name for progress lines, the summary and logs.
    var name: String { get }
    /// Job parameters (`jobs/*.yaml` `params`, `lodestar jobs trigger --param`) this phase reads from the options.
    var parameters: Set<JobParameter> { get }
    /// Whether the phase works on the export's aggregates (true but for `NoopPhase`); a job kind none of whose
    /// phases does reads no export.
    var readsExport: Bool { get }
    func run(_ context: TenantRunContext) async throws -> PhaseOutcome
}

extension TenantPhase {
    public var parameters: Set<JobParameter> { [] }
    public var readsExport: Bool { true }
}
