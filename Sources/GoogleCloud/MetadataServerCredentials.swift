import Foundation

/// Tokens from the metadata server of Compute Engine, GKE and Cloud Run
/// (`GET http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token` with
/// `Metadata-Flavor: Google`), cached and refreshed before expiry.
public struct MetadataServerCredentials: AccessTokenProvider {
    /// The metadata server's host (and port); `GCE_METADATA_HOST` overrides it in Google's libraries.
    public let host: String
    let cache: TokenCache
    let http: CloudHTTPClient

    /// The default metadata host.
    public static let defaultHost = "metadata.google.internal"

    /// Credentials from the metadata server at `host`; requests time out after `timeout` so that running off Google
    /// Cloud fails quickly with a clear error.
    public init(host: String = Self.defaultHost, scopes: [String] = [ServiceAccountCredentials.cloudPlatformScope],
                transport: any HTTPTransport = URLSessionTransport.shared,
                retry: RetryPolicy = RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(100)),
                clock: CloudClock = .system, timeout: Duration = .seconds(5))
    {
        self.host = host
        let http = CloudHTTPClient(transport: transport, credentials: NoCredentials(), retry: retry, clock: clock)
        self.http = http
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:/")
        let scope = scopes.joined(separator: ",").addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        let url = URL(string: "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token?scopes=\(scope)")
        cache = TokenCache(clock: clock) {
            let call = "metadata.token \(host)"
            guard let url else {
                throw GoogleCloudError(call: call, kind: .credentials, message: "bad metadata host '\(host)'")
            }
            let now = http.clock.now()
            let request = HTTPRequest(url: url, headers: ["Metadata-Flavor": "Google"], maxResponseBytes: 64 << 10, timeout: timeout)
            let response: HTTPResponse
            do {
                response = try await http.send(request, call: call)
            } catch let e as GoogleCloudError {
                throw GoogleCloudError(
                    call: e.call, kind: .credentials,
                    message: "no token from the metadata server (not on Google Cloud? set GOOGLE_APPLICATION_CREDENTIALS): "
                        + "\(e.status.map { "HTTP \($0): " } ?? "")\(e.message)",
                    attempts: e.attempts)
            }
            return try OAuthTokenResponse.token(from: response, call: call, now: now)
        }
    }

    public func token() async throws -> AccessToken? { try await cache.token() }
    public func invalidate(_ token: AccessToken) async { await cache.invalidate(token) }
    public var summary: String { "metadata server \(host)" }
    /// Token fetches made so far.
    public var fetches: Int { get async { await cache.fetches } }

    /// The project id the metadata server reports (`/computeMetadata/v1/project/project-id`).
    public func projectID() async throws -> String {
        let call = "metadata.project-id \(host)"
        guard let url = URL(string: "http://\(host)/computeMetadata/v1/project/project-id") else {
            throw GoogleCloudError(call: call, kind: .invalidArgument, message: "bad metadata host '\(host)'")
        }
        let response = try await http.send(HTTPRequest(url: url, headers: ["Metadata-Flavor": "Google"], maxResponseBytes: 4096,
                                                       timeout: .seconds(5)), call: call)
        let id = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !id.isEmpty else { throw GoogleCloudError(call: call, kind: .invalidResponse, message: "empty project id") }
        return id
    }
}
