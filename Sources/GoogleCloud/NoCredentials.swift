/// No authentication: for the GCS and Pub/Sub emulators.
public struct NoCredentials: AccessTokenProvider {
    /// Unauthenticated requests.
    public init() {}
    public func token() async throws -> AccessToken? { nil }
    public func invalidate(_ token: AccessToken) async {}
    public var summary: String { "none (emulator)" }
}
