public import Foundation
public import LearningEvents
import MongoStore

/// The shared store of model artifacts with this replica's local cache: what the pipeline publishes to and what the
/// API and the consumer load from (``ModelArtifactLoader``), so a model trained on one replica is served by all.
///
/// Every file a version publishes is recorded in `model_versions.artifact_files` (size and SHA-256) before the
/// version can be activated; a download is checked against that record, then kept in the cache by checksum. A
/// version published before the store existed has no record: its files are read from the store or, failing that,
/// from ``legacyFolder`` (the models folder of earlier releases).
///
/// ```swift
/// let store = ArtifactStore(backend: GridFSArtifacts(db: db), cache: ArtifactCache(folder: cacheDir, maxBytes: 1 << 30))
/// ```
public struct ArtifactStore: Sendable {
    public let backend: any ArtifactBackend
    public let cache: ArtifactCache?
    public let legacyFolder: URL?
    /// The largest artifact file read (2 GiB).
    public static let maxFileBytes = 2 << 30

    public init(backend: any ArtifactBackend, cache: ArtifactCache? = nil, legacyFolder: URL? = nil) {
        self.backend = backend
        self.cache = cache
        self.legacyFolder = legacyFolder
    }

    /// Lower-case hex SHA-256 of `bytes`, as recorded in `model_versions.artifact_files`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String { ArtifactDigest.hex(bytes) }

    /// A store in a local folder, without a cache (one machine: development, tests).
    public static func folder(_ root: URL) -> ArtifactStore { ArtifactStore(backend: FolderArtifacts(root: root)) }

    /// `mongodb`, `gs://bucket/prefix` or a folder path.
    public var location: String { backend.location }

    /// Where a version's files are, for people (the `artifact` field of `model_versions`; never read back as a path).
    public func location(tenant: TenantID, kind: ModelKind, version: String) -> String {
        let base = backend.location
        return (base.hasSuffix("/") ? base : base + "/") + "\(tenant.rawValue)/\(kind.rawValue)/\(version)"
    }

    /// Stores a version's files and returns their records (size, SHA-256), once every file is durable.
    public func write(tenant: TenantID, kind: ModelKind, version: String,
                      files: [(ArtifactKey.ArtifactFile, [UInt8])]) async throws -> [ArtifactFileRecord] {
        var records: [ArtifactFileRecord] = []
        for (file, bytes) in files {
            let key = try ArtifactKey(tenant: tenant, kind: kind, version: version, file: file)
            guard bytes.count <= Self.maxFileBytes else { throw LearningStoreError.artifactTooLarge(path: key.path, limit: Self.maxFileBytes) }
            try await backend.put(key, bytes: bytes)
            let sha = ArtifactDigest.hex(bytes)
            records.append(ArtifactFileRecord(file: file, bytes: Int64(bytes.count), sha256: sha))
            if file == .model { cache?.put(sha256: sha, bytes: bytes) }
        }
        return records
    }

    /// The bytes of `file` of `version`, checked against its record; nil when the version has no such file.
    /// Throws ``LearningStoreError/artifactMissing(path:store:)`` or ``LearningStoreError/artifactCorrupt(path:detail:)``.
    public func read(tenant: TenantID, version: ModelVersionDocument, file: ArtifactKey.ArtifactFile) async throws -> [UInt8]? {
        let key = try ArtifactKey(tenant: tenant, kind: version.kind, version: version.version, file: file)
        guard let records = version.artifact_files else { return try await readUnrecorded(key) }
        guard let record = records.first(where: { $0.file == file }) else { return nil }
        guard record.bytes >= 0, record.bytes <= Int64(Self.maxFileBytes), ArtifactDigest.isHex(record.sha256) else {
            throw LearningStoreError.artifactCorrupt(path: key.path, detail: "the record (\(record.bytes) bytes, sha256 \(record.sha256.prefix(70))) is not valid")
        }
        if let hit = cache?.get(sha256: record.sha256, bytes: record.bytes) { return hit }
        guard let bytes = try await backend.get(key, maxBytes: Int(record.bytes)) else {
            throw LearningStoreError.artifactMissing(path: key.path, store: backend.location)
        }
        guard Int64(bytes.count) == record.bytes else {
            throw LearningStoreError.artifactCorrupt(path: key.path, detail: "\(bytes.count) bytes, recorded \(record.bytes)")
        }
        let sha = ArtifactDigest.hex(bytes)
        guard sha == record.sha256 else {
            throw LearningStoreError.artifactCorrupt(path: key.path, detail: "sha256 \(sha), recorded \(record.sha256)")
        }
        cache?.put(sha256: sha, bytes: bytes)
        return bytes
    }

    private func readUnrecorded(_ key: ArtifactKey) async throws -> [UInt8]? {
        if let bytes = try await backend.get(key, maxBytes: Self.maxFileBytes) { return bytes }
        guard let legacyFolder, (backend as? FolderArtifacts)?.root != legacyFolder else { return nil }
        return try await FolderArtifacts(root: legacyFolder).get(key, maxBytes: Self.maxFileBytes)
    }

    /// Deletes every file of a version from the store (the cache keeps what it has until evicted: entries are
    /// named by checksum and serve only versions that record that checksum).
    public func remove(tenant: TenantID, kind: ModelKind, version: String) async throws {
        guard Identifier.isValid(version) else { return }
        try await backend.deleteVersion(tenant: tenant, kind: kind, version: version)
    }

    /// The versions of `kind` with files in the store.
    public func versions(tenant: TenantID, kind: ModelKind) async throws -> Set<String> {
        try await backend.versions(tenant: tenant, kind: kind)
    }
}
