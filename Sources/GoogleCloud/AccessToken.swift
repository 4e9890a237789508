public import Foundation

/// An OAuth 2 bearer token and when it stops working.
public struct AccessToken: Sendable, Hashable {
    /// The bearer value (a secret: never logged or put in an error).
    public let value: String
    /// When the token expires (`distantFuture` when unknown).
    public let expiresAt: Date

    /// A token.
    public init(value: String, expiresAt: Date = .distantFuture) {
        self.value = value
        self.expiresAt = expiresAt
    }
}
