/// A request that got no (acceptable) answer.
public enum HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body would exceed the request's ``HTTPRequest/maxResponseBytes``.
    case responseTooLarge(limit: Int)
    /// No answer in time.
    case timedOut
    /// Connection refused, reset or lost; DNS failure.
    case connectionFailed(String)
    /// Anything else the transport reports (not retried).
    case other(String)

    /// Whether retrying may help.
    public var isTransient: Bool {
        switch self {
        case .timedOut, .connectionFailed: true
        case .responseTooLarge, .other: false
        }
    }

    public var description: String {
        switch self {
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .timedOut: "timed out"
        case .connectionFailed(let m): "connection failed: \(m)"
        case .other(let m): m
        }
    }
}
