public import Foundation
import CryptoExtras

/// The self-signed assertion a service account exchanges for an access token (RFC 7523): an RS256 JWT with the
/// claims `iss` (the account's e-mail), `scope`, `aud` (the token endpoint), `iat` and `exp` (one hour later).
public struct ServiceAccountJWT: Sendable {
    let key: _RSA.Signing.PrivateKey
    let account: ServiceAccountKey

    /// Parses the key's PEM; throws a ``GoogleCloudError`` of kind `.credentials` when it is not an RSA key.
    public init(key account: ServiceAccountKey) throws {
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: account.privateKey)
        } catch {
            throw GoogleCloudError(call: "credentials \(account.clientEmail)", kind: .credentials,
                                   message: "private_key is not a readable RSA private key (PEM): \(error)")
        }
        self.account = account
    }

    /// A signed JWT for `scopes`, issued at `now`, valid for `lifetime` seconds (Google accepts at most one hour).
    public func assertion(scopes: [String], now: Date, lifetime: TimeInterval = 3600) throws -> String {
        var header: [String: String] = ["alg": "RS256", "typ": "JWT"]
        if let kid = account.privateKeyID, !kid.isEmpty { header["kid"] = kid }
        let iat = Int64(now.timeIntervalSince1970.rounded(.down))
        let claims = Claims(iss: account.clientEmail, scope: scopes.joined(separator: " "),
                            aud: account.tokenURI.absoluteString, iat: iat, exp: iat + Int64(min(3600, max(60, lifetime))))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let signingInput = Base64URL.encode(try encoder.encode(header)) + "." + Base64URL.encode(try encoder.encode(claims))
        let signature = try key.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// The JWT claims Google's token endpoint expects.
    struct Claims: Encodable {
        let iss: String
        let scope: String
        let aud: String
        let iat: Int64
        let exp: Int64
    }
}
