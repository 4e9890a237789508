public import Foundation

/// A lease held in the `leases` platform collection: one holder at a time for a name such as
/// `publish:acme:risk` or `job:nightly-refresh:acme`.
///
/// `token` is a fencing token: it grows by one with every acquisition of the name, so a holder whose lease
/// expired and was taken over can be told apart from the new holder even if both think they hold it.
public struct Lease: Sendable, Equatable {
    /// The lease's name (`_id` in `leases`).
    public let name: String
    /// `host:pid:uuid` of the holder (unique per acquisition).
    public let owner: String
    /// Fencing token of this acquisition.
    public let token: Int64
    /// When the lease lapses unless renewed (the holder's clock).
    public internal(set) var expiresAt: Date
}

/// The lease document in `leases`.
struct LeaseDocument: Codable, Sendable {
    var _id: String
    var owner: String
    var token: Int64
    var acquired_at: Date
    var expires_at: Date
    var renewed_at: Date?
}

/// Why a lease could not be used.
public enum LeaseError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Another holder has it (and had it for the whole wait).
    case held(name: String, by: String, until: Date?)
    /// The lease was taken over or expired before the holder was done: its work must not commit.
    case lost(name: String)

    public var description: String {
        switch self {
        case .held(let name, let by, let until):
            "lease \(name) is held by \(by)\(until.map { " until \($0)" } ?? "") (another run is at work)"
        case .lost(let name):
            "lease \(name) was lost (expired or taken over by another holder); the work was stopped before committing"
        }
    }
}
