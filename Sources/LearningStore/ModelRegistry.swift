public import Foundation
public import LearningEvents
public import MongoStore

/// Model versions per tenant and kind: `model_versions` in MongoDB plus their artifact files in the shared
/// ``ArtifactStore`` (GridFS, `gs://` or a folder: `<tenant>/<kind>/<version>/<file>`).
///
/// Every change of state runs under the lease `publish:<tenant>:<kind>` (see `publish`), so concurrent runs,
/// replicas and `models activate|rollback` take turns, and a run killed at any instant leaves the previous
/// version serving:
///
/// 1. clean up what dead runs left (staging versions, documents of unknown versions, orphan artifact folders);
/// 2. insert the version as `staging` (owner = the lease's owner, `complete: false`);
/// 3. write its artifact files to the store, then its result documents, then mark it `complete` with every
///    file's size and SHA-256 (so a version is activated only once its artifacts are durable in the store);
/// 4. in one transaction (retried on transient errors): confirm the lease is still ours, turn the complete
///    staging version `active`, retire the previous one;
/// 5. prune retired versions beyond the newest few: documents, then artifacts, then the registry entry last.
public struct ModelRegistry: Sendable {
    public let db: MongoDatabase
    /// Where artifact files are published and pruned.
    public let artifacts: ArtifactStore
    public let leases: LeaseManager
    /// An extra check inside every activation transaction, after the lease is confirmed (the scheduler's
    /// job-run lease); throwing aborts the activation.
    public let activationGuard: (@Sendable (MongoDatabase) async throws -> Void)?

    public init(db: MongoDatabase, artifacts: ArtifactStore, leases: LeaseManager? = nil,
                activationGuard: (@Sendable (MongoDatabase) async throws -> Void)? = nil) {
        self.db = db
        self.artifacts = artifacts
        self.leases = leases ?? LeaseManager(db: db)
        self.activationGuard = activationGuard
    }

    /// A registry whose artifacts are in a local folder (one machine: development and tests).
    public init(db: MongoDatabase, modelsDirectory: URL, leases: LeaseManager? = nil,
                activationGuard: (@Sendable (MongoDatabase) async throws -> Void)? = nil) {
        self.init(db: db, artifacts: .folder(modelsDirectory), leases: leases, activationGuard: activationGuard)
    }

    func versions(_ tenant: TenantID) -> TenantCollection<ModelVersionDocument> {
        StoreLayout.modelVersions.collection(in: db.tenant(tenant))
    }

    /// The lease name guarding a tenant's versions of one kind.
    public static func leaseName(tenant: TenantID, kind: ModelKind) -> String { "publish:\(tenant.rawValue):\(kind.rawValue)" }

    /// A new version name: UTC time to the second plus a random suffix, so names sort by creation.
    public static func newVersionName(now: Date = Date()) -> String {
        let s = Int64(now.timeIntervalSince1970)
        let days = s / 86_400
        let (y, m, d) = Timestamp.civilFromDays(days)
        let rem = s % 86_400
        func two(_ v: some BinaryInteger) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(y)\(two(m))\(two(d))T\(two(rem / 3600))\(two(rem / 60 % 60))\(two(rem % 60))Z-\(suffix)"
    }

    /// The artifact folder of a version when the store is a folder (nil otherwise).
    public func artifactDirectory(tenant: TenantID, kind: ModelKind, version: String) -> URL? {
        (artifacts.backend as? FolderArtifacts)?.directory(tenant: tenant, kind: kind, version: version)
    }

    /// Where a version's files are, for people (the version document's `artifact`).
    public func artifactLocation(tenant: TenantID, kind: ModelKind, version: String) -> String {
        artifacts.location(tenant: tenant, kind: kind, version: version)
    }

    /// All versions (of one kind, or both), newest first.
    public func list(tenant: TenantID, kind: ModelKind? = nil) async throws -> [ModelVersionDocument] {
        let filter: BSONDocument = kind.map { ["kind": .string($0.rawValue)] } ?? [:]
        return try await versions(tenant).find(filter, sort: ["trained_at": -1, "version": -1]).collect()
    }

    /// The active version of a kind, if any.
    public func active(tenant: TenantID, kind: ModelKind) async throws -> ModelVersionDocument? {
        try await versions(tenant).findOne(["kind": .string(kind.rawValue), "status": .string(VersionStatus.active.rawValue)])
    }
}
