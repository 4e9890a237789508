import Models

/// The recommender of a small tenant (a `popularity` version has no embeddings): courses by how many learners have
/// them in `learner_features`, computed when the version is loaded.
struct PopularityModel: Sendable {
    let courses: IDMap
    let popularity: [Int]
    let order: [Int]

    init(counts: [(course: String, learners: Int)]) {
        courses = IDMap(counts.map(\.course))
        var pop = [Int](repeating: 0, count: courses.count)
        for c in counts { if let i = courses.index(of: c.course) { pop[i] += c.learners } }
        popularity = pop
        order = pop.indices.sorted { (pop[$0], $1) > (pop[$1], $0) }
    }

    /// The `k` most popular allowed courses the learner does not have.
    func recommend(k: Int, excluding: Set<Int>, allowed: [Bool]?) -> [Recommendation] {
        var out: [Recommendation] = []
        for c in order where out.count < k {
            if excluding.contains(c) || allowed?[c] == false { continue }
            out.append(Recommendation(course: c, score: Float(popularity[c])))
        }
        return out
    }
}
