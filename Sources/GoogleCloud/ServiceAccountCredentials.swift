public import Foundation

/// Tokens for a service account from its key file: a signed JWT (``ServiceAccountJWT``) exchanged at the key's
/// `token_uri` (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`), cached and refreshed 5 minutes before
/// expiry; concurrent callers share one exchange.
///
/// ```swift
/// let key = try JSONDecoder().decode(ServiceAccountKey.self, from: Data(contentsOf: keyFileURL))
/// let credentials = try ServiceAccountCredentials(key: key)
/// let gcs = GCSClient(http: CloudHTTPClient(credentials: credentials))
/// ```
public struct ServiceAccountCredentials: AccessTokenProvider {
    /// The OAuth scope that covers GCS and Pub/Sub.
    public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

    /// The key's account.
    public let key: ServiceAccountKey
    /// The scopes asked for.
    public let scopes: [String]
    let cache: TokenCache

    /// Credentials for `key`; the token endpoint is called through `transport` with `retry`.
    public init(key: ServiceAccountKey, scopes: [String] = [Self.cloudPlatformScope],
                transport: any HTTPTransport = URLSessionTransport.shared, retry: RetryPolicy = .default,
                clock: CloudClock = .system, refreshMargin: TimeInterval = 300) throws
    {
        let signer = try ServiceAccountJWT(key: key)
        self.key = key
        self.scopes = scopes
        let http = CloudHTTPClient(transport: transport, credentials: NoCredentials(), retry: retry, clock: clock)
        cache = TokenCache(clock: clock, refreshMargin: refreshMargin) {
            try await Self.exchange(signer: signer, key: key, scopes: scopes, http: http)
        }
    }

    public func token() async throws -> AccessToken? { try await cache.token() }
    public func invalidate(_ token: AccessToken) async { await cache.invalidate(token) }
    public var summary: String { "service account \(key.clientEmail)" }
    /// Token exchanges made so far.
    public var exchanges: Int { get async { await cache.fetches } }

    static func exchange(signer: ServiceAccountJWT, key: ServiceAccountKey, scopes: [String], http: CloudHTTPClient)
        async throws -> AccessToken
    {
        let call = "oauth2.token \(key.clientEmail)"
        let now = http.clock.now()
        let assertion: String
        do {
            assertion = try signer.assertion(scopes: scopes, now: now)
        } catch {
            throw GoogleCloudError(call: call, kind: .credentials, message: "cannot sign the JWT: \(error)")
        }
        let body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)"
        let request = HTTPRequest(method: "POST", url: key.tokenURI,
                                  headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                  body: Data(body.utf8), maxResponseBytes: 64 << 10, timeout: .seconds(30))
        let response: HTTPResponse
        do {
            response = try await http.send(request, call: call)
        } catch var e as GoogleCloudError {
            e = GoogleCloudError(call: e.call, kind: .credentials, message: "\(e.status.map { "HTTP \($0): " } ?? "")\(e.message)",
                                 attempts: e.attempts)
            throw e
        }
        return try OAuthTokenResponse.token(from: response, call: call, now: now)
    }
}
