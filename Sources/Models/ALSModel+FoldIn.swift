import LinearAlgebra

extension ALSModel {
    /// The embedding of a learner with this history against the fixed course factors (exact least squares, the same
    /// system a Cholesky training step solves). Used for new or updated learners without retraining.
    public func foldIn(history: [HistoryItem]) throws -> [Float] {
        let (system, rhs) = try rowSystem(history: history)
        var a = system, x = rhs
        if x.allSatisfy({ $0 == 0 }) { return x }
        do {
            try Cholesky.solveInPlace(&a, &x)
        } catch LinearAlgebraError.notPositiveDefinite {
            throw ModelsError.trainingFailed("fold-in system is not positive definite; use regularization > 0")
        }
        return x
    }

    /// Each history item's contribution to the score of `course` for a learner with `history` (folded in exactly):
    /// with `W = A_u⁻¹`, item `j` contributes `c_uj · y_courseᵀ W y_j`. Sorted by contribution, largest first.
    public func explain(history: [HistoryItem], course: Int) throws -> [Explanation] {
        guard course >= 0, course < courseFactors.rows else {
            throw ModelsError.unknownIdentifier("course index \(course)")
        }
        let (system, _) = try rowSystem(history: history)
        var a = system
        var z = Array(courseFactors.row(course))
        do {
            try Cholesky.solveInPlace(&a, &z)
        } catch LinearAlgebraError.notPositiveDefinite {
            throw ModelsError.trainingFailed("explain: system is not positive definite; use regularization > 0")
        }
        var out: [Explanation] = []
        for item in merged(history) where item.weight > 0 {
            let c = configuration.alpha * item.weight
            let s = zip(z, courseFactors.row(item.course)).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            out.append(Explanation(course: item.course, contribution: c * s))
        }
        return out.sorted { ($0.contribution, $1.course) > ($1.contribution, $0.course) }
    }

    /// Sums duplicate courses of a history.
    func merged(_ history: [HistoryItem]) -> [HistoryItem] {
        var sums: [Int: Float] = [:]
        for h in history { sums[h.course, default: 0] += h.weight }
        return sums.keys.sorted().map { HistoryItem(course: $0, weight: sums[$0]!) }
    }

    func rowSystem(history: [HistoryItem]) throws -> (Matrix<Float>, [Float]) {
        if let bad = history.first(where: { $0.course < 0 || $0.course >= courseFactors.rows }) {
            throw ModelsError.unknownIdentifier("course index \(bad.course)")
        }
        if let bad = history.first(where: { !$0.weight.isFinite }) {
            throw ModelsError.invalidConfiguration("history weight must be finite (got \(bad.weight))")
        }
        let items = merged(history)
        let columns = items.map { Int32($0.course) }, values = items.map(\.weight)
        let positives = values.filter { $0 > 0 }.count
        let lambda = configuration.rowRegularization(count: positives, otherSideCount: courseFactors.rows)
        var system = Matrix<Float>(rows: factors, columns: factors)
        var rhs = [Float](repeating: 0, count: factors)
        try courseFactors.elements.withUnsafeBufferPointer { yb in
            guard let base = yb.baseAddress else { throw ModelsError.shapeMismatch("the model has no courses") }
            try ALSRowSystem.build(
                entries: 0..<items.count, columns: columns, values: values, fixed: base, gram: courseGram,
                lambda: lambda, configuration: configuration, system: &system, rhs: &rhs)
        }
        return (system, rhs)
    }
}
