import LearningStore
import Models

/// A tenant's `courses` (written by the ingest phase) laid over a model's course indices: titles for reasons, and per
/// organisation the courses it may be recommended (`CourseDocument.isRecommendable(to:)`: published, `org_ids` empty
/// or containing the organisation).
///
/// When the last run had a catalog export (some course is `in_catalog`), a course outside it is not recommendable
/// (fails closed, as in the batch). Without one, every model course is allowed (`mask` is `nil`).
struct CatalogView: Sendable {
    /// Whether the tenant's last run had a catalog.
    let isStored: Bool
    /// Title per model course index (the id when the catalog does not name it).
    let titles: [String]
    /// Courses allowed for learners without an organisation (published, offered to the whole tenant).
    private let tenantWide: [Bool]
    /// Courses allowed per organisation named in the catalog.
    private let byOrg: [String: [Bool]]
    /// Per course index: published and the organisations (empty = all) it is offered to.
    private let offers: [(published: Bool, orgs: [String])?]

    init(courses model: IDMap, catalog: [CourseDocument]) {
        let m = model.count
        var titles = (0..<m).map { model.id(at: $0) ?? "" }
        var offers = [(published: Bool, orgs: [String])?](repeating: nil, count: m)
        var orgNames = Set<String>()
        for c in catalog {
            guard let i = model.index(of: c.course_id) else { continue }
            if !c.title.isEmpty { titles[i] = c.title }
            guard c.in_catalog else { continue }
            orgNames.formUnion(c.org_ids)
            offers[i] = (c.published, c.org_ids)
        }
        isStored = catalog.contains { $0.in_catalog }
        self.titles = titles
        self.offers = offers
        tenantWide = offers.map { o in o.map { $0.published && $0.orgs.isEmpty } ?? false }
        var byOrg: [String: [Bool]] = [:]
        for org in orgNames {
            byOrg[org] = offers.map { o in o.map { $0.published && ($0.orgs.isEmpty || $0.orgs.contains(org)) } ?? false }
        }
        self.byOrg = byOrg
    }

    /// The courses a learner of `org` may be recommended; `nil` = all (no stored catalog).
    func mask(for org: String?) -> [Bool]? {
        guard isStored else { return nil }
        guard let org else { return tenantWide }
        return byOrg[org] ?? tenantWide
    }

    /// Whether a caller limited to `orgs` (`nil` = the whole tenant) may see course `index` listed.
    func isVisible(_ index: Int, to orgs: [String]?) -> Bool {
        guard isStored else { return true }
        guard index >= 0, index < offers.count, let o = offers[index], o.published else { return false }
        guard let orgs else { return true }
        return o.orgs.isEmpty || o.orgs.contains(where: orgs.contains)
    }

    func title(_ index: Int) -> String { index >= 0 && index < titles.count ? titles[index] : "" }
}
