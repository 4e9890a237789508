import Foundation
import GoogleCloud
import LearningStore
import LodestarTestSupport
import MongoStore
import Testing
import LearningEvents

@Suite("Artifact store: GridFS, gs:// and folders, checked by size and SHA-256, cached per replica")
struct ArtifactStoreTests {
    static let tenant: TenantID = "acme"
    static let other: TenantID = "globex"

    func version(_ name: String = ModelRegistry.newVersionName()) -> ModelVersionDocument {
        ModelVersionDocument(kind: .recommender, version: name, metrics: ["ndcg10": 0.2], trained_at: Date(), artifact: "",
                             data_window_start: nil, data_window_end: nil, hyperparameters: ["method": "ials"])
    }

    /// A bucket of the GCS emulator started by scripts/test.
    static func bucket() async throws -> (GCSClient, String) {
        let bucket = try await TestBucket.create("artifacts")
        return (GCSClient(endpoint: URL(string: bucket.host)!), bucket.name)
    }

    static func bytes(_ n: Int, seed: UInt8) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) } }

    @Test("GridFS: a round trip through libmongoc's bucket (multi-chunk), replace, list per tenant, delete")
    func gridFSRoundTrip() async throws {
        let t = try StoreTestDatabase("gridfs")
        let files = t.db.tenant(Self.tenant).files
        let big = Self.bytes(700_000, seed: 3)  // three GridFS chunks
        try await files.put("recommender/v1/model.bin", bytes: big, metadata: ["kind": "recommender", "version": "v1"])
        #expect(try await files.get("recommender/v1/model.bin", maxBytes: 1 << 20) == big)
        let small = Self.bytes(10, seed: 9)
        try await files.put("recommender/v1/model.bin", bytes: small, metadata: ["kind": "recommender", "version": "v1"])
        #expect(try await files.get("recommender/v1/model.bin", maxBytes: 1 << 20) == small, "a put replaces the file")
        try await files.put("recommender/v1/empty", bytes: [], metadata: ["kind": "recommender", "version": "v1"])
        #expect(try await files.get("recommender/v1/empty", maxBytes: 10) == [])
        await #expect(throws: MongoError.self) { _ = try await files.get("recommender/v1/model.bin", maxBytes: 5) }
        // Another tenant sees none of it, by name or by listing.
        let theirs = t.db.tenant(Self.other).files
        #expect(try await theirs.get("recommender/v1/model.bin", maxBytes: 1 << 20) == nil)
        #expect(try await theirs.list().isEmpty)
        #expect(Set(try await files.list(metadata: ["kind": "recommender"]).map(\.name)) == ["recommender/v1/model.bin", "recommender/v1/empty"])
        #expect(try await files.delete("recommender/v1/model.bin"))
        #expect(try await !files.delete("recommender/v1/model.bin"))
        #expect(try await files.get("recommender/v1/model.bin", maxBytes: 1 << 20) == nil)
        try await t.finish()
    }

    /// The same contract for every backend: files round-trip, versions list per tenant and kind, deletes are idempotent.
    func contract(_ backend: any ArtifactBackend) async throws {
        let v = ModelRegistry.newVersionName()
        let key = try ArtifactKey(tenant: Self.tenant, kind: .recommender, version: v, file: .model)
        let bytes = Self.bytes(100_000, seed: 1)
        try await backend.put(key, bytes: bytes)
        try await backend.put(try ArtifactKey(tenant: Self.tenant, kind: .recommender, version: v, file: .card), bytes: Array("{}".utf8))
        #expect(try await backend.get(key, maxBytes: 1 << 20) == bytes)
        #expect(try await backend.versions(tenant: Self.tenant, kind: .recommender) == [v])
        #expect(try await backend.versions(tenant: Self.tenant, kind: .risk).isEmpty)
        #expect(try await backend.versions(tenant: Self.other, kind: .recommender).isEmpty)
        let theirs = try ArtifactKey(tenant: Self.other, kind: .recommender, version: v, file: .model)
        #expect(try await backend.get(theirs, maxBytes: 1 << 20) == nil)
        try await backend.deleteVersion(tenant: Self.tenant, kind: .recommender, version: v)
        #expect(try await backend.get(key, maxBytes: 1 << 20) == nil)
        #expect(try await backend.versions(tenant: Self.tenant, kind: .recommender).isEmpty)
        try await backend.delete(key)  // idempotent
    }

    @Test("every backend keeps the same contract")
    func backends() async throws {
        let t = try StoreTestDatabase("backends")
        try await contract(GridFSArtifacts(db: t.db))
        try await contract(FolderArtifacts(root: t.models))
        let (gcs, bucket) = try await Self.bucket()
        try await contract(GCSArtifacts(client: gcs, bucket: bucket, prefix: "lodestar/artifacts"))
        try await t.finish()
    }

    @Test("gs://: an object above the resumable threshold goes up in parts and comes back whole")
    func resumableUpload() async throws {
        let (gcs, bucket) = try await Self.bucket()
        let big = Data(Self.bytes(GCSClient.resumableThreshold + 3 * 262_144 + 17, seed: 5))
        let object = try await gcs.upload(bucket: bucket, name: "big/model.bin", data: big)
        #expect(object.size == Int64(big.count))
        #expect(try await gcs.download(bucket: bucket, name: "big/model.bin", maxBytes: big.count) == big)
        #expect(try await gcs.delete(bucket: bucket, name: "big/model.bin"))
        #expect(try await gcs.download(bucket: bucket, name: "big/model.bin", maxBytes: big.count) == nil)
    }

    @Test("publish records size and SHA-256 before activation; a read checks them, fills the cache, and a tampered store fails")
    func publishRecordsAndVerifies() async throws {
        let t = try StoreTestDatabase("publish-gridfs")
        let cacheDir = t.models.appendingPathComponent(".artifact-cache")
        let store = ArtifactStore(backend: GridFSArtifacts(db: t.db), cache: ArtifactCache(folder: cacheDir, maxBytes: 1 << 20))
        let registry = ModelRegistry(db: t.db, artifacts: store)
        let model = Self.bytes(5000, seed: 7)
        let v = version()
        try await registry.publish(tenant: Self.tenant, version: v, artifacts: VersionArtifacts(model: model, summary: "test")) { 0 }
        let active = try #require(try await registry.active(tenant: Self.tenant, kind: .recommender))
        let record = try #require(active.artifact_files?.first { $0.file == .model })
        #expect(record.bytes == 5000)
        #expect(record.sha256.count == 64)
        #expect(active.artifact_store == "mongodb")
        #expect(active.artifact_files?.contains { $0.file == .card } == true)

        // A second replica: its own empty cache, the same database.
        let replicaCache = t.models.appendingPathComponent("replica-b")
        let replica = ArtifactStore(backend: GridFSArtifacts(db: t.db), cache: ArtifactCache(folder: replicaCache, maxBytes: 1 << 20))
        #expect(try await replica.read(tenant: Self.tenant, version: active, file: .model) == model)
        #expect(FileManager.default.fileExists(atPath: replicaCache.appendingPathComponent(record.sha256).path), "cached by checksum")

        // Tampered in the store: an uncached replica refuses it; a damaged cache entry is dropped, not served.
        try await t.db.tenant(Self.tenant).files.put("recommender/\(v.version)/model.bin", bytes: Self.bytes(5000, seed: 8))
        let cold = ArtifactStore(backend: GridFSArtifacts(db: t.db))
        await #expect(throws: LearningStoreError.self) { _ = try await cold.read(tenant: Self.tenant, version: active, file: .model) }
        try Data(Self.bytes(5000, seed: 9)).write(to: replicaCache.appendingPathComponent(record.sha256))
        await #expect(throws: LearningStoreError.self) { _ = try await replica.read(tenant: Self.tenant, version: active, file: .model) }
        #expect(!FileManager.default.fileExists(atPath: replicaCache.appendingPathComponent(record.sha256).path))

        // A stored version name that is not an identifier is never used as a location.
        var bad = active
        bad.version = "../../etc"
        await #expect(throws: LearningStoreError.invalidVersionName("../../etc")) {
            _ = try await replica.read(tenant: Self.tenant, version: bad, file: .model)
        }
        try await t.finish()
    }

    @Test("prune deletes retired versions' files from the store; clean-up deletes files without a registry entry")
    func pruneDeletesFromTheStore() async throws {
        let t = try StoreTestDatabase("prune-gridfs")
        let backend = GridFSArtifacts(db: t.db)
        let registry = ModelRegistry(db: t.db, artifacts: ArtifactStore(backend: backend))
        let orphan = ModelRegistry.newVersionName()
        try await backend.put(try ArtifactKey(tenant: Self.tenant, kind: .recommender, version: orphan, file: .model), bytes: [1, 2, 3])
        var names: [String] = []
        for i in 0..<4 {
            let v = version(ModelRegistry.newVersionName(now: Date(timeIntervalSince1970: 1_800_000_000 + Double(i))))
            names.append(v.version)
            try await registry.publish(tenant: Self.tenant, version: v, artifacts: VersionArtifacts(model: [UInt8(i)], summary: ""),
                                       keepRetired: 1) { 0 }
        }
        let stored = try await backend.versions(tenant: Self.tenant, kind: .recommender)
        #expect(stored == Set(names.suffix(2)), "active + one retired kept; older ones and the orphan deleted")
        try await t.finish()
    }

    @Test("the cache stays within its bound, evicting the least recently used entries")
    func cacheBound() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ArtifactCache(folder: dir, maxBytes: 2500)
        // Entries get modification times an hour apart in the past (file timestamps are too coarse to order entries
        // written back to back); a hit touches an entry to now, which makes it the most recently used.
        let past = Date().addingTimeInterval(-86_400)
        var shas: [String] = []
        for i in 0..<4 {
            let b = Self.bytes(1000, seed: UInt8(i))
            let sha = ArtifactStore.sha256Hex(b)
            shas.append(sha)
            cache.put(sha256: sha, bytes: b)
            try? FileManager.default.setAttributes([.modificationDate: past.addingTimeInterval(Double(i) * 3600)],
                                                   ofItemAtPath: dir.appendingPathComponent(sha).path)
            if i == 1 { _ = cache.get(sha256: shas[0], bytes: 1000) }  // entry 1 is now the least recently used
        }
        #expect(cache.totalBytes <= 2500)
        #expect(cache.get(sha256: shas[3], bytes: 1000) != nil)
        #expect(cache.get(sha256: shas[1], bytes: 1000) == nil, "the least recently used entry was evicted")
        #expect(cache.get(sha256: shas[0], bytes: 1000) != nil, "the entry read since stayed")
    }
}
