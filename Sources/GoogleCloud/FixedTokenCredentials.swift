/// A token given by hand (for example `GCS_ACCESS_TOKEN` from `gcloud auth print-access-token`); it cannot be
/// refreshed, so a 401 is final.
public struct FixedTokenCredentials: AccessTokenProvider {
    let accessToken: AccessToken

    /// A provider that always answers `token`.
    public init(token: String) { accessToken = AccessToken(value: token) }
    public func token() async throws -> AccessToken? { accessToken }
    public func invalidate(_ token: AccessToken) async {}
    public var summary: String { "fixed access token" }
}
