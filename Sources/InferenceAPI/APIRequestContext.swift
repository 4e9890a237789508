public import Hummingbird
import Logging

/// The request context of the API: the verified principal (set by `AuthMiddleware` on `/v1` routes) and the request
/// id that the access log, error bodies of 500s and the `X-Request-ID` response header share.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set once the bearer token is verified.
    public var principal: Principal?
    /// The client's `X-Request-ID` when it is a safe token, else a generated one.
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        requestID = ""
    }

    /// Request bodies larger than this are refused with 413 before decoding (the largest body the API takes, a
    /// `risk:infer` request, is well under 1 KiB).
    public var maxUploadSize: Int { APIRequestContext.maximumBodyBytes }

    /// The body limit of every route.
    public static let maximumBodyBytes = 16 * 1024
}
