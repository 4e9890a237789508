public import MongoStore
public import LearningEvents

/// Artifacts in GridFS (`fs.files` / `fs.chunks` of Lodestar's database, through libmongoc's GridFS bucket), one
/// file per key under the tenant's scope: `LODESTAR_ARTIFACTS=mongodb`, the default.
public struct GridFSArtifacts: ArtifactBackend {
    public let db: MongoDatabase

    public init(db: MongoDatabase) { self.db = db }

    public var location: String { "mongodb" }

    public func put(_ key: ArtifactKey, bytes: [UInt8]) async throws {
        try await db.tenant(key.tenant).files.put(key.pathInTenant, bytes: bytes, metadata: [
            "kind": .string(key.kind.rawValue), "version": .string(key.version), "file": .string(key.file.rawValue),
        ])
    }

    public func get(_ key: ArtifactKey, maxBytes: Int) async throws -> [UInt8]? {
        try await db.tenant(key.tenant).files.get(key.pathInTenant, maxBytes: maxBytes)
    }

    public func delete(_ key: ArtifactKey) async throws {
        try await db.tenant(key.tenant).files.delete(key.pathInTenant)
    }

    public func versions(tenant: TenantID, kind: ModelKind) async throws -> Set<String> {
        Set(try await db.tenant(tenant).files.list(metadata: ["kind": .string(kind.rawValue)]).compactMap { $0.metadata["version"]?.stringValue })
    }
}
