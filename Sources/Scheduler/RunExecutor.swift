import Foundation
public import Logging
public import MongoStore

/// What carries out a claimed run. The scheduler owns leases, heartbeats, timeouts, cancellation and history; an
/// executor only does the work and returns its metrics, or throws (a failed attempt). It must stop promptly when
/// its task is cancelled (lease lost, timeout, cancel request, shutdown).
public protocol RunExecutor: Sendable {
    func execute(_ run: RunDocument, context: RunContext) async throws -> RunMetrics
}

/// What an executor gets besides the run: a place to report progress, and the check its publication must run in
/// the activation transaction (the run's lease still held).
public struct RunContext: Sendable {
    public let logger: Logger
    /// Shown in `lodestar jobs runs` (written with the next heartbeat).
    public let progress: @Sendable (String) -> Void
    /// Confirms, inside a transaction, that this run's lease is still held (throws `LeaseError.lost` otherwise).
    public let activationGuard: @Sendable (MongoDatabase) async throws -> Void
}

/// Thrown by an executor whose run's own lease was found lost (the activation guard refused the commit): the
/// scheduler ends the attempt as a lost lease, drops its result and leaves the run to the replica that took it
/// over, exactly as when a heartbeat finds the lease gone. Never recorded as a failure.
public struct RunLeaseLost: Error, Sendable, CustomStringConvertible {
    public let runID: String
    public init(runID: String) { self.runID = runID }
    public var description: String { "the lease of job run \(runID) was lost before its work committed" }
}

/// A failed attempt's message (what `jobs runs` shows as the error).
public struct RunFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
