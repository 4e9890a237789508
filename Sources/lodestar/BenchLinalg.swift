import ArgumentParser
import Foundation
import LinearAlgebra

/// Hidden benchmark command for `bench/run linalg`: measures sgemm GFLOP/s and prints one JSON line.
struct BenchLinalg: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-linalg", abstract: "Measure sgemm GFLOP/s (benchmark helper).", shouldDisplay: false)

    @Option(help: "Matrix size n (n×n · n×n).") var size = 2048
    @Option(help: "BLAS threads during the measurement.") var threads = 2
    @Option(help: "Minimum measuring time in seconds.") var seconds = 2.0

    func validate() throws {
        try FlagRange.check(size, 16...16_384, "--size")
        try FlagRange.check(threads, 1...256, "--threads")
        try FlagRange.check(seconds, 0.01...3600, "--seconds")
    }

    func run() throws {
        let gflops = BLASInfo.measureSGEMM(size: size, threads: threads, minimumSeconds: seconds)
        let info = BLASInfo.current()
        let core = info.coreName.replacingOccurrences(of: "\"", with: "'")
        let config = info.config.replacingOccurrences(of: "\"", with: "'")
        print("{\"suite\": \"linalg\", \"size\": \(size), \"threads\": \(threads), \"sgemm_gflops\": \(gflops), "
              + "\"core\": \"\(core)\", \"core_override\": \"\(info.coreOverride ?? "none")\", "
              + "\"config\": \"\(config)\"}")
    }
}
