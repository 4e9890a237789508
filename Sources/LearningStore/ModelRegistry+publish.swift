import Foundation
import MongoStore
public import LearningEvents

/// What a publishing run writes besides its documents: the artifact folder's files.
public struct VersionArtifacts: Sendable {
    /// `model.bin` (the Models artifact), if the version has one (the popularity fallback has none).
    public var model: [UInt8]?
    /// A line for people in `card.json` ("learners 3000, courses 120, …").
    public var summary: String
    /// Further sections of `card.json` for people, as lines (the risk backtest, the recommender's search trace).
    public var details: [String: [String]]
    /// A recommender's popularity table (`popularity.json`), the fill order the consumer and the API share.
    public var popularity: PopularityTable?

    public init(model: [UInt8]?, summary: String, details: [String: [String]] = [:], popularity: PopularityTable? = nil) {
        self.model = model
        self.summary = summary
        self.details = details
        self.popularity = popularity
    }
}

/// What `ModelRegistry.publish` did.
public struct PublishResult: Sendable, Equatable {
    /// Result documents written under the new version.
    public var documents: Int
    /// Old versions removed after activation.
    public var pruned: [String]
}

extension ModelRegistry {
    /// Publishes `version` of `tenant`: under the lease `publish:<tenant>:<kind>` (waiting up to `leaseWait` for
    /// a run already publishing), cleans up after dead runs, stages the version, writes its artifacts, runs
    /// `write` (which writes every result document under the version's name and returns how many), marks it
    /// complete, activates it in a transaction that confirms the lease, and prunes old versions.
    ///
    /// A failure or a kill anywhere before activation leaves the previous version active; `beforeActivation` is a
    /// test hook that runs just before the activation transaction (it may throw to simulate a crash there).
    @discardableResult
    public func publish(tenant: TenantID, version: ModelVersionDocument, artifacts: VersionArtifacts, keepRetired: Int = 2,
                        leaseWait: Duration = .seconds(600), beforeActivation: (@Sendable () async throws -> Void)? = nil,
                        write: @escaping @Sendable () async throws -> Int) async throws -> PublishResult {
        let kind = version.kind
        return try await leases.withLease(Self.leaseName(tenant: tenant, kind: kind), waitingUpTo: leaseWait) { lease in
            try await cleanUp(tenant: tenant, kind: kind, keepRetired: keepRetired)
            var doc = version
            doc.status = .staging
            doc.complete = false
            doc.owner = lease.owner
            doc.activated_at = nil
            doc.artifact_store = self.artifacts.location
            try await versions(tenant).insert(doc)
            // Artifacts only once the staging record exists, so stored files never lack their registry entry for
            // long (and `cleanUp` removes files without one).
            let files = try ArtifactWriter.files(document: doc, tenant: tenant.rawValue, artifacts: artifacts)
            let records = try await self.artifacts.write(tenant: tenant, kind: kind, version: doc.version, files: files)
            let written = try await write()
            try Task.checkCancellation()
            let marked = try await versions(tenant).updateMany(
                ["kind": .string(kind.rawValue), "version": .string(doc.version), "status": .string(VersionStatus.staging.rawValue),
                 "owner": .string(lease.owner)],
                ["$set": ["complete": true, "documents": .int64(Int64(written)),
                          "artifact_files": try BSONEncoder().encodeValue(records)]])
            guard marked.matched == 1 else {
                throw LearningStoreError.activationConflict(tenant: tenant.rawValue, kind: kind, version: doc.version)
            }
            if let beforeActivation { try await beforeActivation() }
            try await activateInTransaction(tenant: tenant, kind: kind, version: doc.version, lease: lease, requireStaging: true)
            let pruned = try await prune(tenant: tenant, kind: kind, keepRetired: keepRetired)
            return PublishResult(documents: written, pruned: pruned)
        }
    }

    /// Makes `version` active by hand (`lodestar models activate`): it must exist and be complete.
    public func activate(tenant: TenantID, kind: ModelKind, version: String, leaseWait: Duration = .seconds(30)) async throws {
        try await leases.withLease(Self.leaseName(tenant: tenant, kind: kind), waitingUpTo: leaseWait) { lease in
            guard let v = try await versions(tenant).findOne(["kind": .string(kind.rawValue), "version": .string(version)]) else {
                throw LearningStoreError.versionNotFound(tenant: tenant.rawValue, kind: kind, version: version)
            }
            guard v.isComplete else { throw LearningStoreError.versionIncomplete(tenant: tenant.rawValue, kind: kind, version: version) }
            try await activateInTransaction(tenant: tenant, kind: kind, version: version, lease: lease, requireStaging: false)
        }
    }

    /// Re-activates the newest complete retired version older than the active one; returns its name.
    @discardableResult
    public func rollback(tenant: TenantID, kind: ModelKind, leaseWait: Duration = .seconds(30)) async throws -> String {
        try await leases.withLease(Self.leaseName(tenant: tenant, kind: kind), waitingUpTo: leaseWait) { lease in
            let all = try await list(tenant: tenant, kind: kind)
            guard let current = all.first(where: { $0.status == .active }) else {
                throw LearningStoreError.noActiveVersion(tenant: tenant.rawValue, kind: kind)
            }
            guard let previous = all.first(where: {
                $0.status == .retired && $0.isComplete && $0.trained_at <= current.trained_at && $0.version != current.version
            }) else {
                throw LearningStoreError.noOlderVersion(tenant: tenant.rawValue, kind: kind, active: current.version)
            }
            try await activateInTransaction(tenant: tenant, kind: kind, version: previous.version, lease: lease, requireStaging: false)
            return previous.version
        }
    }

    /// One transaction: the lease is still ours (and written, so a takeover conflicts), the version is complete
    /// (and `staging` when publishing), it becomes active and the previous active version retired.
    func activateInTransaction(tenant: TenantID, kind: ModelKind, version: String, lease: Lease, requireStaging: Bool) async throws {
        let leases = leases, activationGuard = activationGuard
        try await db.withTransaction { tx in
            try await leases.confirm(lease, in: tx)
            if let activationGuard { try await activationGuard(tx) }
            let v = StoreLayout.modelVersions.collection(in: tx.tenant(tenant))
            let now = Date()
            var target: BSONDocument = ["kind": .string(kind.rawValue), "version": .string(version)]
            if requireStaging {
                target["status"] = .string(VersionStatus.staging.rawValue)
                target["complete"] = true
            } else {
                target["status"] = ["$in": [.string(VersionStatus.retired.rawValue), .string(VersionStatus.active.rawValue),
                                            .string(VersionStatus.staging.rawValue)]]
            }
            let activated = try await v.updateMany(target, ["$set": ["status": .string(VersionStatus.active.rawValue), "activated_at": .date(now)]])
            guard activated.matched == 1 else {
                throw LearningStoreError.activationConflict(tenant: tenant.rawValue, kind: kind, version: version)
            }
            _ = try await v.updateMany(["kind": .string(kind.rawValue), "status": .string(VersionStatus.active.rawValue),
                                        "version": ["$ne": .string(version)]],
                                       ["$set": ["status": .string(VersionStatus.retired.rawValue), "retired_at": .date(now)]])
        }
    }
}
