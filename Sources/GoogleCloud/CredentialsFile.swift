import Foundation

/// Reads a Google credentials file (what `GOOGLE_APPLICATION_CREDENTIALS` names): a service-account key
/// (`"type": "service_account"`) or gcloud's application-default user credentials (`"type": "authorized_user"`).
public enum CredentialsFile {
    /// The provider the file at `path` describes. Throws a ``GoogleCloudError`` of kind `.credentials` naming the
    /// file when it cannot be read or is of another type (external-account federation is not supported).
    public static func load(path: String, scopes: [String] = [ServiceAccountCredentials.cloudPlatformScope],
                            transport: any HTTPTransport = URLSessionTransport.shared, retry: RetryPolicy = .default,
                            clock: CloudClock = .system) throws -> any AccessTokenProvider
    {
        let call = "credentials \(path)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw GoogleCloudError(call: call, kind: .credentials, message: "no such file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw GoogleCloudError(call: call, kind: .credentials, message: "the file is not readable (permissions)")
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: (1 << 20) + 1) ?? Data()
        } catch {
            throw GoogleCloudError(call: call, kind: .credentials, message: "cannot read the file: \(error.localizedDescription)")
        }
        guard data.count <= 1 << 20 else {
            throw GoogleCloudError(call: call, kind: .credentials, message: "file larger than 1 MiB: not a credentials file")
        }
        struct Kind: Decodable { let type: String? }
        guard let kind = try? JSONDecoder().decode(Kind.self, from: data) else {
            throw GoogleCloudError(call: call, kind: .credentials, message: "not a JSON object")
        }
        switch kind.type {
        case "service_account":
            let key: ServiceAccountKey
            do { key = try JSONDecoder().decode(ServiceAccountKey.self, from: data) } catch {
                throw GoogleCloudError(call: call, kind: .credentials, message: "bad service-account key: \(Self.describe(error))")
            }
            return try ServiceAccountCredentials(key: key, scopes: scopes, transport: transport, retry: retry, clock: clock)
        case "authorized_user":
            let secrets: AuthorizedUserCredentials.Secrets
            do { secrets = try JSONDecoder().decode(AuthorizedUserCredentials.Secrets.self, from: data) } catch {
                throw GoogleCloudError(call: call, kind: .credentials, message: "bad authorized_user file: \(Self.describe(error))")
            }
            return try AuthorizedUserCredentials(secrets: secrets, transport: transport, retry: retry, clock: clock)
        case let other:
            throw GoogleCloudError(call: call, kind: .credentials,
                                   message: "credentials of type '\(other ?? "(none)")' are not supported "
                                       + "(use a service-account key or gcloud application-default credentials)")
        }
    }

    /// A decoding error without the file's content (it holds secrets).
    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?, .dataCorrupted(let c)?:
            "field '\(c.codingPath.map(\.stringValue).joined(separator: "."))': \(c.debugDescription)"
        default: "unreadable"
        }
    }
}
