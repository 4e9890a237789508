public import GoogleCloud

/// How export sources reach `gs://` locations: the GCS client the executable configured from its environment.
/// Without one, a `gs://` location fails with an error that says how to configure it (libraries never read the
/// environment).
public struct RemoteStorage: Sendable {
    /// The client for `gs://` locations.
    public var gcs: GCSClient?

    /// Access through `gcs` (none: local files only).
    public init(gcs: GCSClient? = nil) { self.gcs = gcs }

    /// The error of a `gs://` location read without a configured client.
    public struct NotConfigured: Error, Sendable, CustomStringConvertible {
        public init() {}
        public var description: String {
            "gs:// locations need Google Cloud Storage access, and none was configured: set STORAGE_EMULATOR_HOST "
                + "(emulator), GOOGLE_APPLICATION_CREDENTIALS (service-account key), GCS_ACCESS_TOKEN, or run on Google "
                + "Cloud (metadata server)"
        }
    }

    /// The client, or ``NotConfigured``.
    static func require(_ gcs: GCSClient?) throws -> GCSClient {
        guard let gcs else { throw NotConfigured() }
        return gcs
    }
}
