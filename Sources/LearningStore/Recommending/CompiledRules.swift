import Foundation
import Synchronization

/// A tenant's rules laid over one engine's catalog as per-course tables, so that ranking a list compares integers:
/// courses the rules exclude outright, prerequisites as course indices, languages and categories as small integers, the
/// static part of the boost weights. Built once per (engine, rules) and kept by ``CompiledRulesCache``.
struct CompiledRules: Sendable {
    let rules: VersionedRules
    /// Excluded by `exclude.courses` or `exclude.categories`.
    let excluded: [Bool]
    /// Prerequisites (catalog and rules) as course indices; `unknown` lists those the catalog does not know, by id.
    let prerequisites: [[Int]]
    let unknownPrerequisites: [[String]]
    /// Language id per course (-1: none).
    let language: [Int32]
    /// Category ids per course (each once), and how many there are.
    let categories: [[Int32]]
    let categoryCount: Int
    /// The category boosts' sum per course (the recency boost depends on the time and is added per list).
    let categoryBoost: [Double]

    init(_ rules: VersionedRules, catalog: CourseCatalogView) {
        self.rules = rules
        let r = rules.rules, f = catalog.facts, ids = catalog.courses, n = f.count
        let excludedCourses = Set(r.exclude.courses), excludedCategories = Set(r.exclude.categories)
        var languageIDs: [String: Int32] = [:], categoryIDs: [String: Int32] = [:]
        var excluded = [Bool](repeating: false, count: n), language = [Int32](repeating: -1, count: n)
        var prerequisites = [[Int]](repeating: [], count: n), unknown = [[String]](repeating: [], count: n)
        var categories = [[Int32]](repeating: [], count: n), categoryBoost = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let id = ids.id(at: i) ?? ""
            excluded[i] = excludedCourses.contains(id) || f[i].categories.contains(where: excludedCategories.contains)
            if let lang = f[i].language {
                if languageIDs[lang] == nil { languageIDs[lang] = Int32(languageIDs.count) }
                language[i] = languageIDs[lang]!
            }
            for need in f[i].prerequisites + (r.prerequisites[id] ?? []) {
                if let j = ids.index(of: need) { prerequisites[i].append(j) } else { unknown[i].append(need) }
            }
            for (j, c) in f[i].categories.enumerated() where !f[i].categories[..<j].contains(c) {
                if categoryIDs[c] == nil { categoryIDs[c] = Int32(categoryIDs.count) }
                categories[i].append(categoryIDs[c]!)
                categoryBoost[i] += r.boosts.categories[c] ?? 0
            }
        }
        self.excluded = excluded
        self.prerequisites = prerequisites
        self.unknownPrerequisites = unknown
        self.language = language
        self.categories = categories
        categoryCount = categoryIDs.count
        self.categoryBoost = categoryBoost
    }
}

/// An engine's compiled rules (the last few rule sets it ranked with) and its per-organisation offer masks (the
/// catalog's organisations and published flag; the publication window is checked per list). Shared by the copies of
/// one engine.
final class CompiledRulesCache: Sendable {
    private struct State {
        var rules: [CompiledRules] = []
        var masks: [String?: [Bool]] = [:]
    }
    private let state = Mutex(State())

    /// The compiled form of `rules` over `catalog`.
    func compiled(_ rules: VersionedRules, catalog: CourseCatalogView) -> CompiledRules {
        if let hit = state.withLock({ s in s.rules.first { $0.rules == rules } }) { return hit }
        let c = CompiledRules(rules, catalog: catalog)
        state.withLock { s in
            s.rules.insert(c, at: 0)
            if s.rules.count > 4 { s.rules.removeLast() }
        }
        return c
    }

    /// Courses offered to a learner of `org` apart from the publication window (in the catalog when the tenant has
    /// one, published, `org_ids` empty or naming `org`).
    func offered(to org: String?, catalog: CourseCatalogView) -> [Bool] {
        if let hit = state.withLock({ $0.masks[org] }) { return hit }
        let mask = (0..<catalog.count).map { catalog.isOffered($0, to: org, at: nil) }
        state.withLock { s in
            if s.masks.count >= 10_000 { s.masks.removeAll() }
            s.masks[org] = mask
        }
        return mask
    }
}
