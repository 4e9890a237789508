public import Hummingbird
import Foundation

/// An error answered as `{"error": {"code", "message"}}` with its HTTP status. Messages say what was wrong with the
/// request and never echo a token or another tenant's data.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    public let status: HTTPResponse.Status
    /// A stable machine-readable code (`invalid_parameter`, `not_found`, …).
    public let code: String
    public let message: String

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.jsonResponse(status: status, code: code, message: message)
    }

    /// The error body as JSON bytes.
    static func body(code: String, message: String) -> ByteBuffer {
        var w = JSONWriter(capacity: 96 + message.utf8.count)
        w.object { o in
            o.field("error") { e in
                e.object { e in
                    e.field("code", string: code)
                    e.field("message", string: message)
                }
            }
        }
        return ByteBuffer(bytes: w.bytes)
    }

    static func jsonResponse(status: HTTPResponse.Status, code: String, message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body(code: code, message: message)))
    }

    // MARK: the errors the API answers

    /// 400: a path, query or body value breaks its rule.
    public static func invalid(_ name: String, _ why: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", "\(name): \(why)")
    }

    /// 400: the request body is not the JSON the route takes.
    public static func invalidBody(_ why: String) -> APIError { APIError(.badRequest, code: "invalid_body", why) }

    /// 401: no usable bearer token. The message never says which check failed beyond the category.
    public static func unauthorized(_ why: String) -> APIError { APIError(.unauthorized, code: "unauthorized", why) }

    /// 403: authenticated, but no role of the token allows this route.
    public static func forbidden(_ why: String) -> APIError { APIError(.forbidden, code: "forbidden", why) }

    /// 404: nothing here — also the answer for another tenant's, organisation's or learner's data.
    public static func notFound(_ what: String = "not found") -> APIError { APIError(.notFound, code: "not_found", what) }

    /// 503: the tenant's models cannot serve right now.
    public static func unavailable(_ why: String) -> APIError { APIError(.serviceUnavailable, code: "unavailable", why) }

    /// 500: an unexpected failure; details go to the log under the request id, not to the client.
    public static func internalError(requestID: String) -> APIError {
        APIError(.internalServerError, code: "internal", "internal error (request id \(requestID))")
    }
}
