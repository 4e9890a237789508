public import LinearAlgebra

extension ALSModel {
    /// Top-`k` courses for each learner in `learners` (indices into ``learners``), best first.
    ///
    /// Scores come from one sgemm per block of learners against all courses, then partial selection.
    /// - `excluding`: a learner-major matrix (for instance the training interactions) whose stored courses are never
    ///   recommended to that learner (enrolled/completed).
    /// - `exclusions`: extra course indices to exclude, one list per entry of `learners` (or empty).
    /// - `candidates`: when given, only these courses may be recommended (the catalog visible to the learners'
    ///   organisation).
    /// `blockSize` learners × `courseChunk` courses form one score tile (one sgemm, kept in cache); the running top-K of
    /// each learner carries across chunks.
    /// Learners without history (an all-zero embedding, e.g. no interactions at training time) get the most popular
    /// allowed courses instead, with their learner counts as scores.
    public func recommend(
        learners indices: [Int], k: Int, excluding seen: SparseMatrix? = nil, exclusions: [[Int]] = [],
        candidates: Set<Int>? = nil, threads: Int? = nil, blockSize: Int = 256, courseChunk: Int = 2048,
        cancellation: CancellationFlag? = nil
    ) throws -> [[Recommendation]] {
        let m = courseFactors.rows, f = factors
        guard k >= 0 else { throw ModelsError.invalidConfiguration("k must be ≥ 0") }
        guard blockSize >= 1 else { throw ModelsError.invalidConfiguration("blockSize must be ≥ 1") }
        if let bad = indices.first(where: { $0 < 0 || $0 >= learnerFactors.rows }) {
            throw ModelsError.unknownIdentifier("learner index \(bad)")
        }
        if let seen, seen.rows != learnerFactors.rows || seen.columns != m {
            throw ModelsError.shapeMismatch("excluded interactions \(seen.rows)×\(seen.columns) vs model "
                + "\(learnerFactors.rows)×\(m)")
        }
        guard exclusions.isEmpty || exclusions.count == indices.count else {
            throw ModelsError.shapeMismatch("\(exclusions.count) exclusion lists for \(indices.count) learners")
        }
        for list in exclusions {
            if let bad = list.first(where: { $0 < 0 || $0 >= m }) {
                throw ModelsError.unknownIdentifier("excluded course index \(bad)")
            }
        }
        let allowed = try candidateMask(candidates)
        if m == 0 || k == 0 { return indices.map { _ in [] } }
        let popular = popularityOrder()
        let n = indices.count
        let blocks = (n + blockSize - 1) / blockSize
        let threadCount = max(1, threads ?? configuration.threads)
        let results = Slots<[Recommendation]>(n, initial: [])
        // Courses in chunks so a block's score tile (blockSize × chunk) stays in cache; each chunk is one sgemm.
        let chunk = max(1, min(m, courseChunk))
        var chunks: [(range: Range<Int>, factors: Matrix<Float>)] = []
        for c0 in stride(from: 0, to: m, by: chunk) {
            let c1 = min(m, c0 + chunk)
            chunks.append((c0..<c1, try Matrix(rows: c1 - c0, columns: f,
                                                elements: Array(courseFactors.elements[(c0 * f)..<(c1 * f)]))))
        }
        let courseChunks = chunks
        let scratch = (0..<threadCount).map { _ in
            TopKScratch(rows: blockSize, factors: f, courses: chunk, k: k)
        }
        try parallelFor(blocks: blocks, threads: threadCount, cancellation: cancellation) { b, t in
            let lo = b * blockSize, hi = min(n, lo + blockSize), rows = hi - lo
            let s = scratch[t]
            s.resize(rows: rows)
            var empty = [Bool](repeating: false, count: rows)
            s.users.elements.withUnsafeMutableBufferPointer { ub in
                learnerFactors.elements.withUnsafeBufferPointer { lf in
                    for j in 0..<rows {
                        let src = lf.baseAddress! + indices[lo + j] * f
                        (ub.baseAddress! + j * f).update(from: src, count: f)
                        var zero = true
                        for q in 0..<f where src[q] != 0 {
                            zero = false
                            break
                        }
                        empty[j] = zero
                        s.selectors[j].reset()
                    }
                }
            }
            for (range, factors) in courseChunks {
                let width = range.count, c0 = range.lowerBound
                let tile = width == s.scores.columns ? 0 : 1  // the last, narrower chunk has its own buffer
                if tile == 1 && (s.lastScores.columns != width || s.lastScores.rows != rows) {
                    s.lastScores = Matrix(rows: rows, columns: width)
                }
                if tile == 0 {
                    try BLAS.gemm(s.users, factors, transposeB: true, into: &s.scores)
                } else {
                    try BLAS.gemm(s.users, factors, transposeB: true, into: &s.lastScores)
                }
                func scan(_ sb: UnsafeMutableBufferPointer<Float>) {
                    for j in 0..<rows where !empty[j] {
                        let u = indices[lo + j]
                        let row = sb.baseAddress! + j * width
                        if let allowed {
                            for c in range where !allowed[c] { row[c - c0] = -.infinity }
                        }
                        if let seen {
                            for e in seen.rowStart[u]..<seen.rowStart[u + 1] {
                                let c = Int(seen.columnIndices[e])
                                if range.contains(c) { row[c - c0] = -.infinity }
                            }
                        }
                        if !exclusions.isEmpty {
                            for c in exclusions[lo + j] where range.contains(c) { row[c - c0] = -.infinity }
                        }
                        s.selectors[j].offer(row: row, count: width, offset: c0)
                    }
                }
                if tile == 0 {
                    s.scores.elements.withUnsafeMutableBufferPointer { scan($0) }
                } else {
                    s.lastScores.elements.withUnsafeMutableBufferPointer { scan($0) }
                }
            }
            for j in 0..<rows {
                if empty[j] {
                    let u = indices[lo + j]
                    var excluded = Set(exclusions.isEmpty ? [] : exclusions[lo + j])
                    if let seen { for e in seen.rowStart[u]..<seen.rowStart[u + 1] { excluded.insert(Int(seen.columnIndices[e])) } }
                    results.set(lo + j, Self.popular(order: popular, popularity: coursePopularity, k: k,
                                                     excluded: excluded, allowed: allowed))
                } else {
                    results.set(lo + j, s.selectors[j].result)
                }
            }
        }
        return results.values
    }

