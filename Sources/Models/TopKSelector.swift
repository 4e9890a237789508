/// Keeps the `k` highest-scoring candidates seen so far (partial selection: O(n) with a small sorted buffer, no full
/// sort). Ties keep the lower index first.
struct TopKSelector {
    let k: Int
    private(set) var indices: [Int32]
    private(set) var scores: [Float]

    init(k: Int) {
        self.k = max(0, k)
        indices = []
        scores = []
        indices.reserveCapacity(self.k + 1)
        scores.reserveCapacity(self.k + 1)
    }

    /// The score a candidate must beat to enter (−∞ until `k` are held).
    @inline(__always)
    var threshold: Float { scores.count < k ? -.infinity : scores[k - 1] }

    mutating func reset() {
        indices.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
    }

    /// Offers a candidate; kept when it beats the current k-th score.
    @inline(__always)
    mutating func offer(_ index: Int, _ score: Float) {
        guard k > 0, score > threshold else { return }
        var pos = scores.count
        while pos > 0 && scores[pos - 1] < score { pos -= 1 }
        scores.insert(score, at: pos)
        indices.insert(Int32(index), at: pos)
        if scores.count > k {
            scores.removeLast()
            indices.removeLast()
        }
    }

    /// Offers every element of a score row, skipping masked ones.
    mutating func offer(row: UnsafePointer<Float>, count: Int, offset: Int = 0) {
        var t = threshold
        var i = 0
        // Skip 8 scores at a time while none beats the threshold (the common case once k are held): a branch-free
        // maximum, then one comparison.
        while i + 8 <= count {
            let p = row + i
            let m0 = p[0] > p[1] ? p[0] : p[1], m1 = p[2] > p[3] ? p[2] : p[3]
            let m2 = p[4] > p[5] ? p[4] : p[5], m3 = p[6] > p[7] ? p[6] : p[7]
            let n0 = m0 > m1 ? m0 : m1, n1 = m2 > m3 ? m2 : m3
            if (n0 > n1 ? n0 : n1) > t {
                for q in i..<(i + 8) where row[q] > t {
                    offer(q + offset, row[q])
                    t = threshold
                }
            }
            i += 8
        }
        while i < count {
            if row[i] > t {
                offer(i + offset, row[i])
                t = threshold
            }
            i += 1
        }
    }

    /// The selection, best first.
    var result: [Recommendation] {
        zip(indices, scores).map { Recommendation(course: Int($0), score: $1) }
    }
}
