import CBLAS

/// What BLAS implementation is loaded, for `lodestar doctor` and the benchmarks.
public struct BLASInfo: Sendable, Codable, Equatable {
    /// OpenBLAS's build configuration string (version, threading, build target), e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH …`.
    public let config: String
    /// The CPU kernel set OpenBLAS chose at load time (e.g. `SkylakeX`, `Haswell`).
    public let coreName: String
    /// OpenBLAS's current thread count (1 while Lodestar computes; it parallelises over rows itself).
    public let threads: Int
    /// Processors OpenBLAS sees.
    public let processors: Int
    /// When Lodestar replaced a generic fallback core chosen at load time (see docs/models.md), e.g. `Prescott -> SkylakeX`.
    public let coreOverride: String?

    /// Reads the loaded library's configuration.
    public static func current() -> BLASInfo {
        BLASThreads.pin()
        let config = openblas_get_config().map { String(cString: $0) } ?? "unknown"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        return BLASInfo(config: config, coreName: core, threads: BLASThreads.current,
                        processors: Int(openblas_get_num_procs()), coreOverride: BLASCore.override)
    }

    /// Measures single-precision GEMM speed in GFLOP/s (`2·n³` flops per product) on `size × size` matrices, repeating
    /// for at least `minimumSeconds` and reporting the best repetition.
    ///
    /// BLAS runs on `threads` threads during the measurement and is set back to one thread afterwards; the thread count
    /// is process-wide in OpenBLAS, so do not measure while models are training.
    public static func measureSGEMM(size: Int = 1024, threads: Int = 1, minimumSeconds: Double = 0.5) -> Double {
        let n = max(1, size)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(seed >> 40) / Float(1 << 24) - 0.5
        }
        let a = Matrix<Float>(rows: n, columns: n) { _, _ in next() }
        let b = Matrix<Float>(rows: n, columns: n) { _, _ in next() }
        var c = Matrix<Float>(rows: n, columns: n)
        BLASThreads.set(threads)
        defer { BLASThreads.set(1) }
        let clock = ContinuousClock()
        var best = Double.infinity
        var total = 0.0
        var runs = 0
        // One warm-up product, then timed ones.
        _ = try? BLAS.gemm(a, b, into: &c)
        while total < minimumSeconds || runs < 3 {
            let start = clock.now
            _ = try? BLAS.gemm(a, b, into: &c)
            let d = clock.now - start
            let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            best = min(best, s)
            total += s
            runs += 1
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }
}
