import Foundation
import MongoStore
public import LearningEvents

extension ModelRegistry {
    /// Removes what dead runs left of a kind: `staging` versions (the caller holds the kind's lease, so none of
    /// them belongs to a live run), result documents of versions the registry does not know, and artifact
    /// folders without a registry entry. Run under the lease, before staging a new version.
    public func cleanUp(tenant: TenantID, kind: ModelKind, keepRetired: Int) async throws {
        for v in try await list(tenant: tenant, kind: kind) where v.status == .staging {
            try await remove(tenant: tenant, kind: kind, version: v.version)
        }
        let known = Set(try await list(tenant: tenant, kind: kind).map(\.version))
        let scope = db.tenant(tenant)
        for name in kind.resultCollections {
            let coll = scope.collection(name, as: BSONDocument.self)
            let unknown = try await coll.distinct("model_version").compactMap(\.stringValue).filter { !known.contains($0) }
            if !unknown.isEmpty {
                try await coll.deleteMany(["model_version": ["$in": .array(unknown.map(BSON.string))]])
            }
        }
        for stored in try await artifacts.versions(tenant: tenant, kind: kind) where !known.contains(stored) {
            try await artifacts.remove(tenant: tenant, kind: kind, version: stored)
        }
    }

    /// Keeps the active version and the newest `keepRetired` retired ones; removes older retired versions.
    /// Returns the versions removed. Run under the kind's lease.
    @discardableResult
    public func prune(tenant: TenantID, kind: ModelKind, keepRetired: Int) async throws -> [String] {
        let retired = try await list(tenant: tenant, kind: kind).filter { $0.status == .retired }.dropFirst(max(0, keepRetired))
        for v in retired { try await remove(tenant: tenant, kind: kind, version: v.version) }
        return retired.map(\.version)
    }

    /// Deletes a version: its result documents, then its artifact files in the store (skipped for a name that is
    /// not an identifier: it cannot name a place in the store), then (last) its registry entry, so a kill part-way
    /// leaves an entry that the next clean-up finds and finishes.
    func remove(tenant: TenantID, kind: ModelKind, version: String) async throws {
        let scope = db.tenant(tenant)
        for name in kind.resultCollections {
            try await scope.collection(name, as: BSONDocument.self).deleteMany(["model_version": .string(version)])
        }
        try await artifacts.remove(tenant: tenant, kind: kind, version: version)
        try await versions(tenant).deleteMany(["kind": .string(kind.rawValue), "version": .string(version)])
    }
}
