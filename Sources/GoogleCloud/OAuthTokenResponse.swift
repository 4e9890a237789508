import Foundation

/// The JSON an OAuth 2 token endpoint or the metadata server answers: `access_token`, `expires_in`, `token_type`.
struct OAuthTokenResponse: Decodable {
    let access_token: String
    let expires_in: Double?
    let token_type: String?

    /// Decodes `response` into a token that expires `expires_in` seconds after `now` (one hour when absent).
    static func token(from response: HTTPResponse, call: String, now: Date) throws -> AccessToken {
        guard let r = try? JSONDecoder().decode(OAuthTokenResponse.self, from: response.body) else {
            throw GoogleCloudError(call: call, kind: .invalidResponse,
                                   message: "not a token response (expected JSON with access_token)", attempts: response.attempts)
        }
        if let type = r.token_type, type.lowercased() != "bearer" {
            throw GoogleCloudError(call: call, kind: .invalidResponse, message: "token_type '\(type)' is not Bearer")
        }
        guard !r.access_token.isEmpty, r.access_token.count <= 8192,
              r.access_token.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline })
        else {
            throw GoogleCloudError(call: call, kind: .invalidResponse, message: "access_token is empty or malformed")
        }
        let lifetime = r.expires_in ?? 3600
        guard lifetime.isFinite, lifetime > 0, lifetime <= 7 * 86_400 else {
            throw GoogleCloudError(call: call, kind: .invalidResponse, message: "expires_in \(lifetime) is out of range")
        }
        return AccessToken(value: r.access_token, expiresAt: now.addingTimeInterval(lifetime))
    }
}
