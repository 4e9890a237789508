import Foundation
public import MongoStore
public import LearningEvents

/// Writes refused rows to the `quarantine` platform collection and reads them back per tenant or run.
public struct QuarantineStore: Sendable {
    public let db: MongoDatabase

    public init(db: MongoDatabase) { self.db = db }

    var collection: SystemCollection<QuarantineDocument> { db.system(.quarantine, as: QuarantineDocument.self) }

    /// Stores `rows`, once per fingerprint: a row already stored by an earlier run of the same files gets its
    /// `last_seen_at`, `run_id` and `expires_at` refreshed and is not stored again.
    public func record(_ rows: [QuarantineDocument]) async throws {
        guard !rows.isEmpty else { return }
        let updates: [(filter: BSONDocument, update: BSONDocument)] = try rows.map { row in
            var insert = try BSONEncoder().encode(row)
            for k in ["fingerprint", "last_seen_at", "run_id", "expires_at"] { insert[k] = nil }
            return (filter: ["fingerprint": .string(row.fingerprint)],
                    update: ["$setOnInsert": .document(insert),
                             "$set": ["last_seen_at": .date(row.last_seen_at), "run_id": .string(row.run_id),
                                      "expires_at": .date(row.expires_at)]])
        }
        _ = try await collection.bulkUpdate(updates)
    }

    /// A tenant's quarantined rows, newest first.
    public func rows(tenant: TenantID, limit: Int = 100) async throws -> [QuarantineDocument] {
        try await collection.find(["tenant_id": .string(tenant.rawValue)], sort: ["recorded_at": -1], limit: max(1, limit)).collect()
    }

    /// The rows a run saw (stored by it, or seen again by it).
    public func rows(run: String) async throws -> [QuarantineDocument] {
        try await collection.find(["run_id": .string(run)]).collect()
    }
}
