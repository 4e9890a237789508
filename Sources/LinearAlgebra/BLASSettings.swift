import Foundation

/// Settings the executable hands to LinearAlgebra before the first BLAS call (libraries do not read the
/// environment themselves).
public enum BLASSettings {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var userCore = false
    // nonisolated(unsafe): read and written only under `lock`.

    /// Tells LinearAlgebra that the user chose OpenBLAS's core (`OPENBLAS_CORETYPE` was set), so the automatic
    /// upgrade from a generic core must not happen. Call before any BLAS work (e.g. at the start of `main`).
    public static func userChoseCore(_ chose: Bool) { lock.withLock { userCore = chose } }

    static var userChoseCore: Bool { lock.withLock { userCore } }
}
