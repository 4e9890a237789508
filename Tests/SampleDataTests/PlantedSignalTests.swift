import EventSources
import Foundation
import LearningEvents
import LinearAlgebra
import SampleData
import Testing

/// The planted effects are there, at scale, the way OULAD shows them: about three in ten enrolments end withdrawn,
/// and activity thins out, gaps lengthen and quiz scores fall in the weeks before a withdrawal.
@Suite struct PlantedSignalTests {
    @Test func dropoutRateAndSignalAtScale() async throws {
        let dir = try scratchFolder("gen-scale")
        let s = try await runOnDedicatedThread { _ in
            try Generator(config: GeneratorConfig(tenants: 5, learners: 3000, seed: 9))
                .run(directory: dir, format: .csv, codec: .null, gzip: false, rowsPerFile: 1_000_000)
        }
        let rate = Double(s.dropped) / Double(s.enrolments)
        #expect(rate > 0.25 && rate < 0.35, "withdrawn share \(rate)")

        let truth = try TruthFile(folder: dir)
        let exportDate = truth.exportDate
        let r = try await readEvents([dir + "/events"])
        #expect(r.refused == 0)
        struct Trace { var activity: [Int64] = []; var starts: [Int64] = []; var scores: [Double] = [] }
        var traces: [String: Trace] = [:]
        for e in r.events {
            switch e.type {
            case .enrolled, .unenrolled: continue
            case .lessonStarted: traces[e.enrolmentKey, default: Trace()].starts.append(e.occurredAt)
            case .quizSubmitted: traces[e.enrolmentKey, default: Trace()].scores.append(e.score ?? 0)
            default: break
            }
            traces[e.enrolmentKey, default: Trace()].activity.append(e.occurredAt)
        }
        // Only enrolments whose end is in the export.
        let ended = truth.enrolments.filter { $0.outcomeAt < exportDate }
        let dropped = ended.filter(\.withdrawn).map { traces[$0.key] ?? Trace() }
        let completed = ended.filter { !$0.withdrawn }.map { traces[$0.key] ?? Trace() }

        // Lessons come further apart and quiz scores are lower in enrolments that end withdrawn.
        func meanGapDays(_ t: Trace) -> Double? {
            let s = t.starts.sorted()
            guard s.count >= 2 else { return nil }
            return Double(s.last! - s.first!) / Double(s.count - 1) / 86_400e6
        }
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }
        let gapDropped = mean(dropped.compactMap(meanGapDays))
        let gapCompleted = mean(completed.compactMap(meanGapDays))
        #expect(gapDropped > gapCompleted * 1.2, "mean gap: dropped \(gapDropped) d, completed \(gapCompleted) d")
        let scoreDropped = mean(dropped.flatMap(\.scores))
        let scoreCompleted = mean(completed.flatMap(\.scores))
        #expect(scoreDropped < scoreCompleted, "quiz: dropped \(scoreDropped), completed \(scoreCompleted)")

        // Activity thins out before a withdrawal: events and active days in the four weeks before withdrawing, over
        // those in the first four weeks after enrolling (withdrawals within four weeks count too: their ratio is 1).
        // Enrolments that complete show no such fall, so the drop is not an artefact of the windows.
        let day = Timestamp.microsPerDay
        func ratios(withdrawn: Bool, minimumDays: Int64 = 0) -> (events: [Double], days: [Double]) {
            var ev: [Double] = [], days: [Double] = []
            for e in ended where e.withdrawn == withdrawn && e.outcomeAt - e.enrolledAt >= minimumDays * day {
                let a = traces[e.key]?.activity ?? []
                let first = a.filter { $0 >= e.enrolledAt && $0 < e.enrolledAt + 28 * day }
                let last = a.filter { $0 >= e.outcomeAt - 28 * day && $0 < e.outcomeAt }
                guard !first.isEmpty else { continue }  // never active: nothing to compare
                ev.append(Double(last.count) / Double(first.count))
                days.append(Double(Set(last.map { $0 / day }).count) / Double(Set(first.map { $0 / day }).count))
            }
            return (ev, days)
        }
        let w = ratios(withdrawn: true)
        let c = ratios(withdrawn: false, minimumDays: 56)
        print("withdrawn \(rate); decay before withdrawal: median ratio last 4 w / first 4 w: events \(median(w.events)), active days "
              + "\(median(w.days)) over \(w.events.count) withdrawals; completions of ≥ 8 weeks: events \(median(c.events))")
        #expect(w.events.count > 500)
        #expect(median(w.events) <= 0.5, "events: last four weeks before withdrawing / first four weeks")
        #expect(median(w.days) <= 0.6, "active days: last four weeks before withdrawing / first four weeks")
        #expect(median(c.events) >= 0.9, "completing learners keep their pace")
    }
}
