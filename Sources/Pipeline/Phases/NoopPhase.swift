/// The `noop` job kind's phase: reads no export and writes nothing; it waits `sleep_seconds` (default 0),
/// cancellably, and succeeds. A health check of the scheduler (claims, leases, history) and the load of its
/// benchmark; a `TenantPhase` like any other, so it is also the smallest example of one.
package struct NoopPhase: TenantPhase {
    public let name = "noop"
    public var parameters: Set<JobParameter> { [.sleepSeconds] }
    public var readsExport: Bool { false }

    public init() {}

    public func run(_ context: TenantRunContext) async throws -> PhaseOutcome {
        if context.options.noop.seconds > 0 {
            try await Task.sleep(for: .milliseconds(Int64(context.options.noop.seconds * 1000)))
        }
        return .skipped(reason: "noop")
    }
}
