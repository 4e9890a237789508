import MongoStore
public import LearningEvents

/// Where artifact files live: GridFS in Lodestar's database (``GridFSArtifacts``, the default: every replica shares
/// it), a GCS bucket (``GCSArtifacts``) or a local folder (``FolderArtifacts``, one machine). Files are written
/// whole and replaced whole; a reader sees either the old bytes, the new bytes or none.
public protocol ArtifactBackend: Sendable {
    /// Stores `bytes` under `key`; returns once they are durable in the store.
    func put(_ key: ArtifactKey, bytes: [UInt8]) async throws
    /// The bytes under `key`, or nil when there are none; throws when they exceed `maxBytes`.
    func get(_ key: ArtifactKey, maxBytes: Int) async throws -> [UInt8]?
    /// Deletes `key` (nothing when absent).
    func delete(_ key: ArtifactKey) async throws
    /// Deletes every file of a version (nothing when absent).
    func deleteVersion(tenant: TenantID, kind: ModelKind, version: String) async throws
    /// The versions of `kind` that have at least one file in the store.
    func versions(tenant: TenantID, kind: ModelKind) async throws -> Set<String>
    /// For logs and the version document: `mongodb`, `gs://bucket/prefix` or the folder's path.
    var location: String { get }
}

extension ArtifactBackend {
    /// Deletes each known file of the version.
    public func deleteVersion(tenant: TenantID, kind: ModelKind, version: String) async throws {
        for file in ArtifactKey.ArtifactFile.allCases {
            try await delete(try ArtifactKey(tenant: tenant, kind: kind, version: version, file: file))
        }
    }
}
