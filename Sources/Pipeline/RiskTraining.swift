package import LearningStore
package import LinearAlgebra
package import Models

/// Trains the survival risk model of one tenant as of one moment `A` from the run's aggregates (pure: no I/O).
///
/// 1. Course context from the enrolments as of `A` (each course's dropout rate among decided enrolments, its
///    cohort's median pace): the only course-level inputs, stored with the version.
/// 2. Person-period rows: for every landmark (a snapshot at least a week before `A`) and every enrolment live
///    there, its features at the landmark and one row per whole week from the landmark to `A`, labelled by how the
///    enrolment ended that week as known at `A` (``TenantAggregator/outcome(_:knownAt:inactivityDays:)``); weeks
///    after an ending are not rows, and an enrolment still open at `A` is censored there (its weeks are rows without
///    an event, never a negative outcome).
/// 3. Both hazards fitted on the learners outside the held-out fifth; Platt scaling fitted on the held-out fifth's
///    landmark rows against their outcome at `A` (1 dropped, 0 completed; still open: the model's own probability
///    from their features at `A`, what is known of them so far); then both hazards refitted on every row.
///
/// With a `prior` (the pooled platform model), the fits shrink towards it.
package struct RiskTraining: Sendable {
    public let aggregate: TenantAggregator
    public let inactivityDays: Int
    public let lessonCount: @Sendable (Int) -> Int?
    public var logistic: LogisticRegressionConfiguration
    /// The L2 strength (standardised weights) pulling towards a prior.
    public var priorStrength: Double
    public let schema: FeatureSchema

    public init(aggregate: TenantAggregator, inactivityDays: Int, lessonCount: @escaping @Sendable (Int) -> Int?,
                logistic: LogisticRegressionConfiguration, priorStrength: Double = 50, schema: FeatureSchema = .current) {
        self.aggregate = aggregate
        self.inactivityDays = inactivityDays
        self.lessonCount = lessonCount
        self.logistic = logistic
        self.priorStrength = priorStrength
        self.schema = schema
    }

    /// What a training run produced.
    public struct Trained: Sendable {
        public var model: SurvivalRiskModel
        /// The schema with the course context of this training.
        public var schema: FeatureSchema
        public var asOf: Int64
        public var counts: Counts
        public var calibrationRows: Int
        public var usedPrior: Bool
    }

    /// Sizes of a person-period data set.
    public struct Counts: Sendable, Equatable {
        public var rows = 0
        public var enrolments = 0
        public var dropouts = 0
        public var completions = 0
        /// Distinct enrolments with a dropout among the rows (one enrolment is a row at several landmarks).
        public var droppedEnrolments = 0
    }

    /// Person-period rows with what the calibration needs.
    struct Periods {
        /// The features of each (landmark, enrolment) that has rows, stored once for all its weeks.
        var features: [Float] = []
        /// For each row, its (landmark, enrolment)'s entry in `features`.
        var featureRow: [Int32] = []
        /// For each row, its ``SurvivalTimeBasis`` columns.
        var time: [Float] = []
        var dropout: [Float] = []
        var completion: [Float] = []
        var heldOut: [Bool] = []
        var counts = Counts()
        /// Held-out learners' landmark rows: features at the landmark, the enrolment and its outcome at `A`.
        var calibration: [(x: [Double], enrolment: Int, outcome: RiskOutcome)] = []
    }

    /// Landmarks (days before the score cutoff) of a training as of `asOf`: snapshots at least a week earlier.
    public func landmarks(asOf: TenantAggregator.Cutoff) -> [Int] {
        let d = aggregate.daysBefore(asOf)
        return aggregate.keepsSnapshots ? aggregate.cutoffs.snapshotDays.filter { $0 - d >= 7 } : []
    }

    /// The schema's column with days since enrolment.
    var daysEnrolledColumn: Int? { schema.features.firstIndex { $0.input == .daysEnrolled } }

    /// The course context as of `asOf`.
    public func courseContext(asOf: TenantAggregator.Cutoff) -> CourseContext {
        let agg = aggregate
        var rows: [(course: String, decided: Bool, dropped: Bool, lessonsPerWeek: Double)] = []
        for e in 0..<agg.enrolmentCount {
            guard let r = agg.featureRow(e, at: asOf, lessonCount: lessonCount) else { continue }
            let o = agg.outcome(e, knownAt: asOf, inactivityDays: inactivityDays)
            rows.append((agg.courses[r.course], o.kind != .open, o.kind == .dropped, r.features.lessonsPerWeek))
        }
        return CourseContext.build(rows)
    }

    /// Builds the person-period rows as of `asOf` under `schema`.
    func periods(asOf: TenantAggregator.Cutoff, schema: FeatureSchema) -> Periods {
        let agg = aggregate
        let tA = agg.time(asOf)
        let week = 7 * Cutoffs.microsPerDay
        let basis = SurvivalTimeBasis()
        let weekColumn = daysEnrolledColumn
        let held = (0..<agg.learners.count).map { RiskPhase.bucket(agg.learners[$0]) == 0 }
        let outcomes = (0..<agg.enrolmentCount).map { agg.outcome($0, knownAt: asOf, inactivityDays: inactivityDays) }
        var p = Periods()
        // The rows are counted first so that their arrays (the largest allocations of a risk training: 2M rows for
        // a 200k-learner tenant) are allocated once at their size; grown by appending, their capacity would reach up
        // to twice that. A row stores its time columns and the number of its features, which are stored once per
        // (landmark, enrolment) however many weeks follow (5 on average there).
        let (expected, distinct) = periodCount(asOf: asOf, outcomes: outcomes)
        let total = expected.rows
        p.features.reserveCapacity(distinct * schema.features.count)
        p.featureRow.reserveCapacity(total)
        p.time.reserveCapacity(total * SurvivalTimeBasis.names.count)
        p.dropout.reserveCapacity(total)
        p.completion.reserveCapacity(total)
        p.heldOut.reserveCapacity(total)
        var seen = Set<Int>(), droppedSet = Set<Int>()
        for d in landmarks(asOf: asOf) {
            let cutoff = TenantAggregator.Cutoff.daysBefore(d)
            let tL = agg.time(cutoff)
            let weeks = Int((tA - tL) / week)
            guard weeks >= 1 else { continue }
            for e in 0..<agg.enrolmentCount {
                guard let row = agg.featureRow(e, at: cutoff, lessonCount: lessonCount), row.isLive(inactivityDays: inactivityDays) else { continue }
                let v = schema.vector(row).map(Double.init)
                let w0 = weekColumn.map { max(0, v[$0]) / 7 } ?? 0
                let o = outcomes[e], isHeld = held[row.learner]
                seen.insert(e)
                if isHeld { p.calibration.append((v, e, o)) }
                var stored: Int32? = nil
                for s in 0..<weeks {
                    let start = tL + Int64(s) * week, end = start + week
                    if o.kind != .open && o.at < start { break }
                    let dropped = o.kind == .dropped && o.at < end, completed = o.kind == .completed && o.at < end
                    if stored == nil {
                        stored = Int32(clamping: p.features.count / max(1, v.count))
                        for value in v { p.features.append(Float(value)) }
                    }
                    p.featureRow.append(stored!)
                    for value in basis.values(weeksSince: Double(s), weekOfEnrolment: w0 + Double(s)) { p.time.append(Float(value)) }
                    p.dropout.append(dropped ? 1 : 0)
                    p.completion.append(completed ? 1 : 0)
                    p.heldOut.append(isHeld)
                    p.counts.rows += 1
                    if dropped {
                        p.counts.dropouts += 1
                        droppedSet.insert(e)
                    }
                    if completed { p.counts.completions += 1 }
                    if dropped || completed { break }
                }
            }
        }
        p.counts.enrolments = seen.count
        p.counts.droppedEnrolments = droppedSet.count
        assert(p.counts == expected && p.featureRow.last.map { Int($0) + 1 } ?? 0 == distinct,
               "periodCount walked \(expected) with \(distinct) feature rows, periods built \(p.counts)")
        return p
    }

    /// The counts of the person-period rows ``periods(asOf:schema:)`` builds, and the number of (landmark, enrolment)
    /// feature rows they refer to: the same walk without the features (none of it depends on the schema).
    func periodCount(asOf: TenantAggregator.Cutoff, outcomes: [RiskOutcome]) -> (counts: Counts, featureRows: Int) {
        let agg = aggregate
        let tA = agg.time(asOf)
        let week = 7 * Cutoffs.microsPerDay
        var c = Counts(), distinct = 0
        var seen = Set<Int>(), droppedSet = Set<Int>()
        for d in landmarks(asOf: asOf) {
            let tL = agg.time(.daysBefore(d))
            let weeks = Int((tA - tL) / week)
            guard weeks >= 1 else { continue }
            for e in 0..<agg.enrolmentCount {
                guard let row = agg.featureRow(e, at: .daysBefore(d), lessonCount: lessonCount), row.isLive(inactivityDays: inactivityDays) else { continue }
                let o = outcomes[e]
                seen.insert(e)
                let before = c.rows
                for s in 0..<weeks {
                    let start = tL + Int64(s) * week, end = start + week
                    if o.kind != .open && o.at < start { break }
                    c.rows += 1
                    guard o.kind != .open, o.at < end else { continue }
                    if o.kind == .dropped {
                        c.dropouts += 1
                        droppedSet.insert(e)
                    } else {
                        c.completions += 1
                    }
                    break
                }
                if c.rows > before { distinct += 1 }
            }
        }
        c.enrolments = seen.count
        c.droppedEnrolments = droppedSet.count
        return (c, distinct)
    }

    /// The person-period counts as of `asOf` (how much a tenant has to learn from), without building the rows.
    public func counts(asOf: TenantAggregator.Cutoff) -> Counts {
        let agg = aggregate
        let outcomes = (0..<agg.enrolmentCount).map { agg.outcome($0, knownAt: asOf, inactivityDays: inactivityDays) }
        return periodCount(asOf: asOf, outcomes: outcomes).counts
    }

    /// Trains as of `asOf`. Throws ``ModelsError/trainingFailed(_:)`` when the rows hold no dropout or no
    /// completion.
    public func train(asOf: TenantAggregator.Cutoff, prior: SurvivalPrior? = nil, cancellation: CancellationFlag? = nil) throws -> Trained {
        let agg = aggregate
        let schema = self.schema.with(courses: courseContext(asOf: asOf))
        let data = periods(asOf: asOf, schema: schema)
        var config = logistic
        if prior != nil { config.l2 = priorStrength }
        // `keep` nil: every row. Either way the fit reads the person-period rows in place (the largest allocation of a
        // risk training): a subset is a list of row numbers, never a copy of the rows.
        let featureCount = schema.features.count, timeCount = SurvivalTimeBasis.names.count
        let featureRows = data.features.count / max(1, featureCount)
        guard featureRows <= Int(Int32.max) else {
            throw ModelsError.shapeMismatch("person-period rows: \(featureRows) feature rows (row numbers are 32-bit)")
        }
        let everything = try DesignRows(
            shared: Matrix(rows: featureRows, columns: featureCount, elements: data.features),
            sharedRow: data.featureRow, own: Matrix(rows: data.counts.rows, columns: timeCount, elements: data.time))
        func fit(_ keep: ((Int) -> Bool)?) throws -> SurvivalRiskModel {
            var subset: [Int]? = nil
            var dropout = data.dropout, completion = data.completion
            if let keep {
                let rows = (0..<data.counts.rows).filter(keep)
                subset = rows
                dropout = rows.map { data.dropout[$0] }
                completion = rows.map { data.completion[$0] }
            }
            return try SurvivalRiskModel.fit(design: everything, dropout: dropout, completion: completion, featureNames: schema.names,
                                             daysEnrolledColumn: daysEnrolledColumn, configuration: config, prior: prior,
                                             subset: subset, cancellation: cancellation)
        }
        // Calibration on the held-out fifth (skipped when either side is too small to say anything).
        var calibration = PlattScaling.identity
        var calibrationRows = 0
        if data.calibration.count >= 50, let heldFit = try? fit({ !data.heldOut[$0] }) {
            try cancellation?.check()
            var probabilities: [Double] = [], targets: [Double] = []
            let asOfRows = Dictionary(uniqueKeysWithValues: Set(data.calibration.filter { $0.outcome.kind == .open }.map(\.enrolment)).compactMap { e in
                agg.featureRow(e, at: asOf, lessonCount: lessonCount).map { (e, schema.vector($0).map(Double.init)) }
            })
            for c in data.calibration {
                let target: Double
                switch c.outcome.kind {
                case .dropped: target = 1
                case .completed: target = 0
                case .open:
                    guard let now = asOfRows[c.enrolment] else { continue }
                    target = try heldFit.curve(now).eventual
                }
                probabilities.append(try heldFit.curve(c.x).eventual)
                targets.append(target)
            }
            if probabilities.count >= 50 {
                calibration = try PlattScaling.fit(probabilities: probabilities, targets: targets)
                calibrationRows = probabilities.count
            }
        }
        try cancellation?.check()
        var model = try fit(nil)
        model.calibration = calibration
        model.metrics = ["person_periods": Double(data.counts.rows), "dropouts": Double(data.counts.dropouts),
                         "completions": Double(data.counts.completions), "enrolments": Double(data.counts.enrolments),
                         "platt_a": calibration.a, "platt_b": calibration.b, "calibration_rows": Double(calibrationRows)]
        return Trained(model: model, schema: schema, asOf: agg.time(asOf), counts: data.counts, calibrationRows: calibrationRows,
                       usedPrior: prior != nil)
    }
}
