public import Foundation

/// One HTTP request as the Google Cloud clients make it.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, `PUT`, `DELETE`, `PATCH`.
    public var method: String
    public var url: URL
    /// Header fields (the `Authorization` header is added by ``CloudHTTPClient``).
    public var headers: [String: String]
    public var body: Data?
    /// The most bytes of body the caller accepts; a larger answer fails with ``HTTPTransportError/responseTooLarge(limit:)``
    /// without being read further.
    public var maxResponseBytes: Int
    /// Idle timeout of the request.
    public var timeout: Duration

    /// A request; `maxResponseBytes` defaults to 16 MiB.
    public init(method: String = "GET", url: URL, headers: [String: String] = [:], body: Data? = nil,
                maxResponseBytes: Int = 16 << 20, timeout: Duration = .seconds(60))
    {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.maxResponseBytes = maxResponseBytes
        self.timeout = timeout
    }
}