    /// The `k` most popular courses, optionally limited to `candidates` and without `excluding`: the fallback for a
    /// learner the model does not know.
    public func popularCourses(k: Int, excluding: Set<Int> = [], candidates: Set<Int>? = nil) throws -> [Recommendation] {
        let allowed = try candidateMask(candidates)
        var out: [Recommendation] = []
        for c in popularityOrder() where out.count < k {
            if excluding.contains(c) || allowed?[c] == false { continue }
            out.append(Recommendation(course: c, score: Float(coursePopularity[c])))
        }
        return out
    }

    /// Courses most similar to `course` by cosine similarity of the course embeddings (the course itself excluded).
    public func similarCourses(to course: Int, k: Int, candidates: Set<Int>? = nil) throws -> [Recommendation] {
        guard course >= 0, course < courseFactors.rows else {
            throw ModelsError.unknownIdentifier("course index \(course)")
        }
        let allowed = try candidateMask(candidates)
        var dots = try BLAS.gemv(courseFactors, Array(courseFactors.row(course)))
        let norms = (0..<courseFactors.rows).map { i in
            courseFactors.row(i).reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        }
        let own = norms[course]
        for i in dots.indices {
            let d = norms[i] * own
            dots[i] = (i == course || d == 0 || allowed?[i] == false) ? -.infinity : dots[i] / d
        }
        var selector = TopKSelector(k: k)
        dots.withUnsafeBufferPointer { selector.offer(row: $0.baseAddress!, count: $0.count) }
        return selector.result
    }

    func candidateMask(_ candidates: Set<Int>?) throws -> [Bool]? {
        guard let candidates else { return nil }
        var mask = [Bool](repeating: false, count: courseFactors.rows)
        for c in candidates {
            guard c >= 0, c < mask.count else { throw ModelsError.unknownIdentifier("candidate course index \(c)") }
            mask[c] = true
        }
        return mask
    }

    func popularityOrder() -> [Int] {
        coursePopularity.indices.sorted { (coursePopularity[$0], $1) > (coursePopularity[$1], $0) }
    }

    static func popular(order: [Int], popularity: [Int], k: Int, excluded: Set<Int>, allowed: [Bool]?)
        -> [Recommendation]
    {
        var out: [Recommendation] = []
        for c in order where out.count < k && !excluded.contains(c) && allowed?[c] != false {
            out.append(Recommendation(course: c, score: Float(popularity[c])))
        }
        return out
    }
}
