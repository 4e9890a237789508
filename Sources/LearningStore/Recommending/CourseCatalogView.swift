public import Foundation
public import Models

/// A tenant's `courses` documents laid over a recommender's course indices: the one catalog-visibility rule
/// (``isOffered(_:to:at:)``) that the batch, the consumer and the API apply, titles for reasons, and the
/// attributes rules read (language, categories, publication date, prerequisites).
///
/// When the tenant's last run had a catalog export (some course is `in_catalog`), a course outside it is never
/// offered (fails closed). Without one every model course is offered, and attributes are unknown.
public struct CourseCatalogView: Sendable {
    /// One course as rules see it.
    public struct Facts: Sendable, Equatable {
        public var title: String
        public var inCatalog: Bool
        public var published: Bool
        public var orgIDs: [String]
        public var language: String?
        public var categories: [String]
        public var publishedAt: Date?
        public var expiresAt: Date?
        public var prerequisites: [String]
    }

    /// Whether the tenant's last run had a catalog.
    public let isStored: Bool
    /// The model's courses (indices `0..<modelCount`, the model's order), then the catalog's courses the model does
    /// not know (sorted by id): these can only be pinned or filled in by popularity.
    public let courses: IDMap
    /// How many of ``courses`` the model scores.
    public let modelCount: Int
    /// Per course index.
    public let facts: [Facts]

    public init(courses model: IDMap, documents: [CourseDocument]) {
        let extra = documents.filter { $0.in_catalog && model.index(of: $0.course_id) == nil }.map(\.course_id)
        let courses = (try? IDMap(ordered: model.ids + Set(extra).sorted())) ?? model
        let m = courses.count
        modelCount = model.count
        var facts = (0..<m).map { i in
            Facts(title: courses.id(at: i) ?? "", inCatalog: false, published: true, orgIDs: [], language: nil, categories: [],
                  publishedAt: nil, expiresAt: nil, prerequisites: [])
        }
        for d in documents {
            guard let i = courses.index(of: d.course_id) else { continue }
            if !d.title.isEmpty { facts[i].title = d.title }
            facts[i].inCatalog = d.in_catalog
            facts[i].published = d.published
            facts[i].orgIDs = d.org_ids
            facts[i].language = d.language
            facts[i].categories = d.categories ?? []
            facts[i].publishedAt = d.published_at
            facts[i].expiresAt = d.expires_at
            facts[i].prerequisites = d.prerequisites ?? []
        }
        isStored = documents.contains { $0.in_catalog }
        self.courses = courses
        self.facts = facts
    }

    public var count: Int { facts.count }

    /// The one visibility rule: in the catalog (when the tenant has one), published, offered to `org` (`org_ids`
    /// empty: the whole tenant; a learner without an organisation sees only those), already published at `now`
    /// and not expired (`now` nil: the window is not checked).
    public func isOffered(_ index: Int, to org: String?, at now: Date?) -> Bool {
        guard index >= 0, index < facts.count else { return false }
        guard isStored else { return index < modelCount }
        let f = facts[index]
        guard f.inCatalog, f.published else { return false }
        if let now, !isWithinWindow(index, at: now) { return false }
        if f.orgIDs.isEmpty { return true }
        guard let org else { return false }
        return f.orgIDs.contains(org)
    }

    /// Whether course `index` is within its publication window at `now` (`published_at` passed, `expires_at` not).
    public func isWithinWindow(_ index: Int, at now: Date) -> Bool {
        let f = facts[index]
        if let p = f.publishedAt, p > now { return false }
        if let e = f.expiresAt, e <= now { return false }
        return true
    }

    /// Whether a caller limited to `orgs` (`nil`: the whole tenant) may see course `index` listed (an admin's view:
    /// any of the caller's organisations will do).
    public func isVisible(_ index: Int, to orgs: [String]?, at now: Date) -> Bool {
        if isOffered(index, to: nil, at: now) { return true }
        guard let orgs else {
            // The whole tenant: offered to some organisation is enough.
            guard index >= 0, index < facts.count, isStored else { return false }
            return facts[index].orgIDs.contains { isOffered(index, to: $0, at: now) }
        }
        return orgs.contains { isOffered(index, to: $0, at: now) }
    }

    public func title(_ index: Int) -> String { index >= 0 && index < facts.count ? facts[index].title : "" }
}
