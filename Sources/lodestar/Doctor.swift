import ArgumentParser
import Foundation
import LinearAlgebra
import MongoStore

/// `lodestar doctor`: which BLAS/LAPACK is really loaded and how fast, whether MongoDB answers and can do
/// change streams, and the effective configuration. Exits non-zero, with the reasons, when a part is missing.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check BLAS/LAPACK, MongoDB and the configuration; exit non-zero when a part is missing.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Matrix size for the sgemm measurement.")
    var gemmSize = 1024

    @Flag(help: "Skip the MongoDB checks (for machines that only train).")
    var noMongo = false

    func validate() throws {
        try FlagRange.check(gemmSize, 16...8192, "--gemm-size")
    }

    func run() async throws {
        let config = Configuration(overrides: connection)
        var problems: [String] = []

        print("BLAS / LAPACK")
        let blas = BLASInfo.current()
        print("  implementation  \(blas.config)")
        print("  core            \(blas.coreName)\(blas.coreOverride.map { " (override: \($0))" } ?? "")")
        print("  threads         \(blas.threads) per call (Lodestar parallelises over rows; \(blas.processors) processors seen)")
        if !blas.config.localizedCaseInsensitiveContains("openblas") {
            problems.append("BLAS is not OpenBLAS (\(blas.config)): install libopenblas-dev")
        }
        let one = BLASInfo.measureSGEMM(size: gemmSize, threads: 1, minimumSeconds: 0.3)
        let all = BLASInfo.measureSGEMM(size: gemmSize, threads: max(1, blas.processors), minimumSeconds: 0.3)
        print("  sgemm \(gemmSize)²     \(format(one)) GFLOP/s on 1 thread, \(format(all)) on \(blas.processors)")
        if one < 5 { problems.append("sgemm runs at \(format(one)) GFLOP/s: a reference BLAS is loaded, not OpenBLAS") }
        do {
            let x = try Cholesky.solve(try Matrix<Float>(rows: 2, columns: 2, elements: [4, 2, 2, 3]), [Float(2), 1])
            let ok = abs(x[0] - 0.5) < 1e-5 && abs(x[1]) < 1e-5
            print("  LAPACK posv     \(ok ? "ok" : "WRONG RESULT")")
            if !ok { problems.append("LAPACK sposv returned a wrong solution") }
        } catch {
            print("  LAPACK posv     FAILED: \(error)")
            problems.append("LAPACK sposv failed: \(error)")
        }

        if !noMongo {
            print("MongoDB")
            do {
                let uri = config.mongoURI.contains("serverSelectionTimeoutMS") ? config.mongoURI
                    : config.mongoURI + (config.mongoURI.contains("?") ? "&" : (config.mongoURI.hasSuffix("/") ? "?" : "/?")) + "serverSelectionTimeoutMS=3000"
                let client = try MongoClient(uri: uri, appName: "lodestar-doctor")
                let info = try await client.serverInfo()
                print("  server          \(info.version) at \(client.redactedURI)")
                print("  replica set     \(info.replicaSetName ?? "none (standalone)")")
                if info.supportsChangeStreams {
                    let probe = try await probeChangeStream(client.database(config.database))
                    print("  change streams  \(probe ? "available" : "NOT available")")
                    if !probe { problems.append("change streams do not work on this server") }
                } else {
                    print("  change streams  NOT available (needs a replica set)")
                    problems.append("MongoDB is standalone: change streams and transactions need a replica set")
                }
            } catch {
                print("  server          UNREACHABLE: \(error)")
                problems.append("MongoDB at \(MongoClient.redactForDisplay(config.mongoURI)) did not answer: \(error)")
            }
        }

        print("Configuration (environment, then flags)")
        for (name, value) in config.describe(redactingURI: MongoClient.redactForDisplay(config.mongoURI)) {
            print("  \(name.padding(toLength: 31, withPad: " ", startingAt: 0)) \(value)")
        }

        if problems.isEmpty {
            print("doctor: all parts present")
        } else {
            for p in problems { print("doctor: PROBLEM: \(p)") }
            throw ExitCode(1)
        }
    }

    /// Opens a change stream on a scratch collection, writes a probe document and waits (5 s at most) to see it
    /// arrive: opening a stream proves less than receiving from one.
    private func probeChangeStream(_ db: MongoDatabase) async throws -> Bool {
        let scratch = db.system(.leases, as: BSONDocument.self)
        let key = "doctor-probe-\(UInt32.random(in: 0...UInt32.max))"
        let stream = try await scratch.watch(maxAwait: .milliseconds(200)).opened()
        try await scratch.insert(["_id": .string(key), "probe": .string(key)])
        let watcher = Task { () throws -> Bool in
            var it = stream
            while let event = try await it.next() {
                if event.fullDocument?["probe"] == .string(key) { return true }
            }
            return false  // cancelled by the deadline
        }
        let deadline = Task {
            try await Task.sleep(for: .seconds(5))
            watcher.cancel()
        }
        let seen = (try? await watcher.value) ?? false
        deadline.cancel()
        _ = try await scratch.deleteMany(["probe": .string(key)])
        return seen
    }

    private func format(_ v: Double) -> String { String(Int(v.rounded())) }
}
