import Foundation

/// Tokens for a user from gcloud's application-default credentials file (`"type": "authorized_user"`, written by
/// `gcloud auth application-default login`): the refresh token is exchanged at Google's token endpoint
/// (`grant_type=refresh_token`), cached and refreshed before expiry.
public struct AuthorizedUserCredentials: AccessTokenProvider {
    /// The fields of an `authorized_user` file.
    public struct Secrets: Sendable, Decodable {
        public let client_id: String
        public let client_secret: String
        public let refresh_token: String
        /// `token_uri` when the file names one.
        public let token_uri: String?
    }

    let cache: TokenCache
    let clientID: String

    /// Credentials for `secrets`.
    public init(secrets: Secrets, transport: any HTTPTransport = URLSessionTransport.shared, retry: RetryPolicy = .default,
                clock: CloudClock = .system) throws
    {
        let uri = secrets.token_uri ?? "https://oauth2.googleapis.com/token"
        guard let tokenURL = URL(string: uri), tokenURL.scheme == "https" || tokenURL.scheme == "http" else {
            throw GoogleCloudError(call: "credentials", kind: .credentials, message: "token_uri is not an http(s) URL")
        }
        clientID = secrets.client_id
        let http = CloudHTTPClient(transport: transport, credentials: NoCredentials(), retry: retry, clock: clock)
        cache = TokenCache(clock: clock) {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            func form(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
            let body = "grant_type=refresh_token&client_id=\(form(secrets.client_id))"
                + "&client_secret=\(form(secrets.client_secret))&refresh_token=\(form(secrets.refresh_token))"
            let call = "oauth2.token authorized_user"
            let now = http.clock.now()
            let request = HTTPRequest(method: "POST", url: tokenURL, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                      body: Data(body.utf8), maxResponseBytes: 64 << 10, timeout: .seconds(30))
            let response: HTTPResponse
            do {
                response = try await http.send(request, call: call)
            } catch let e as GoogleCloudError {
                throw GoogleCloudError(call: e.call, kind: .credentials,
                                       message: "\(e.status.map { "HTTP \($0): " } ?? "")\(e.message)", attempts: e.attempts)
            }
            return try OAuthTokenResponse.token(from: response, call: call, now: now)
        }
    }

    public func token() async throws -> AccessToken? { try await cache.token() }
    public func invalidate(_ token: AccessToken) async { await cache.invalidate(token) }
    public var summary: String { "authorized user (client \(clientID.prefix(12))…)" }
}
