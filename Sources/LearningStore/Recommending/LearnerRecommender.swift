public import Foundation
import LinearAlgebra
public import Models

/// The one recommendation engine: from a tenant's active recommender (iALS or popularity), its catalog, its rules
/// and the popularity table to one learner's ranked list with a reason and the rule behind each item. The batch
/// phase, the Pub/Sub consumer and the HTTP API call it, and nothing else ranks (as `RiskScorer` is for risk).
/// Pure compute: callers run it on dedicated threads.
///
/// How a list is made (docs/recommendations.md):
/// 1. **Candidates**: courses the catalog offers the learner's organisation now (``CourseCatalogView/isOffered(_:to:at:)``)
///    that no rule excludes — completed, started, listed, in an excluded category, in a language not among the
///    learner's, dismissed within the tenant's `dismissal_days`, or with a prerequisite not completed.
/// 2. **Score**: the model's score (`xᵀy` for the learner's embedding); boosts add their weights (summed, capped at 1)
///    times the best candidate's score.
/// 3. **Pinned** courses take their positions (offered, not completed, prerequisites met), then the best candidates
///    fill the other slots, at most `max_per_category` of one category (pins count).
/// 4. **Fill**: slots left (too few candidates the model knows, or no usable history) take the organisation's most
///    popular candidates, then the tenant's, `rule: "fallback"`.
public struct LearnerRecommender: Sendable {
    /// The recommender a version carries.
    public enum Model: Sendable {
        case ials(ALSModel)
        /// The popularity fallback (a tenant too small for a model): every list is the popularity fill.
        case popularity
    }

    /// How the learner's embedding was obtained.
    public enum Embedding: String, Sendable, Codable {
        /// The learner's row of the trained model (activity unchanged since training).
        case stored
        /// Folded in from the learner's current history.
        case folded_in
        /// No usable history: the popularity fill.
        case none
    }

    /// One item of a list.
    public struct Item: Sendable, Equatable {
        public var courseID: String
        public var title: String
        /// The model's score (the popularity fill: the course's learner count).
        public var score: Double
        public var reason: String
        /// `model`, `boost`, `pinned` or `fallback`.
        public var rule: String
    }

    /// A learner's list.
    public struct List: Sendable, Equatable {
        public var items: [Item]
        public var embedding: Embedding
        public var rulesVersion: Int
    }

    public let model: Model
    public let catalog: CourseCatalogView
    public let popularity: PopularityTable
    public let topK: Int
    /// The rules this engine ranked with, compiled over its catalog, and its per-organisation offer masks.
    let compiledRules = CompiledRulesCache()

    /// One per active recommender version; the tenant's rules come with each call (they change on their own).
    public init(model: Model, catalog: CourseCatalogView, popularity: PopularityTable, topK: Int) {
        self.model = model
        self.catalog = catalog
        self.popularity = popularity
        self.topK = max(0, topK)
    }

    /// The learner's list: the embedding is the model's stored row `storedRow` when given (the learner's activity
    /// has not changed since training), else folded in from the history, else none (the popularity fill).
    public func recommend(_ learner: LearnerContext, rules: VersionedRules, k: Int? = nil, storedRow: Int?, now: Date) throws -> List {
        guard case .ials(let als) = model else { return try rank(learner, scores: nil, embedding: .none, rules: rules, k: k, now: now) }
        let embedding: [Float], mode: Embedding
        if let storedRow {
            embedding = try als.learnerEmbedding(at: storedRow)
            mode = .stored
        } else if learner.hasHistory {
            embedding = try als.foldIn(history: learner.history)
            mode = .folded_in
        } else {
            return try rank(learner, scores: nil, embedding: .none, rules: rules, k: k, now: now)
        }
        guard embedding.contains(where: { $0 != 0 }) else { return try rank(learner, scores: nil, embedding: .none, rules: rules, k: k, now: now) }
        let scores = try BLAS.gemv(als.courseFactors, embedding)
        return try rank(learner, scores: scores, embedding: mode, rules: rules, k: k, now: now)
    }

