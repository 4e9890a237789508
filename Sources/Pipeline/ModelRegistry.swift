public import Foundation
import LearningEvents
public import MongoStore

/// Model versions per tenant and kind: `model_versions` in MongoDB plus artifact folders under
/// `models/<tenant>/<kind>/<version>/`.
///
/// A version is written as `staging`, its result documents are written under its name, and only then is it
/// made `active` in one transaction that also retires the previous one. Readers look up the active version
/// first, so a run that dies before activation leaves the previous version serving and its own half-written
/// documents invisible (they are removed by the next run's clean-up).
public struct ModelRegistry: Sendable {
    public let db: MongoDatabase
    public let modelsDirectory: URL

    public enum Kind: String, Sendable, CaseIterable {
        /// iALS embeddings and recommendations (or the popularity fallback).
        case recommender
        /// The dropout-risk logistic regression and its scores.
        case risk
    }

    public init(db: MongoDatabase, modelsDirectory: URL) {
        self.db = db
        self.modelsDirectory = modelsDirectory
    }

    func versions(_ tenant: TenantID) -> TenantCollection<ModelVersionDocument> {
        db.tenant(tenant).collection(StoreLayout.modelVersions, as: ModelVersionDocument.self)
    }

    /// A new version name: UTC time to the second plus a random suffix, so names sort by creation.
    public static func newVersionName(now: Date = Date()) -> String {
        let s = Int64(now.timeIntervalSince1970)
        let days = s / 86_400
        let (y, m, d) = Timestamp.civilFromDays(days)
        let rem = s % 86_400
        func two(_ v: some BinaryInteger) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return "\(y)\(two(m))\(two(d))T\(two(rem / 3600))\(two(rem / 60 % 60))\(two(rem % 60))Z-\(suffix)"
    }

    /// The artifact folder of a version (created on demand by the writer).
    public func artifactDirectory(tenant: TenantID, kind: Kind, version: String) -> URL {
        modelsDirectory.appendingPathComponent(tenant.rawValue).appendingPathComponent(kind.rawValue).appendingPathComponent(version)
    }

    /// All versions of a kind, newest first.
    public func list(tenant: TenantID, kind: Kind? = nil) async throws -> [ModelVersionDocument] {
        let filter: BSONDocument = kind.map { ["kind": .string($0.rawValue)] } ?? [:]
        return try await versions(tenant).find(filter, sort: ["trained_at": -1, "version": -1]).collect()
    }

    public func active(tenant: TenantID, kind: Kind) async throws -> ModelVersionDocument? {
        try await versions(tenant).findOne(["kind": .string(kind.rawValue), "status": "active"])
    }

    /// Records a new version as `staging` (invisible to readers).
    public func stage(tenant: TenantID, _ document: ModelVersionDocument) async throws {
        var doc = document
        doc.status = "staging"
        try await versions(tenant).insert(doc)
    }

    /// Makes `version` the active one and retires the previous active version, in one transaction.
    public func activate(tenant: TenantID, kind: Kind, version: String, now: Date = Date()) async throws {
        guard try await versions(tenant).findOne(["kind": .string(kind.rawValue), "version": .string(version)]) != nil else {
            throw PipelineError.modelVersionNotFound(tenant: tenant.rawValue, kind: kind.rawValue, version: version)
        }
        try await db.withTransaction { tx in
            let v = tx.tenant(tenant).collection(StoreLayout.modelVersions, as: ModelVersionDocument.self)
            _ = try await v.updateMany(["kind": .string(kind.rawValue), "status": "active", "version": ["$ne": .string(version)]],
                                       ["$set": ["status": "retired"]])
            _ = try await v.updateMany(["kind": .string(kind.rawValue), "version": .string(version)],
                                       ["$set": ["status": "active", "activated_at": .date(now)]])
        }
    }

    /// Re-activates the newest retired version older than the active one.
    @discardableResult
    public func rollback(tenant: TenantID, kind: Kind) async throws -> String {
        let all = try await list(tenant: tenant, kind: kind)
        guard let current = all.first(where: { $0.status == "active" }) else {
            throw PipelineError.modelVersionNotFound(tenant: tenant.rawValue, kind: kind.rawValue, version: "(active)")
        }
        guard let previous = all.first(where: { $0.status == "retired" && $0.trained_at <= current.trained_at && $0.version != current.version }) else {
            throw PipelineError.modelVersionNotFound(tenant: tenant.rawValue, kind: kind.rawValue, version: "(retired, older than \(current.version))")
        }
        try await activate(tenant: tenant, kind: kind, version: previous.version)
        return previous.version
    }

    /// Keeps the active version and the newest `keepRetired` retired ones; removes older retired versions and
    /// staging versions other than `exceptStaging` (left by runs that died), with their result documents and
    /// artifact folders. Returns the versions removed.
    @discardableResult
    public func prune(tenant: TenantID, kind: Kind, keepRetired: Int, exceptStaging: String? = nil) async throws -> [String] {
        let all = try await list(tenant: tenant, kind: kind)
        let retired = all.filter { $0.status == "retired" }.dropFirst(max(0, keepRetired))
        let abandoned = all.filter { $0.status == "staging" && $0.version != exceptStaging }
        var removed: [String] = []
        for v in Array(retired) + abandoned {
            let scope = db.tenant(tenant)
            for c in StoreLayout.versionedCollections {
                try await scope.collection(c, as: BSONDocument.self).deleteMany(["model_version": .string(v.version)])
            }
            try await versions(tenant).deleteMany(["kind": .string(kind.rawValue), "version": .string(v.version)])
            try? FileManager.default.removeItem(at: artifactDirectory(tenant: tenant, kind: kind, version: v.version))
            removed.append(v.version)
        }
        return removed
    }
}
