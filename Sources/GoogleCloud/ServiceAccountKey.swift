public import Foundation

/// A service-account key file as the Cloud console downloads it (`"type": "service_account"`).
public struct ServiceAccountKey: Sendable, Decodable {
    /// The service account's e-mail: the JWT's issuer.
    public let clientEmail: String
    /// The RSA private key, PEM (PKCS #8 `BEGIN PRIVATE KEY` or PKCS #1 `BEGIN RSA PRIVATE KEY`).
    public let privateKey: String
    /// The key id, sent as the JWT header's `kid`.
    public let privateKeyID: String?
    /// The OAuth token endpoint (`https://oauth2.googleapis.com/token`): the JWT's audience.
    public let tokenURI: URL
    /// The project the key belongs to.
    public let projectID: String?

    enum CodingKeys: String, CodingKey {
        case clientEmail = "client_email"
        case privateKey = "private_key"
        case privateKeyID = "private_key_id"
        case tokenURI = "token_uri"
        case projectID = "project_id"
    }

    /// A key from its parts.
    public init(clientEmail: String, privateKey: String, privateKeyID: String? = nil,
                tokenURI: URL = URL(string: "https://oauth2.googleapis.com/token")!, projectID: String? = nil)
    {
        self.clientEmail = clientEmail
        self.privateKey = privateKey
        self.privateKeyID = privateKeyID
        self.tokenURI = tokenURI
        self.projectID = projectID
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clientEmail = try c.decode(String.self, forKey: .clientEmail)
        privateKey = try c.decode(String.self, forKey: .privateKey)
        privateKeyID = try c.decodeIfPresent(String.self, forKey: .privateKeyID)
        let uri = try c.decodeIfPresent(String.self, forKey: .tokenURI) ?? "https://oauth2.googleapis.com/token"
        guard let url = URL(string: uri), url.scheme == "https" || url.scheme == "http", url.host != nil else {
            throw DecodingError.dataCorruptedError(forKey: .tokenURI, in: c, debugDescription: "token_uri is not an http(s) URL")
        }
        tokenURI = url
        projectID = try c.decodeIfPresent(String.self, forKey: .projectID)
    }
}
