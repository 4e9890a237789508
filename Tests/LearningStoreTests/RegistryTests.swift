import Foundation
import LearningStore
import MongoStore
import Testing
import LearningEvents

@Suite("Model registry: staging → active under the tenant's lease", .serialized)
struct RegistryTests {
    static let tenant: TenantID = "acme"

    func version(_ name: String = ModelRegistry.newVersionName()) -> ModelVersionDocument {
        ModelVersionDocument(kind: .recommender, version: name, metrics: ["ndcg10": 0.2], trained_at: Date(), artifact: "",
                             data_window_start: nil, data_window_end: nil, hyperparameters: [:])
    }

    /// Writes `n` recommendation documents under `version`; returns `n`.
    func writer(_ db: MongoDatabase, _ version: String, _ n: Int = 50) -> @Sendable () async throws -> Int {
        {
            let docs = (0..<n).map {
                RecommendationDocument(learner_id: "L\($0)", items: [.init(course_id: "c1", score: 1, reason: "r")], model_version: version,
                                       model_kind: "ials", computed_at: Date())
            }
            try await StoreLayout.recommendations.upsert(docs, in: db.tenant(RegistryTests.tenant))
            return n
        }
    }

    func activeCount(_ registry: ModelRegistry) async throws -> Int {
        try await registry.list(tenant: Self.tenant, kind: .recommender).filter { $0.status == .active }.count
    }

    /// Versions named by result documents that the registry does not know.
    func unknownVersions(_ db: MongoDatabase, _ registry: ModelRegistry) async throws -> Set<String> {
        let known = Set(try await registry.list(tenant: Self.tenant).map(\.version))
        let named = try await db.tenant(Self.tenant).collection(StoreLayout.recommendations.name, as: BSONDocument.self)
            .distinct("model_version").compactMap(\.stringValue)
        return Set(named).subtracting(known)
    }

