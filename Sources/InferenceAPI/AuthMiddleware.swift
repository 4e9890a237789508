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
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized("bearer token required") }
            context.principal = try await verifier.verify(String(parts[1]).trimmingCharacters(in: .whitespaces))
        } catch let error as APIError {
            var response = APIError.jsonResponse(status: error.status, code: error.code, message: error.message)
            response.headers[.wwwAuthenticate] = #"Bearer realm="lodestar", error="invalid_token""#
            return response
        }
        return try await next(request, context)
    }
}

extension APIRequestContext {
    /// The verified principal (every `/v1` route runs behind `AuthMiddleware`).
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError.unauthorized("bearer token required") }
        return principal
    }
}
