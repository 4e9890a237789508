public import Foundation

/// How to reach Google Cloud: emulator hosts, credentials and project. The `lodestar` executable builds it from the
/// environment (`STORAGE_EMULATOR_HOST`, `PUBSUB_EMULATOR_HOST`, `GOOGLE_APPLICATION_CREDENTIALS`,
/// `GOOGLE_CLOUD_PROJECT`, `GCS_ACCESS_TOKEN`, `GCE_METADATA_HOST`); this library never reads the environment.
///
/// Credentials are chosen as Google's client libraries do: an emulator host means no authentication for that
/// service; otherwise a fixed access token if one is given, else the credentials file (service-account key or
/// gcloud user credentials), else the metadata server (Compute Engine, GKE, Cloud Run).
///
/// ```swift
/// let config = GoogleCloudConfiguration(pubsubEmulatorHost: "127.0.0.1:8085", projectID: "demo")
/// let credentials = try config.credentials()
/// let pubsub = try await config.pubSubClient(credentials: credentials)
/// let gcs = try config.storageClient(credentials: credentials)
/// ```
public struct GoogleCloudConfiguration: Sendable {
    /// GCS emulator (`host:port` or `http://host:port`): unauthenticated requests go there.
    public var storageEmulatorHost: String?
    /// Pub/Sub emulator (`host:port` or `http://host:port`): unauthenticated requests go there.
    public var pubsubEmulatorHost: String?
    /// A credentials file: service-account key or `authorized_user` JSON.
    public var credentialsFile: String?
    /// A ready access token (e.g. `gcloud auth print-access-token`); used as is, never refreshed.
    public var accessToken: String?
    /// The project for Pub/Sub resource names; defaults to the key file's `project_id`, then the metadata server's.
    public var projectID: String?
    /// The metadata server host.
    public var metadataHost: String
    /// Google's GCS endpoint.
    public var storageEndpoint: URL
    /// Google's Pub/Sub endpoint.
    public var pubsubEndpoint: URL
    /// The retry policy of every call.
    public var retry: RetryPolicy

    /// A configuration; with no argument it means Google's endpoints with metadata-server credentials.
    public init(storageEmulatorHost: String? = nil, pubsubEmulatorHost: String? = nil, credentialsFile: String? = nil,
                accessToken: String? = nil, projectID: String? = nil,
                metadataHost: String = MetadataServerCredentials.defaultHost,
                storageEndpoint: URL = URL(string: "https://storage.googleapis.com")!,
                pubsubEndpoint: URL = URL(string: "https://pubsub.googleapis.com")!, retry: RetryPolicy = .default)
    {
        self.storageEmulatorHost = storageEmulatorHost.flatMap { $0.isEmpty ? nil : $0 }
        self.pubsubEmulatorHost = pubsubEmulatorHost.flatMap { $0.isEmpty ? nil : $0 }
        self.credentialsFile = credentialsFile.flatMap { $0.isEmpty ? nil : $0 }
        self.accessToken = accessToken.flatMap { $0.isEmpty ? nil : $0 }
        self.projectID = projectID.flatMap { $0.isEmpty ? nil : $0 }
        self.metadataHost = metadataHost.isEmpty ? MetadataServerCredentials.defaultHost : metadataHost
        self.storageEndpoint = storageEndpoint
        self.pubsubEndpoint = pubsubEndpoint
        self.retry = retry
    }

    /// The credentials for Google's own endpoints (emulators ignore them): fixed token, else credentials file, else
    /// metadata server. Build it once and share it between clients so that they share one cached token.
    public func credentials(transport: any HTTPTransport = URLSessionTransport.shared, clock: CloudClock = .system) throws
        -> any AccessTokenProvider
    {
        if let accessToken { return FixedTokenCredentials(token: accessToken) }
        if let credentialsFile {
            return try CredentialsFile.load(path: credentialsFile, transport: transport, retry: retry, clock: clock)
        }
        return MetadataServerCredentials(host: metadataHost, transport: transport, clock: clock)
    }

    /// The GCS client: the emulator without authentication when ``storageEmulatorHost`` is set, else Google's endpoint
    /// with `credentials` (built by ``credentials(transport:clock:)`` when nil).
    public func storageClient(credentials: (any AccessTokenProvider)? = nil,
                              transport: any HTTPTransport = URLSessionTransport.shared, clock: CloudClock = .system)
        throws -> GCSClient
    {
        if let host = storageEmulatorHost {
            let url = try Self.emulatorURL(host, variable: "STORAGE_EMULATOR_HOST")
            return GCSClient(endpoint: url, http: CloudHTTPClient(transport: transport, retry: retry, clock: clock))
        }
        let creds = try credentials ?? self.credentials(transport: transport, clock: clock)
        return GCSClient(endpoint: storageEndpoint,
                         http: CloudHTTPClient(transport: transport, credentials: creds, retry: retry, clock: clock))
    }

    /// The Pub/Sub client: the emulator without authentication when ``pubsubEmulatorHost`` is set, else Google's
    /// endpoint with `credentials`. The project is ``projectID``, else the key file's, else the metadata server's.
    public func pubSubClient(credentials: (any AccessTokenProvider)? = nil,
                             transport: any HTTPTransport = URLSessionTransport.shared, clock: CloudClock = .system)
        async throws -> PubSubClient
    {
        if let host = pubsubEmulatorHost {
            let url = try Self.emulatorURL(host, variable: "PUBSUB_EMULATOR_HOST")
            guard let projectID else {
                throw GoogleCloudError(call: "pubsub configuration", kind: .invalidArgument,
                                       message: "the Pub/Sub emulator needs a project id (GOOGLE_CLOUD_PROJECT)")
            }
            return try PubSubClient(endpoint: url, project: projectID,
                                    http: CloudHTTPClient(transport: transport, retry: retry, clock: clock))
        }
        let creds = try credentials ?? self.credentials(transport: transport, clock: clock)
        let project: String
        if let projectID {
            project = projectID
        } else if let sa = creds as? ServiceAccountCredentials, let p = sa.key.projectID, !p.isEmpty {
            project = p
        } else if let md = creds as? MetadataServerCredentials {
            project = try await md.projectID()
        } else {
            throw GoogleCloudError(call: "pubsub configuration", kind: .invalidArgument,
                                   message: "no project id: set GOOGLE_CLOUD_PROJECT")
        }
        return try PubSubClient(endpoint: pubsubEndpoint, project: project,
                                http: CloudHTTPClient(transport: transport, credentials: creds, retry: retry, clock: clock))
    }

    /// `host:port` or `http(s)://host:port` as a URL.
    public static func emulatorURL(_ host: String, variable: String) throws -> URL {
        let text = host.contains("://") ? host : "http://" + host
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw GoogleCloudError(call: "configuration", kind: .invalidArgument, message: "bad \(variable) '\(host)'")
        }
        return url
    }
}
