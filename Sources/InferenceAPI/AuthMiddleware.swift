import Hummingbird

/// Requires a valid bearer token on every `/v1` route and puts its principal in the context. A missing, malformed
/// or invalid token is 401 with `WWW-Authenticate: Bearer`; the token is never logged.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let verifier: TokenVerifier

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        do {
            guard let header = request.headers[.authorization] else { throw APIError.unauthorized("bearer token required") }
            context.principal = try await verifier.verify(try Self.bearerToken(header))
        } catch let error as APIError {
            var response = APIError.jsonResponse(status: error.status, code: error.code, message: error.message)
            response.headers[.wwwAuthenticate] = #"Bearer realm="lodestar", error="invalid_token""#
            return response
        }
        return try await next(request, context)
    }
}

extension AuthMiddleware {
    /// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, spaces around trimmed).
    static func bearerToken(_ header: String) throws -> String {
        let bytes = Array(header.utf8)
        let space = UInt8(ascii: " ")
        var i = 0
        while i < bytes.count && bytes[i] == space { i += 1 }
        let scheme = Array("bearer".utf8)
        guard bytes.count >= i + scheme.count + 1,
              zip(bytes[i..<(i + scheme.count)], scheme).allSatisfy({ $0 | 0x20 == $1 }),
              bytes[i + scheme.count] == space
        else { throw APIError.unauthorized("bearer token required") }
        var start = i + scheme.count, end = bytes.count
        while start < end && bytes[start] == space { start += 1 }
        while end > start && bytes[end - 1] == space { end -= 1 }
        guard start < end else { throw APIError.unauthorized("bearer token required") }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

extension APIRequestContext {
    /// The verified principal (every `/v1` route runs behind `AuthMiddleware`).
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError.unauthorized("bearer token required") }
        return principal
    }
}
