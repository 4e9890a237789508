/// Platt scaling: a calibrated probability `σ(a · logit(p) + b)` of a model's probability `p`, with `a` and `b`
/// fitted on held-out data by Newton's method. Targets may be fractional (a held-out row whose outcome is not known
/// yet can carry an estimate of it). The identity (`a = 1`, `b = 0`) leaves probabilities unchanged.
public struct PlattScaling: Sendable, Equatable, Codable {
    public var a: Double
    public var b: Double

    public init(a: Double = 1, b: Double = 0) {
        self.a = a
        self.b = b
    }

    public static let identity = PlattScaling()

    /// The calibrated probability of `p` (clipped to [1e-9, 1 − 1e-9] first).
    public func apply(_ p: Double) -> Double {
        LogisticMath.sigmoid(a * LogisticMath.logit(p) + b)
    }

    /// Fits `a` and `b` to minimise the (weighted) log-loss of `targets` in 0…1, plus `ridge/2 · ((a − 1)² + b²)`,
    /// which keeps the fit near the identity when the held-out rows are few or carry no signal.
    public static func fit(probabilities: [Double], targets: [Double], weights: [Double]? = nil, ridge: Double = 1) throws -> PlattScaling {
        guard probabilities.count == targets.count, weights.map({ $0.count == targets.count }) ?? true else {
            throw ModelsError.shapeMismatch("\(probabilities.count) probabilities, \(targets.count) targets")
        }
        guard targets.allSatisfy({ $0 >= 0 && $0 <= 1 }), probabilities.allSatisfy(\.isFinite), ridge >= 0 else {
            throw ModelsError.invalidConfiguration("Platt scaling needs finite probabilities, targets in 0…1 and ridge ≥ 0")
        }
        let z = probabilities.map(LogisticMath.logit)
        var a = 1.0, b = 0.0
        func objective(_ a: Double, _ b: Double) -> Double {
            var loss = 0.5 * ridge * ((a - 1) * (a - 1) + b * b)
            for i in z.indices {
                let e = a * z[i] + b, w = weights?[i] ?? 1
                loss += w * (max(e, 0) + mathLog1p(mathExp(-abs(e))) - targets[i] * e)
            }
            return loss
        }
        var current = objective(a, b)
        for _ in 0..<100 {
            var g0 = ridge * (a - 1), g1 = ridge * b, h00 = ridge, h01 = 0.0, h11 = ridge
            for i in z.indices {
                let q = LogisticMath.sigmoid(a * z[i] + b), w = weights?[i] ?? 1
                let r = w * (q - targets[i]), s = w * q * (1 - q)
                g0 += r * z[i]
                g1 += r
                h00 += s * z[i] * z[i]
                h01 += s * z[i]
                h11 += s
            }
            h00 += 1e-12
            h11 += 1e-12
            let det = h00 * h11 - h01 * h01
            guard det > 0, det.isFinite else { break }
            let da = (h11 * g0 - h01 * g1) / det, db = (h00 * g1 - h01 * g0) / det
            var scale = 1.0
            var moved = false
            while scale >= 1.0 / 1024 {
                let next = objective(a - scale * da, b - scale * db)
                if next <= current + 1e-12 * abs(current) {
                    a -= scale * da
                    b -= scale * db
                    current = next
                    moved = true
                    break
                }
                scale /= 2
            }
            if !moved || max(abs(da), abs(db)) * scale < 1e-10 { break }
        }
        guard a.isFinite, b.isFinite else { throw ModelsError.trainingFailed("Platt scaling did not converge") }
        return PlattScaling(a: a, b: b)
    }
}
