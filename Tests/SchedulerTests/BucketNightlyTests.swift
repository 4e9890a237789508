import EventSources
import Foundation
import GoogleCloud
import LearningStore
import LinearAlgebra
import LodestarTestSupport
import Logging
import MongoStore
import Pipeline
import SampleData
import Testing
@testable import Scheduler
import LearningEvents

/// The shipped `jobs/nightly-refresh.yaml`, its source and catalog pointed at a bucket of the GCS emulator, fired by
/// its cron on a manual clock: the scheduler's executor reads the bucket (the storage access the executable hands it)
/// and publishes to the shared artifact store (GridFS), where a loader with an empty cache (another replica) finds
/// every active version.
@Suite struct BucketNightlyTests {
    /// A generated export uploaded to a new bucket: `events/…` and `courses/…`.
    static func bucketExport(tenants: Int = 2, learners: Int = 300) async throws -> (GCSClient, TestBucket) {
        let bucket = try await TestBucket.create("exports")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-bucket-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try await runOnDedicatedThread { _ in
            try Generator(config: GeneratorConfig(tenants: tenants, learners: learners, seed: 11))
                .run(directory: dir.path, format: .ndjson, codec: .null, gzip: false, rowsPerFile: 1_000_000)
        }
        for table in ["events", "courses"] { try await bucket.upload(folder: dir.appendingPathComponent(table), as: table) }
        return (GCSClient(endpoint: URL(string: bucket.host)!), bucket)
    }

    @Test func shippedNightlyJobRunsFromItsCronOverABucketAndPublishesToTheSharedStore() async throws {
        let t = try TestDatabase("bucket_nightly")
        let (gcs, bucket) = try await Self.bucketExport()
        let jobsDir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: jobsDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: jobsDir) }
        try bucket.shippedNightlyJob().write(to: jobsDir.appendingPathComponent("nightly-refresh.yaml"), atomically: true, encoding: .utf8)
        var job = try #require(try JobCatalog.load(directory: jobsDir.path).jobs.first { $0.name == "nightly-refresh" })
        #expect(job.tenants == .all)
        // The test keeps the shipped schedule, source and catalog; it skips the held-out evaluations to stay quick.
        job.params["evaluate"] = "false"
        job.params["search"] = "false"

        let storage = RemoteStorage(gcs: gcs)
        let store = ArtifactStore(backend: GridFSArtifacts(db: t.db))
        var base = RefreshOptions(source: ["-"], modelsDirectory: URL(fileURLWithPath: "/nonexistent-models"))
        base.threads = 2
        base.storage = storage
        base.artifacts = store
        // 01:58 in Rome (UTC+1 in December): the 02:00 run is two minutes away.
        let clock = ManualClock(utc("2026-12-07T00:58"))
        var c = SchedulerConfiguration(owner: "host:1:cron", leaseDuration: .seconds(60), pollInterval: .seconds(1), maxConcurrentRuns: 2)
        c.retentionInterval = .seconds(86_400 * 365)
        var logger = Logger(label: "test.bucket-nightly")
        logger.logLevel = .error
        let s = Scheduler(jobs: [job], db: t.db, executor: PipelineRunExecutor(db: t.db, baseOptions: base),
                          tenants: DefaultTenantDirectory(db: t.db, storage: storage), configuration: c, clock: clock, logger: logger,
                          random: { 0.5 })
        try await s.prepare()
        await s.tick()
        #expect(try await allRuns(t.db).isEmpty)
        clock.advance(by: 125)
        await s.tick()
        await s.waitForIdle()
        let runs = try await allRuns(t.db)
        #expect(runs.map(\.tenant_id).sorted() == ["tenant-000", "tenant-001"], "tenants listed from the bucket's export")
        #expect(runs.allSatisfy { $0.status == .succeeded }, "\(runs.map { "\($0._id) \($0.status) \($0.error ?? "")" })")
        #expect(runs.allSatisfy { ($0.metrics?.rows_read ?? 0) > 1000 })

        // Another replica (its own empty cache, no shared disk) loads every tenant's active versions from the store.
        let cache = ArtifactCache(folder: jobsDir.appendingPathComponent("replica-cache"), maxBytes: 1 << 30)
        let loader = ModelArtifactLoader(store: ArtifactStore(backend: GridFSArtifacts(db: t.db), cache: cache),
                                         compute: ComputeThreads(count: 1, name: "test-loader"))
        let registry = ModelRegistry(db: t.db, artifacts: store)
        for tenant in ["tenant-000", "tenant-001"] {
            let id = try TenantID(validating: tenant)
            let rec = try #require(try await registry.active(tenant: id, kind: .recommender))
            let risk = try #require(try await registry.active(tenant: id, kind: .risk))
            #expect(rec.artifact_store == "mongodb" && rec.artifact_files?.isEmpty == false)
            if !ModelArtifactLoader.isPopularity(rec) { #expect(try await loader.recommender(id, rec) != nil) }
            _ = try await loader.risk(id, risk)
        }
        #expect(cache.totalBytes > 0, "downloads were cached by checksum")
        try await t.finish()
    }
}