    /// Ranks with the model's scores for the learner (one per model course; `nil`: no usable embedding).
    /// `k`: the list's length (default: the version's `top_k`).
    public func rank(_ learner: LearnerContext, scores: [Float]?, embedding: Embedding, rules: VersionedRules, k: Int? = nil,
                     now: Date) throws -> List {
        let r = rules.rules
        let k = max(0, k ?? topK)
        guard k > 0 else { return List(items: [], embedding: embedding, rulesVersion: rules.version) }
        if let scores, scores.count != catalog.modelCount {
            throw ModelsError.shapeMismatch("\(scores.count) scores for a model of \(catalog.modelCount) courses")
        }
        let f = catalog.facts, ids = catalog.courses, n = f.count
        let c = compiledRules.compiled(rules, catalog: catalog)
        let offered = compiledRules.offered(to: learner.org, catalog: catalog)
        // The learner's state as a mask over course indices, once per list (the hot path compares integers).
        var blocked = [Bool](repeating: false, count: n)
        func block(_ list: some Sequence<String>) { for id in list { if let i = ids.index(of: id) { blocked[i] = true } } }
        var completed = [Bool](repeating: false, count: n)
        for id in learner.completed { if let i = ids.index(of: id) { completed[i] = true } }
        if r.exclude.completed { block(learner.completed) }
        if r.exclude.in_progress { block(learner.started) }
        block(learner.dismissedUntil.lazy.filter { $0.value > now }.map(\.key))
        var languages = Set<Int32>()
        if r.exclude.other_languages {
            for h in learner.history where h.course < n && c.language[h.course] >= 0 { languages.insert(c.language[h.course]) }
        }
        let filterLanguages = !languages.isEmpty

        func prerequisitesMet(_ i: Int) -> Bool {
            c.prerequisites[i].allSatisfy { completed[$0] } && c.unknownPrerequisites[i].allSatisfy(learner.completed.contains)
        }
        func isCandidate(_ i: Int) -> Bool {
            guard !blocked[i], !c.excluded[i], offered[i], catalog.isWithinWindow(i, at: now) else { return false }
            if filterLanguages, c.language[i] >= 0, !languages.contains(c.language[i]) { return false }
            return prerequisitesMet(i)
        }

        // Slots by position; an item is built only once its slot is final.
        struct Pick {
            var course: Int
            var score: Double
            var rule: String
            var reason: String?
        }
        var slots = [Pick?](repeating: nil, count: k)
        var filled = 0
        var used = [Bool](repeating: false, count: n)
        var perCategory = [Int](repeating: 0, count: c.categoryCount)
        let cap = r.diversity?.max_per_category
        func fits(_ i: Int) -> Bool {
            guard let cap else { return true }
            return c.categories[i].allSatisfy { perCategory[Int($0)] < cap }
        }
        func take(_ i: Int) {
            used[i] = true
            if cap != nil { for cat in c.categories[i] { perCategory[Int(cat)] += 1 } }
        }
        var nextFree = 0
        func place(_ pick: Pick) {
            while nextFree < k, slots[nextFree] != nil { nextFree += 1 }
            guard nextFree < k else { return }
            slots[nextFree] = pick
            filled += 1
        }

        // Pins of the learner's organisation now, by position.
        for pin in r.pinned.sorted(by: { ($0.position, $0.course_id) < ($1.position, $1.course_id) })
        where pin.position <= k && pin.applies(to: learner.org, at: now) {
            guard let i = ids.index(of: pin.course_id), !used[i], slots[pin.position - 1] == nil,
                  offered[i], catalog.isWithinWindow(i, at: now), !completed[i], prerequisitesMet(i)
            else { continue }
            let score = scores.map { i < $0.count ? Double($0[i]) : 0 } ?? 0
            slots[pin.position - 1] = Pick(course: i, score: score, rule: "pinned", reason: "required for your organisation")
            filled += 1
            take(i)
        }

        // The model's candidates by boosted score (ties by course index), walked greedily under the diversity cap.
        var modelPicks: [(course: Int, score: Float, boosted: Bool)] = []
        if let scores, filled < k {
            let open = k - filled
            var best: Float = 0
            var cands: [(course: Int, score: Float, boosted: Float)] = []
            cands.reserveCapacity(cap == nil && r.boosts.isEmpty ? open + 1 : scores.count)
            let boosting = !r.boosts.isEmpty
            if boosting || cap != nil {
                for i in 0..<scores.count where !used[i] && scores[i].isFinite && isCandidate(i) {
                    cands.append((i, scores[i], scores[i]))
                    best = max(best, scores[i])
                }
                if boosting && best > 0 {
                    for j in cands.indices {
                        let w = boostWeight(cands[j].course, boosts: r.boosts, categoryBoost: c.categoryBoost[cands[j].course], now: now)
                        if w > 0 { cands[j].boosted = cands[j].score + Float(w) * best }
                    }
                }
                // The walk rarely needs more than a few candidates beyond `open`: keep the best `limit` by insertion,
                // and sort them all only when the diversity cap skipped so many that the walk ran out.
                let limit = min(cands.count, open * 4 + 16)
                if limit < cands.count {
                    var top: [(course: Int, score: Float, boosted: Float)] = []
                    top.reserveCapacity(limit + 1)
                    for c in cands {
                        if top.count == limit, let last = top.last, !(c.boosted > last.boosted) { continue }
                        var pos = top.count
                        while pos > 0 && top[pos - 1].boosted < c.boosted { pos -= 1 }
                        top.insert(c, at: pos)
                        if top.count > limit { top.removeLast() }
                    }
                    if walk(top, open: open, perCategory: perCategory, cap: cap, categories: c.categories).count >= open {
                        cands = top
                    } else {
                        cands.sort { ($0.boosted, $1.course) > ($1.boosted, $0.course) }
                    }
                } else {
                    cands.sort { ($0.boosted, $1.course) > ($1.boosted, $0.course) }
                }
            } else {
                // No boost and no cap: the best `open` candidates by score, kept sorted as they come.
                for i in 0..<scores.count where !used[i] && scores[i].isFinite {
                    let s = scores[i]
                    if cands.count == open, let last = cands.last, !(s > last.score) { continue }
                    guard isCandidate(i) else { continue }
                    var pos = cands.count
                    while pos > 0 && cands[pos - 1].score < s { pos -= 1 }
                    cands.insert((i, s, s), at: pos)
                    if cands.count > open { cands.removeLast() }
                }
            }
            for pick in walk(cands, open: open, perCategory: perCategory, cap: cap, categories: c.categories) {
                modelPicks.append((pick.course, pick.score, pick.boosted != pick.score))
                take(pick.course)
            }
        }
        let reasons = try modelReasons(learner, courses: modelPicks.map(\.course))
        for (p, why) in zip(modelPicks, reasons) {
            place(Pick(course: p.course, score: Double(p.score), rule: p.boosted ? "boost" : "model", reason: why))
        }

        // The popularity fill: the organisation's order, then the tenant's for what it does not list.
        if filled < k && (r.fallback || scores == nil) {
            let reason = learner.org.map { "popular in your organisation (\($0))" } ?? "popular with learners here"
            func fill(_ order: [PopularityTable.Entry]) {
                for entry in order {
                    if filled >= k { return }
                    guard let i = ids.index(of: entry.course_id), !used[i], isCandidate(i), fits(i) else { continue }
                    take(i)
                    place(Pick(course: i, score: Double(entry.learners), rule: "fallback", reason: reason))
                }
            }
            if let org = learner.org, let own = popularity.orgs[org] { fill(own) }
            fill(popularity.tenant)
        }
        let items = slots.compactMap { $0 }.map { p in
            Item(courseID: ids.id(at: p.course) ?? "", title: f[p.course].title, score: p.score, reason: p.reason ?? "", rule: p.rule)
        }
        return List(items: items, embedding: embedding, rulesVersion: rules.version)
    }

