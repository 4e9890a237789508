/// Points where tests simulate a crash: internal to `Pipeline`, set on `RefreshJob.hooks` by tests with
/// `@testable import` (never part of the production options).
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
