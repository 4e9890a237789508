package import EventSources
package import LearningEvents
package import LearningStore

/// Streams one tenant's events into per-enrolment aggregates, with stable learner and course indexes. With
/// `snapshots`, each enrolment also keeps its state at every moment of `cutoffs.snapshotDays` (each one anchored at
/// its moment's day and fed only the events up to it), which the risk model's landmarks and backtest read.
///
/// ```swift
/// var agg = TenantAggregator(tenant: "acme", cutoffs: cutoffs)
/// for event in events { agg.add(event) }
/// let rows = agg.featureRows(at: .score)
/// ```
package struct TenantAggregator: Sendable {
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
    /// Reader symbol ids already mapped to local indexes (the columnar path; see `add(row:of:symbols:)`).
    private var learnerBySymbol: [UInt32: Int32] = [:]
    private var courseBySymbol: [UInt32: Int32] = [:]
    private var lessonSymbolsSeen: Set<UInt64> = []
    public private(set) var eventCount = 0
    public private(set) var firstEventAt: Int64 = .max
    public private(set) var lastEventAt: Int64 = .min
    /// Whether snapshots are kept (jobs that train the risk model).
    public let keepsSnapshots: Bool
    /// Snapshot moments (microseconds), newest first: `cutoffs.time(daysBefore: cutoffs.snapshotDays[j])`.
    let snapshotTimes: [Int64]
    /// Enrolment `e`'s snapshots: `snapshots[e][j]` for the moments `j` its events have reached so far. Moments are
    /// newest first and an event reaches a prefix of them (every moment at or after it), so the stored ones are a
    /// prefix too; a moment no event reached is a fresh state and is not stored (most snapshots of recent enrolments).
    var snapshots: [[EnrolmentState]] = []

    public init(tenant: String, cutoffs: Cutoffs, weights: EventWeights = .default, snapshots: Bool = true) {
        self.tenant = tenant
        self.cutoffs = cutoffs
        self.weights = weights
        keepsSnapshots = snapshots
        snapshotTimes = snapshots ? cutoffs.snapshotDays.map { cutoffs.time(daysBefore: $0) } : []
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
        update(learner: l, course: c, type: e.type, at: e.occurredAt, duration: e.durationSeconds, score: e.score)
    }

    /// Adds row `i` of a reader batch (its tenant must be this one) without building strings: ids are mapped
    /// from the reader's symbol ids, and only an id seen for the first time is looked up as a string.
    public mutating func add(row i: Int, of batch: EventBatch, symbols: SymbolTable) {
        eventCount += 1
        let t = batch.occurredAt[i]
        firstEventAt = min(firstEventAt, t)
        lastEventAt = max(lastEventAt, t)
        let ls = batch.learners[i], cs = batch.courses[i], org = batch.orgs[i], lesson = batch.lessons[i]
        let l: Int32
        if let known = learnerBySymbol[ls] {
            l = known
        } else {
            l = Self.index(of: symbols[ls] ?? "", in: &learnerIndex, names: &learners)
            learnerBySymbol[ls] = l
        }
        if Int(l) == learnerOrgs.count { learnerOrgs.append(symbols[org]) } else if org != 0 { learnerOrgs[Int(l)] = symbols[org] }
        let c: Int32
        if let known = courseBySymbol[cs] {
            c = known
        } else {
            c = Self.index(of: symbols[cs] ?? "", in: &courseIndex, names: &courses)
            courseBySymbol[cs] = c
        }
        if lesson != 0, lessonSymbolsSeen.insert(UInt64(UInt32(bitPattern: c)) << 32 | UInt64(lesson)).inserted, let name = symbols[lesson] {
            lessonsSeen[c, default: []].insert(name)
        }
        let d = batch.durations[i], score = batch.scores[i]
        update(learner: l, course: c, type: batch.types[i], at: t, duration: d == EventBatch.noDuration ? nil : d,
               score: score.isNaN ? nil : score)
    }

    private mutating func update(learner l: Int32, course c: Int32, type: EventType, at t: Int64, duration: Int64?, score: Double?) {
        let key = UInt64(UInt32(bitPattern: l)) << 32 | UInt64(UInt32(bitPattern: c))
        guard t <= cutoffs.score else { return }  // after the cutoff: not known yet
        let slot: Int
        if let s = enrolmentIndex[key] {
            slot = Int(s)
        } else {
            slot = enrolments.count
            enrolmentIndex[key] = Int32(slot)
            enrolments.append(EnrolmentAggregate(learner: l, course: c, cutoffs: cutoffs))
            if keepsSnapshots { snapshots.append([]) }
        }
        let w = weights.weight(type)
        enrolments[slot].state.apply(type, at: t, duration: duration, score: score, weight: w)
        // Snapshot moments are newest first: once one is before the event, so are the rest.
        let k = snapshotTimes.count
        var reach = 0
        while reach < k && t <= snapshotTimes[reach] { reach += 1 }
        guard reach > 0 else { return }
        // Moments this event is the first to reach start from a fresh state (no earlier event reached them). Exact
        // capacity: grown one moment at a time the array would double to 16 slots for 10 moments, and these arrays
        // are most of a risk-training run's memory (exports in time order reach an enrolment's moments at once).
        if snapshots[slot].count < reach { snapshots[slot].reserveCapacity(reach) }
        while snapshots[slot].count < reach {
            snapshots[slot].append(EnrolmentState(anchorDay: EnrolmentState.day(snapshotTimes[snapshots[slot].count])))
        }
        for j in 0..<reach { snapshots[slot][j].apply(type, at: t, duration: duration, score: score, weight: w) }
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

    /// The learner and course indexes of enrolment `e`.
    public func learner(ofEnrolment e: Int) -> Int { Int(enrolments[e].learner) }
    public func course(ofEnrolment e: Int) -> Int { Int(enrolments[e].course) }

    /// Distinct lessons seen in a course's events.
    public func lessonsSeen(course: Int) -> Int { lessonsSeen[Int32(course)]?.count ?? 0 }

    /// (learner, course, confidence, start) for every enrolment with activity as of `cutoff`: the iALS input, with
    /// when the enrolment began (microseconds; the recommender's time-based validation split).
    public func interactions(at cutoff: Cutoff) -> [(learner: Int, course: Int, confidence: Float, start: Int64)] {
        enrolments.indices.compactMap { e in
            guard let s = state(e, at: cutoff) else { return nil }
            let t = s.totals
            guard t.hasActivity, t.confidence > 0 else { return nil }
            return (Int(enrolments[e].learner), Int(enrolments[e].course), t.confidence, min(s.enrolledAt, t.firstActivity))
        }
    }

    /// A moment the aggregates know: the score cutoff, the training cutoff (`score − horizon`), or a snapshot a
    /// number of days before the score cutoff.
    public enum Cutoff: Sendable, Hashable {
        case train, score
        case daysBefore(Int)
    }

    /// Days before the score cutoff of `cutoff`.
    public func daysBefore(_ cutoff: Cutoff) -> Int {
        switch cutoff {
        case .score: 0
        case .train: cutoffs.horizonDays
        case .daysBefore(let d): d
        }
    }

    /// The moment (microseconds) of `cutoff`.
    public func time(_ cutoff: Cutoff) -> Int64 { cutoffs.time(daysBefore: daysBefore(cutoff)) }

    /// Whether the aggregates hold states as of `cutoff`.
    public func knows(_ cutoff: Cutoff) -> Bool {
        let d = daysBefore(cutoff)
        return d == 0 || (keepsSnapshots && cutoffs.snapshotDays.contains(d))
    }

    /// Enrolment `e`'s state as of `cutoff` (nil when no snapshot is kept for it).
    func state(_ e: Int, at cutoff: Cutoff) -> EnrolmentState? {
        let d = daysBefore(cutoff)
        if d == 0 { return enrolments[e].state }
        guard keepsSnapshots, let j = cutoffs.snapshotDays.firstIndex(of: d) else { return nil }
        let stored = snapshots[e]
        return j < stored.count ? stored[j] : EnrolmentState(anchorDay: EnrolmentState.day(snapshotTimes[j]))
    }
}
