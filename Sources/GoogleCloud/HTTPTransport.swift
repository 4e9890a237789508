/// Sends one HTTP request and returns the answer: the seam where tests put a fake server.
///
/// Implementations must honour ``HTTPRequest/maxResponseBytes`` (throw ``HTTPTransportError/responseTooLarge(limit:)``
/// rather than buffer more) and report network failures as ``HTTPTransportError`` so that retries can tell transient
/// failures from others. Retries, authentication and status handling live above, in ``CloudHTTPClient``.
public protocol HTTPTransport: Sendable {
    /// Performs `request` once.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
