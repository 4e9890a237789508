import CBLAS

/// OpenBLAS's own thread count. Lodestar parallelises over rows itself, so every wrapper pins BLAS to one thread the
/// first time it is called; ``BLASInfo/measureSGEMM(size:threads:minimumSeconds:)`` is the only place that raises it
/// (temporarily, for a measurement).
enum BLASThreads {
    /// Runs `openblas_set_num_threads(1)` exactly once (a global `let` is initialised once, thread-safely).
    private static let pinnedOnce: Void = {
        BLASCore.upgradeGenericCoreIfNeeded()
        openblas_set_num_threads(1)
    }()

    /// Makes sure OpenBLAS runs on one thread.
    @inline(__always)
    static func pin() { _ = pinnedOnce }

    /// Sets OpenBLAS's thread count (measurement only); callers restore 1 afterwards.
    static func set(_ n: Int) {
        pin()
        openblas_set_num_threads(Int32(max(1, min(n, 1024))))
    }

    /// OpenBLAS's current thread count.
    static var current: Int { Int(openblas_get_num_threads()) }
}

/// A dimension as BLAS's `int`, throwing when it does not fit.
@inline(__always)
func blasInt(_ n: Int) throws -> Int32 {
    guard n >= 0, n <= Int(Int32.max) else { throw LinearAlgebraError.dimensionTooLarge(n) }
    return Int32(n)
}

/// Reinterprets a typed pointer of a ``BLASScalar`` as the concrete type the routine wants. Only called after a
/// `S.isDoublePrecision` check, so the types agree.
@inline(__always)
func rebound<S: BLASScalar, T>(_ p: UnsafePointer<S>, to _: T.Type) -> UnsafePointer<T> {
    UnsafeRawPointer(p).assumingMemoryBound(to: T.self)
}

@inline(__always)
func rebound<S: BLASScalar, T>(_ p: UnsafeMutablePointer<S>, to _: T.Type) -> UnsafeMutablePointer<T> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: T.self)
}
