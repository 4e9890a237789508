public import EventSources
import LearningStore
public import MongoStore
import Pipeline

/// Lists the tenants a job's `tenants: all` stands for when it fires or is triggered.
public protocol TenantDirectory: Sendable {
    func tenants(for job: JobDefinition, params: [String: String]) async throws -> [String]
}

/// The tenants in the job's export for a kind that reads one (what `lodestar run --all` covers), else the tenants
/// Lodestar holds data for (`learner_features`, `model_versions`).
public struct DefaultTenantDirectory: TenantDirectory {
    public let db: MongoDatabase
    /// How `gs://` sources are reached when the tenants are listed from the export.
    public let storage: RemoteStorage

    public init(db: MongoDatabase, storage: RemoteStorage = RemoteStorage()) {
        self.db = db
        self.storage = storage
    }

    public func tenants(for job: JobDefinition, params: [String: String]) async throws -> [String] {
        if case .only(let list) = job.tenants { return list }
        if job.kind.readsExport {
            guard let source = params["source"] else { throw SchedulerError.noTenants(job: job.name, reason: "no source to list them from") }
            let list = source.split(separator: ",").map(String.init)
            return try await RefreshJob.tenants(inExport: list, storage: storage).filter(TenantName.isValid)
        }
        var all = Set<String>()
        for c in [StoreLayout.features.name, StoreLayout.modelVersions.name] {
            for t in try await db.tenantIDs(in: c) { all.insert(t.rawValue) }
        }
        return all.sorted()
    }
}
