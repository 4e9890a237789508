import ArgumentParser
import EventSources
#if canImport(Glibc)
import Glibc
#endif

/// Hidden: decodes and validates files for `bench/run ingest`; prints one JSON line.
struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ingest", abstract: "Decode + validate files, print rows/s (for bench/run ingest).",
        shouldDisplay: false)

    @Argument var paths: [String]
    @Option(help: "Files decoded at once (one task each).") var parallel: Int = 2

    func validate() throws {
        try FlagRange.check(parallel, 1...64, "--parallel")
    }

    func run() async throws {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let t0 = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        let files = try await ExportSource(paths).files().map(\.description)
        var valid = 0
        var bad = 0
        var failed = 0
        if parallel <= 1 {
            // One source over all files, read one after another (the normal path; what the RSS rows measure).
            for try await batch in ExportSource(files).batches() {
                valid += batch.count
                bad += batch.quarantined.count
                if batch.failure != nil { failed += 1 }
            }
        } else {
            // Files are independent: decode up to `parallel` of them at once.
            try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
                var next = 0
                func add() {
                    let f = files[next]
                    next += 1
                    group.addTask {
                        var v = 0, b = 0, x = 0
                        for try await batch in ExportSource([f]).batches() {
                            v += batch.count
                            b += batch.quarantined.count
                            if batch.failure != nil { x += 1 }
                        }
                        return (v, b, x)
                    }
                }
                while next < min(parallel, files.count) { add() }
                while let (v, b, x) = try await group.next() {
                    valid += v
                    bad += b
                    failed += x
                    if next < files.count { add() }
                }
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let secs = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 - t0
        print("{\"rows\":\(valid + bad),\"valid\":\(valid),\"bad\":\(bad),\"failed_files\":\(failed),\"seconds\":\(secs),\"rows_per_s\":\(Double(valid + bad) / secs)}")
    }
}
