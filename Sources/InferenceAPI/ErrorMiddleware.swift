import Hummingbird
import Logging

/// Turns every error into the API's error shape: `APIError` as is; Hummingbird's own errors (unknown route 404, body
/// too large 413, bad body 400, …) with a code for their status; anything else into a 500 whose details go to the log
/// under the request id.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return APIError.jsonResponse(status: error.status, code: error.code, message: error.message)
        } catch let error as any HTTPResponseError {
            let (code, message) = Self.describe(error.status)
            return APIError.jsonResponse(status: error.status, code: code, message: message)
        } catch is DecodingError {
            return APIError.jsonResponse(status: .badRequest, code: "invalid_body", message: "request body is not valid JSON for this route")
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "request_id": "\(context.requestID)"])
            let e = APIError.internalError(requestID: context.requestID)
            return APIError.jsonResponse(status: e.status, code: e.code, message: e.message)
        }
    }

    static func describe(_ status: HTTPResponse.Status) -> (String, String) {
        switch status.code {
        case 400: ("bad_request", "bad request")
        case 401: ("unauthorized", "authentication required")
        case 404: ("not_found", "no such route")
        case 405: ("method_not_allowed", "method not allowed")
        case 413: ("body_too_large", "request body larger than \(APIRequestContext.maximumBodyBytes) bytes")
        case 415: ("unsupported_media_type", "send application/json")
        default: ("http_\(status.code)", status.reasonPhrase.isEmpty ? "error" : status.reasonPhrase)
        }
    }
}
