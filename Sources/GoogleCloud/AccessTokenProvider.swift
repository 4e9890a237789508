/// Where bearer tokens for Google APIs come from.
///
/// Implementations: ``NoCredentials`` (emulators), ``FixedTokenCredentials`` (a token given by hand, e.g.
/// `gcloud auth print-access-token`), ``ServiceAccountCredentials`` (a key file: signed JWT exchanged for a token),
/// ``AuthorizedUserCredentials`` (gcloud's application-default refresh token) and ``MetadataServerCredentials``
/// (GCE, GKE, Cloud Run). ``GoogleCloudConfiguration/credentials(transport:clock:)`` picks one the way Google's
/// client libraries do.
public protocol AccessTokenProvider: Sendable {
    /// A token valid for a while yet, or nil when requests go unauthenticated (emulators). Concurrent callers may
    /// share one refresh.
    func token() async throws -> AccessToken?
    /// The server refused `token` (HTTP 401): forget it so that the next ``token()`` fetches a new one.
    func invalidate(_ token: AccessToken) async
    /// A short description for logs and `lodestar doctor` (no secrets).
    var summary: String { get }
}
