import LearningEvents

/// Writes `truth.ndjson`: the parameters, every course, learner and enrolment as drawn, with each enrolment's eventual
/// outcome (also those decided after the export date).
final class TruthWriter {
    private let file: OutputFile
    private var buffer: [UInt8] = []
    let path: String

    init(path: String) throws {
        self.path = path
        file = try OutputFile(path: path, gzip: false)
        buffer.reserveCapacity(1 << 20)
    }

    func params(_ c: GeneratorConfig) {
        let e = c.engagement, h = c.hazard
        line("{\"kind\":\"params\",\"seed\":\(c.seed),\"tenants\":\(c.tenants),\"topics\":\(c.topics),\"start\":")
        timestamp(c.start)
        line(",\"export_date\":")
        timestamp(c.exportDate)
        line(",\"engagement\":{\"mean_gap_days\":\(e.meanGapDays),\"disengage_intercept\":\(e.disengageIntercept),")
        line("\"disengage_per_log_match\":\(e.disengagePerLogMatch),\"disengage_per_low_ability\":\(e.disengagePerLowAbility),")
        line("\"commitment_spread\":\(e.commitmentSpread),\"disengage_per_commitment\":\(e.disengagePerCommitment),")
        line("\"mean_onset_days\":\(e.meanOnsetDays),\"weekly_decline\":\(e.weeklyDecline),\"noise\":\(e.noise)},")
        line("\"hazard\":{\"intercept\":\(h.intercept),\"per_low_engagement\":\(h.perLowEngagement),")
        line("\"engagement_threshold\":\(h.engagementThreshold),\"per_idle_day\":\(h.perIdleDay),")
        line("\"per_low_score\":\(h.perLowScore),\"low_score_threshold\":\(h.lowScoreThreshold)}}\n")
    }

    func course(tenant: String, course: String, topic: Int, popularity: Double) {
        line("{\"kind\":\"course\",\"tenant_id\":\"\(tenant)\",\"course_id\":\"\(course)\",\"topic\":\(topic),\"popularity\":\(popularity)}\n")
    }

    func learner(tenant: String, learner: String, ability: Double, tastes: [Double]) {
        line("{\"kind\":\"learner\",\"tenant_id\":\"\(tenant)\",\"learner_id\":\"\(learner)\",\"ability\":\(ability),\"tastes\":[")
        for (k, v) in tastes.enumerated() { line((k > 0 ? "," : "") + String(v)) }
        line("]}\n")
    }

    func enrolment(tenant: String, learner: String, course: String, lessonCount: Int, _ o: EnrolmentOutcome) {
        line("{\"kind\":\"enrolment\",\"tenant_id\":\"\(tenant)\",\"learner_id\":\"\(learner)\",\"course_id\":\"\(course)\",")
        line("\"enrolled_at\":")
        timestamp(o.enrolledAt)
        line(",\"outcome\":\"\(o.withdrawn ? "withdrawn" : "completed")\",\"outcome_at\":")
        timestamp(o.outcomeAt)
        line(",\"dropped\":\(o.withdrawn),\"lessons_done\":\(o.lessonsDone),\"lesson_count\":\(lessonCount),\"disengaged_at\":")
        if let d = o.disengagedAt { timestamp(d) } else { line("null") }
        line("}\n")
    }

    /// Writes what is buffered once it is large.
    func flushIfLarge() throws {
        guard buffer.count > 1 << 20 else { return }
        try file.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        try file.write(buffer)
        buffer.removeAll()
        try file.finish()
    }

    private func line(_ s: String) { buffer.append(string: s) }

    private func timestamp(_ micros: Int64) {
        buffer.append(UInt8(ascii: "\""))
        Timestamp.appendBigQuery(micros, to: &buffer)
        buffer.append(UInt8(ascii: "\""))
    }
}