    /// The summed boost weight of course `i` (capped at 1): its categories' boosts (compiled) and the recency boost.
    func boostWeight(_ i: Int, boosts b: RecommendationRules.Boosts, categoryBoost: Double, now: Date) -> Double {
        var w = categoryBoost
        if let days = b.recent_days, b.recent_weight > 0, let at = catalog.facts[i].publishedAt, at <= now,
           now.timeIntervalSince(at) <= Double(days) * 86_400 {
            w += b.recent_weight
        }
        return min(1, w)
    }

    /// The greedy walk: candidates in order, each taken while its categories are under the cap (counts start at
    /// `perCategory`, by category id), until `open` are taken.
    func walk(_ ordered: [(course: Int, score: Float, boosted: Float)], open: Int, perCategory start: [Int], cap: Int?,
              categories: [[Int32]]) -> [(course: Int, score: Float, boosted: Float)] {
        var out: [(course: Int, score: Float, boosted: Float)] = []
        var counts = start
        for c in ordered where out.count < open {
            if let cap, !categories[c.course].allSatisfy({ counts[Int($0)] < cap }) { continue }
            out.append(c)
            if cap != nil { for cat in categories[c.course] { counts[Int(cat)] += 1 } }
        }
        return out
    }

    /// "because you took X" from the history item contributing most to each course's score (Hu et al. §5), or
    /// "popular with learners like you" when none contributes.
    func modelReasons(_ learner: LearnerContext, courses: [Int]) throws -> [String] {
        guard case .ials(let als) = model, !courses.isEmpty else { return courses.map { _ in "popular with learners like you" } }
        guard learner.hasHistory else { return courses.map { _ in "popular with learners like you" } }
        return try als.strongestReasons(history: learner.history, courses: courses).map { why in
            why.map { "because you took \(catalog.title($0.course))" } ?? "popular with learners like you"
        }
    }
}
