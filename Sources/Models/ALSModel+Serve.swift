import LinearAlgebra

extension ALSModel {
    /// The stored embedding of the learner at `index` (a row of ``learnerFactors``).
    public func learnerEmbedding(at index: Int) throws -> [Float] {
        guard index >= 0, index < learnerFactors.rows else { throw ModelsError.unknownIdentifier("learner index \(index)") }
        return Array(learnerFactors.row(index))
    }

    /// Top-`k` courses for one embedding (a stored learner row or a fold-in), best first: the serving path.
    ///
    /// - `excluding`: course indices never returned (courses the learner already has).
    /// - `allowed`: when given (one flag per course), only courses flagged `true` may be returned (the catalog visible
    ///   to the learner's organisation).
    /// An all-zero embedding (no usable history) gets the most popular allowed courses, scored by learner counts.
    ///
    /// ```swift
    /// let x = try model.foldIn(history: history)
    /// let top = try model.recommend(embedding: x, k: 10, excluding: taken, allowed: catalogMask)
    /// ```
    public func recommend(embedding: [Float], k: Int, excluding: Set<Int> = [], allowed: [Bool]? = nil) throws -> [Recommendation] {
        let m = courseFactors.rows
        guard embedding.count == factors else {
            throw ModelsError.shapeMismatch("embedding of \(embedding.count) values for a model of \(factors) factors")
        }
        guard k >= 0 else { throw ModelsError.invalidConfiguration("k must be ≥ 0") }
        if let allowed, allowed.count != m {
            throw ModelsError.shapeMismatch("catalog mask of \(allowed.count) courses for a model of \(m)")
        }
        if k == 0 || m == 0 { return [] }
        guard embedding.contains(where: { $0 != 0 }) else {
            return Self.popular(order: popularityOrder(), popularity: coursePopularity, k: k, excluded: excluding, allowed: allowed)
        }
        var scores = try BLAS.gemv(courseFactors, embedding)
        for c in excluding where c >= 0 && c < m { scores[c] = -.infinity }
        if let allowed {
            for c in 0..<m where !allowed[c] { scores[c] = -.infinity }
        }
        var selector = TopKSelector(k: k)
        scores.withUnsafeBufferPointer { selector.offer(row: $0.baseAddress!, count: m) }
        return selector.result
    }

    /// For each course of `courses`, the history item that contributes most to a learner's score for it (Hu et al.
    /// 2008, §5), with the learner folded in exactly from `history`; `nil` when no item contributes positively.
    /// One system and one factorisation serve every course (`explain(history:course:)` for all of them at once).
    public func strongestReasons(history: [HistoryItem], courses: [Int]) throws -> [Explanation?] {
        guard !courses.isEmpty else { return [] }
        if let bad = courses.first(where: { $0 < 0 || $0 >= courseFactors.rows }) {
            throw ModelsError.unknownIdentifier("course index \(bad)")
        }
        let items = merged(history).filter { $0.weight > 0 }
        guard !items.isEmpty else { return courses.map { _ in nil } }
        let (system, _) = try rowSystem(history: history)
        var a = system
        let f = factors
        // Right-hand sides one after another (column-major f × courses): the course factors.
        var z = [Float](repeating: 0, count: f * courses.count)
        for (j, c) in courses.enumerated() {
            let row = courseFactors.row(c)
            for q in 0..<f { z[j * f + q] = row[row.startIndex + q] }
        }
        do {
            try Cholesky.solveInPlace(&a, &z, rightHandSides: courses.count)
        } catch LinearAlgebraError.notPositiveDefinite {
            throw ModelsError.trainingFailed("explain: system is not positive definite; use regularization > 0")
        }
        return courses.indices.map { j -> Explanation? in
            var best: Explanation? = nil
            for item in items {
                let y = courseFactors.row(item.course)
                var s: Float = 0
                for q in 0..<f { s += z[j * f + q] * y[y.startIndex + q] }
                let contribution = configuration.alpha * item.weight * s
                if contribution > 0, best.map({ contribution > $0.contribution }) ?? true {
                    best = Explanation(course: item.course, contribution: contribution)
                }
            }
            return best
        }
    }
}
