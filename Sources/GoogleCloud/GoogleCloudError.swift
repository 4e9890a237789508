/// A Google Cloud call that failed, naming the call (`pubsub.subscriptions.pull projects/p/subscriptions/s`), what
/// went wrong and, for HTTP errors, the status and the server's message.
///
/// ```swift
/// do { _ = try await pubsub.getTopic("events") }
/// catch let e as GoogleCloudError where e.status == 404 { /* create it */ }
/// ```
public struct GoogleCloudError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The server answered with an HTTP error status (after the retries the policy allows).
        case http(status: Int)
        /// The request never got an answer: connection refused or reset, timeout, DNS (after retries).
        case transport
        /// The answer was larger than the call allows (``HTTPRequest/maxResponseBytes``).
        case responseTooLarge(limit: Int)
        /// The answer could not be understood (not JSON, missing fields, bad base64, inconsistent sizes).
        case invalidResponse
        /// A ranged read got other bytes than it asked for (a short `206`, a wrong `Content-Range`).
        case shortRead
        /// The object's size changed while it was read (or disagrees with its listed size).
        case sizeMismatch
        /// Credentials could not be loaded or a token could not be obtained.
        case credentials
        /// A bad argument or setting (an invalid resource name, too many messages in one publish).
        case invalidArgument
    }

    /// The call: operation and resource, e.g. `storage.objects.get gs://bucket/object`.
    public let call: String
    /// What kind of failure.
    public let kind: Kind
    /// Details: the server's error message or the transport's, never a token or key.
    public let message: String
    /// How many attempts were made (1 = no retry).
    public let attempts: Int

    /// An error of `call`.
    public init(call: String, kind: Kind, message: String, attempts: Int = 1) {
        self.call = call
        self.kind = kind
        self.message = message
        self.attempts = attempts
    }

    /// The HTTP status, when the server answered with an error status.
    public var status: Int? {
        if case .http(let s) = kind { return s }
        return nil
    }

    public var description: String {
        let what: String
        switch kind {
        case .http(let status): what = "HTTP \(status)"
        case .transport: what = "transport error"
        case .responseTooLarge(let limit): what = "response larger than \(limit) bytes"
        case .invalidResponse: what = "invalid response"
        case .shortRead: what = "short read"
        case .sizeMismatch: what = "size mismatch"
        case .credentials: what = "credentials"
        case .invalidArgument: what = "invalid argument"
        }
        let tries = attempts > 1 ? " (after \(attempts) attempts)" : ""
        return message.isEmpty ? "\(call): \(what)\(tries)" : "\(call): \(what)\(tries): \(message)"
    }
}
