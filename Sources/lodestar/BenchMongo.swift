import ArgumentParser
import Foundation
import MongoStore

/// Hidden: the Lodestar side of `bench/run mongo`. Upserts `--docs` small documents into a fresh database
/// through a tenant scope, reads them back, and prints one JSON line with docs/s for each.
struct BenchMongo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-mongo", shouldDisplay: false)

    @OptionGroup var connection: ConnectionOptions
    @Option var docs = 100_000
    @Option var batchSize = 1000
    @Option var concurrency = 4

    func validate() throws {
        try FlagRange.check(docs, 1...100_000_000, "--docs")
        try FlagRange.check(batchSize, 1...100_000, "--batch-size")
        try FlagRange.check(concurrency, 1...64, "--concurrency")
    }

    struct Row: Codable, Sendable {
        var learner_id: String
        var course_id: String
        var score: Double
        var n: Int
    }

    func run() async throws {
        let config = Configuration(overrides: connection)
        let client = try MongoClient(uri: config.mongoURI, appName: "lodestar-bench")
        let db = client.database("bench_lodestar_\(UInt32.random(in: 0...UInt32.max))")
        try await db.createIndexes([IndexSpec(keys: ["tenant_id": 1, "learner_id": 1, "course_id": 1], unique: true)], on: "bench_rows")
        let coll = db.tenant("bench").collection("bench_rows", as: Row.self)
        let rows = (0..<docs).map { Row(learner_id: "l-\($0 / 10)", course_id: "c-\($0 % 10)", score: Double($0 % 97) / 97, n: $0) }

        let clock = ContinuousClock()
        let t0 = clock.now
        let result = try await coll.bulkUpsert(rows, key: ["learner_id", "course_id"], batchSize: batchSize, concurrency: concurrency)
        let upsertSeconds = seconds(clock.now - t0)
        guard result.upserted == docs else { throw ValidationError("upserted \(result.upserted) of \(docs)") }

        let t1 = clock.now
        var read = 0
        for try await _ in coll.find(batchSize: 1000) { read += 1 }
        let readSeconds = seconds(clock.now - t1)
        guard read == docs else { throw ValidationError("read back \(read) of \(docs)") }
        try await db.drop()
        print(#"{"upsert_docs_per_s": \#(Double(docs) / upsertSeconds), "read_docs_per_s": \#(Double(docs) / readSeconds)}"#)
    }

    private func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
}
