/// What the `noop` health-check phase reads (job parameter `sleep_seconds`).
public struct NoopOptions: Sendable {
    /// How long a `noop` run waits.
    public var seconds = 0.0

    public init() {}
}