    @Test("publish writes, activates and retires; artifacts are private; old versions are pruned registry-entry last")
    func publishAndPrune() async throws {
        let t = try StoreTestDatabase("publish")
        try await StoreLayout.ensureIndexes(t.db)
        let registry = ModelRegistry(db: t.db, modelsDirectory: t.models)
        var names: [String] = []
        for i in 0..<5 {
            let v = version("2026010\(i)T000000Z-\(i)")
            names.append(v.version)
            let r = try await registry.publish(tenant: Self.tenant, version: v, artifacts: VersionArtifacts(model: [1, 2, 3], summary: "test"),
                                               keepRetired: 2, write: writer(t.db, v.version))
            #expect(r.documents == 50)
            #expect(try await activeCount(registry) == 1)
        }
        let all = try await registry.list(tenant: Self.tenant, kind: .recommender)
        #expect(all.map(\.version) == names.reversed().prefix(3).map { $0 }, "active + two retired kept")
        #expect(all.first?.status == .active && all.dropFirst().allSatisfy { $0.status == .retired && $0.isComplete })
        #expect(try await unknownVersions(t.db, registry).isEmpty)
        let dir = registry.artifactDirectory(tenant: Self.tenant, kind: .recommender, version: names[4])!
        let attrs = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("model.bin").path)
        #expect((attrs[.posixPermissions] as? NSNumber)?.int16Value == 0o600)
        let dirAttrs = try FileManager.default.attributesOfItem(atPath: dir.path)
        #expect((dirAttrs[.posixPermissions] as? NSNumber)?.int16Value == 0o700)
        #expect(!FileManager.default.fileExists(atPath: registry.artifactDirectory(tenant: Self.tenant, kind: .recommender, version: names[0])!.path))
        try await t.finish()
    }

    @Test("a failure before activation leaves the previous version active; the next publish cleans up after it")
    func crashBeforeActivation() async throws {
        let t = try StoreTestDatabase("crash")
        try await StoreLayout.ensureIndexes(t.db)
        let registry = ModelRegistry(db: t.db, modelsDirectory: t.models)
        let first = version()
        try await registry.publish(tenant: Self.tenant, version: first, artifacts: .init(model: nil, summary: ""), write: writer(t.db, first.version))
        struct Crash: Error {}
        let doomed = version()
        await #expect(throws: Crash.self) {
            try await registry.publish(tenant: Self.tenant, version: doomed, artifacts: .init(model: [9], summary: ""),
                                       beforeActivation: { throw Crash() }, write: writer(t.db, doomed.version))
        }
        #expect(try await registry.active(tenant: Self.tenant, kind: .recommender)?.version == first.version)
        #expect(try await registry.list(tenant: Self.tenant).contains { $0.version == doomed.version && $0.status == .staging })
        // Documents of a version nobody registered (a zombie run's late writes) and a stray artifact folder.
        _ = try await writer(t.db, "zombie-version", 5)()
        let stray = t.models.appendingPathComponent("acme/recommender/stray")
        try FileManager.default.createDirectory(at: stray, withIntermediateDirectories: true)

        let next = version()
        try await registry.publish(tenant: Self.tenant, version: next, artifacts: .init(model: nil, summary: ""), write: writer(t.db, next.version))
        let all = try await registry.list(tenant: Self.tenant)
        #expect(!all.contains { $0.status == .staging }, "the abandoned staging version is gone")
        #expect(try await unknownVersions(t.db, registry).isEmpty, "documents of unknown versions are swept")
        #expect(!FileManager.default.fileExists(atPath: stray.path), "orphan artifact folders are pruned")
        #expect(!FileManager.default.fileExists(atPath: registry.artifactDirectory(tenant: Self.tenant, kind: .recommender, version: doomed.version)!.path))
        try await t.finish()
    }

    @Test("activation is conditional: a staging version removed under a run (a zombie's) is not activated")
    func conditionalActivation() async throws {
        let t = try StoreTestDatabase("conditional")
        let registry = ModelRegistry(db: t.db, modelsDirectory: t.models)
        let first = version()
        try await registry.publish(tenant: Self.tenant, version: first, artifacts: .init(model: nil, summary: ""), write: writer(t.db, first.version))
        let second = version()
        let versions = t.db.tenant(Self.tenant).collection(StoreLayout.modelVersions.name, as: BSONDocument.self)
        await #expect(throws: LearningStoreError.activationConflict(tenant: "acme", kind: .recommender, version: second.version)) {
            try await registry.publish(tenant: Self.tenant, version: second, artifacts: .init(model: nil, summary: ""),
                                       beforeActivation: { _ = try await versions.deleteMany(["version": .string(second.version)]) },
                                       write: writer(t.db, second.version))
        }
        #expect(try await registry.active(tenant: Self.tenant, kind: .recommender)?.version == first.version)
        #expect(try await activeCount(registry) == 1)
        try await t.finish()
    }

    @Test("activate and rollback refuse versions that are not complete")
    func refuseIncomplete() async throws {
        let t = try StoreTestDatabase("incomplete")
        let registry = ModelRegistry(db: t.db, modelsDirectory: t.models)
        let a = version("20260101T000000Z-a"), b = version("20260102T000000Z-b")
        try await registry.publish(tenant: Self.tenant, version: a, artifacts: .init(model: nil, summary: ""), write: writer(t.db, a.version))
        try await registry.publish(tenant: Self.tenant, version: b, artifacts: .init(model: nil, summary: ""), write: writer(t.db, b.version))
        var half = version("20260103T000000Z-c")
        half.complete = false
        try await StoreLayout.modelVersions.collection(in: t.db.tenant(Self.tenant)).insert(half)
        await #expect(throws: LearningStoreError.versionIncomplete(tenant: "acme", kind: .recommender, version: half.version)) {
            try await registry.activate(tenant: Self.tenant, kind: .recommender, version: half.version)
        }
        // The retired one is complete: rollback works; marked incomplete, it is refused.
        #expect(try await registry.rollback(tenant: Self.tenant, kind: .recommender) == a.version)
        try await registry.activate(tenant: Self.tenant, kind: .recommender, version: b.version)
        _ = try await StoreLayout.modelVersions.collection(in: t.db.tenant(Self.tenant))
            .updateMany(["version": .string(a.version)], ["$set": ["complete": false]])
        await #expect(throws: LearningStoreError.self) { try await registry.rollback(tenant: Self.tenant, kind: .recommender) }
        #expect(try await registry.active(tenant: Self.tenant, kind: .recommender)?.version == b.version)
        try await t.finish()
    }

    @Test("three publishers of one tenant at once take turns: one active version, nothing unknown left")
    func concurrentPublishers() async throws {
        let t = try StoreTestDatabase("concurrent")
        try await StoreLayout.ensureIndexes(t.db)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<3 {
                group.addTask {
                    let registry = ModelRegistry(db: t.db, modelsDirectory: t.models,
                                                 leases: LeaseManager(db: t.db, duration: .seconds(15), holder: "replica-\(i)"))  // renewals survive a stalled test server
                    let v = version()
                    try await registry.publish(tenant: Self.tenant, version: v, artifacts: .init(model: [UInt8(i)], summary: ""),
                                               leaseWait: .seconds(60), write: writer(t.db, v.version, 200))
                }
            }
            try await group.waitForAll()
        }
        let registry = ModelRegistry(db: t.db, modelsDirectory: t.models)
        #expect(try await activeCount(registry) == 1)
        #expect(try await registry.list(tenant: Self.tenant).count == 3, "one active, two retired")
        #expect(try await unknownVersions(t.db, registry).isEmpty)
        let active = try #require(try await registry.active(tenant: Self.tenant, kind: .recommender))
        #expect(try await StoreLayout.recommendations.collection(in: t.db.tenant(Self.tenant)).count(["model_version": .string(active.version)]) == 200)
        try await t.finish()
    }
}
