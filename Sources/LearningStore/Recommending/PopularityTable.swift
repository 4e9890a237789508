/// Learner counts per course, tenant-wide and per organisation: the order the popularity fill (and the list of a
/// learner with no usable history) follows. Built by the batch from the run's interactions and stored with the
/// recommender version (`popularity.json`), so the batch, the consumer and the API fill from the same table.
/// Each list is capped at ``limit`` courses.
public struct PopularityTable: Codable, Sendable, Equatable {
    /// `[course_id, learners]`, most learners first (ties by course id).
    public struct Entry: Codable, Sendable, Equatable {
        public var course_id: String
        public var learners: Int
        public init(course_id: String, learners: Int) {
            self.course_id = course_id
            self.learners = learners
        }
    }

    public var tenant: [Entry]
    public var orgs: [String: [Entry]]

    public init(tenant: [Entry] = [], orgs: [String: [Entry]] = [:]) {
        self.tenant = tenant
        self.orgs = orgs
    }

    /// Courses kept per list.
    public static let limit = 500
    /// Organisations kept (the largest by learners); a learner of another organisation gets the tenant's order.
    public static let orgLimit = 2_000

    /// A table from (course, organisation, learners) counts; ids must already be valid.
    public init(counts: [(course: String, org: String?, learners: Int)]) {
        var tenantCounts: [String: Int] = [:]
        var byOrg: [String: [String: Int]] = [:]
        for c in counts where c.learners > 0 {
            tenantCounts[c.course, default: 0] += c.learners
            if let org = c.org { byOrg[org, default: [:]][c.course, default: 0] += c.learners }
        }
        func ordered(_ d: [String: Int]) -> [Entry] {
            d.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(Self.limit).map { Entry(course_id: $0.key, learners: $0.value) }
        }
        tenant = ordered(tenantCounts)
        let kept = byOrg.map { ($0.key, $0.value.values.reduce(0, +)) }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(Self.orgLimit)
        var orgs: [String: [Entry]] = [:]
        for (org, _) in kept { orgs[org] = ordered(byOrg[org]!) }
        self.orgs = orgs
    }
}
