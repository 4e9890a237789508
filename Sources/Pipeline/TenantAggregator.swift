public import LearningEvents

/// Streams one tenant's events into per-enrolment aggregates, with stable learner and course indexes.
///
/// ```swift
/// var agg = TenantAggregator(tenant: "acme", cutoffs: cutoffs)
/// for event in events { agg.add(event) }
/// let rows = agg.featureRows(at: .score)
/// ```
public struct TenantAggregator: Sendable {
    public let tenant: String
    public let cutoffs: Cutoffs
    public let weights: EventWeights

    public private(set) var learners: [String] = []
    public private(set) var courses: [String] = []
    /// The organisation of each learner (the last one seen), by learner index.
    public private(set) var learnerOrgs: [String?] = []
    private var learnerIndex: [String: Int32] = [:]
    private var courseIndex: [String: Int32] = [:]
    private var enrolmentIndex: [UInt64: Int32] = [:]
    var enrolments: [EnrolmentAggregate] = []
    /// Distinct lessons seen per course (a fallback for `lesson_count` when the catalog lacks the course).
    private var lessonsSeen: [Int32: Set<String>] = [:]
    public private(set) var eventCount = 0
    public private(set) var firstEventAt: Int64 = .max
    public private(set) var lastEventAt: Int64 = .min

    public init(tenant: String, cutoffs: Cutoffs, weights: EventWeights = .default) {
        self.tenant = tenant
        self.cutoffs = cutoffs
        self.weights = weights
    }

    public var enrolmentCount: Int { enrolments.count }

    /// Adds one event of this tenant (events of other tenants are a caller error and are ignored).
    public mutating func add(_ e: LearningEvent) {
        guard e.tenantID == tenant else { return }
        eventCount += 1
        firstEventAt = min(firstEventAt, e.occurredAt)
        lastEventAt = max(lastEventAt, e.occurredAt)
        let l = Self.index(of: e.learnerID, in: &learnerIndex, names: &learners)
        if Int(l) == learnerOrgs.count { learnerOrgs.append(e.orgID) } else if let org = e.orgID { learnerOrgs[Int(l)] = org }
        let c = Self.index(of: e.courseID, in: &courseIndex, names: &courses)
        if let lesson = e.lessonID { lessonsSeen[c, default: []].insert(lesson) }
        let key = UInt64(UInt32(bitPattern: l)) << 32 | UInt64(UInt32(bitPattern: c))
        let slot: Int
        if let s = enrolmentIndex[key] {
            slot = Int(s)
        } else {
            slot = enrolments.count
            enrolmentIndex[key] = Int32(slot)
            enrolments.append(EnrolmentAggregate(learner: l, course: c))
        }
        enrolments[slot].add(e.type, at: e.occurredAt, duration: e.durationSeconds, score: e.score, cutoffs: cutoffs, weights: weights)
    }

    /// Static on purpose: a non-mutating method of `self` taking `self`'s own dictionaries `inout` would make
    /// Swift copy `self` for the call, and with it the dictionary (a full copy per new id).
    private static func index(of name: String, in map: inout [String: Int32], names: inout [String]) -> Int32 {
        if let i = map[name] { return i }
        let i = Int32(names.count)
        map[name] = i
        names.append(name)
        return i
    }

    public func learnerIndex(_ id: String) -> Int? { learnerIndex[id].map(Int.init) }
    public func courseIndex(_ id: String) -> Int? { courseIndex[id].map(Int.init) }

    /// Distinct lessons seen in a course's events.
    public func lessonsSeen(course: Int) -> Int { lessonsSeen[Int32(course)]?.count ?? 0 }

    /// (learner, course, confidence) for every enrolment with activity as of `cutoff`: the iALS input.
    public func interactions(at cutoff: Cutoff) -> [(learner: Int, course: Int, confidence: Float)] {
        enrolments.compactMap { e in
            let t = cutoff == .train ? e.totals.0 : e.totals.1
            guard t.hasActivity, t.confidence > 0 else { return nil }
            return (Int(e.learner), Int(e.course), t.confidence)
        }
    }

    public enum Cutoff: Sendable { case train, score }
}
