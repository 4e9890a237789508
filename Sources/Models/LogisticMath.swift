/// Numerically careful logistic helpers.
enum LogisticMath {
    @inline(__always)
    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + mathExp(-z)) : { let e = mathExp(z); return e / (1 + e) }()
    }

    /// `log(p / (1 − p))` with `p` clipped to [1e-9, 1 − 1e-9].
    @inline(__always)
    static func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-9), 1 - 1e-9)
        return mathLog(q / (1 - q))
    }

    /// `log(1 + e^z) − y·z`, the logistic loss of label `y ∈ {0, 1}` at log-odds `z`, without overflow.
    @inline(__always)
    static func loss(_ z: Double, _ y: Double) -> Double {
        (z > 0 ? z + mathLog1p(mathExp(-z)) : mathLog1p(mathExp(z))) - y * z
    }
}
