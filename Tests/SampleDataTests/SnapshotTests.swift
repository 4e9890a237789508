import EventSources
import Foundation
import LearningEvents
import SampleData
import Testing

/// A generated export is a snapshot as of its export date; the truth file holds what happens after it too.
@Suite struct SnapshotTests {
    @Test func truthMatchesTheExport() async throws {
        let (dir, summary) = try generated("truth", learners: 300)
        let truth = try TruthFile(folder: dir)
        #expect(truth.params["seed"] as? Int == 3)
        let hazard = try #require(truth.params["hazard"] as? [String: Any])
        let engagement = try #require(truth.params["engagement"] as? [String: Any])
        #expect(hazard["per_idle_day"] as? Double == HazardParameters().perIdleDay)
        #expect(hazard["engagement_threshold"] as? Double == HazardParameters().engagementThreshold)
        #expect(engagement["weekly_decline"] as? Double == EngagementParameters().weeklyDecline)
        #expect(engagement["disengage_per_commitment"] as? Double == EngagementParameters().disengagePerCommitment)
        #expect(truth.learners.count == summary.learners)
        #expect(truth.courses.count == summary.courses)
        #expect(truth.enrolments.count == summary.enrolments)
        #expect(truth.enrolments.filter(\.withdrawn).count == summary.dropped)
        #expect(truth.enrolments.allSatisfy { $0.dropped == $0.withdrawn && $0.enrolledAt <= $0.outcomeAt })
        let tastes = try #require(truth.learners.first?["tastes"] as? [Double])
        #expect(abs(tastes.reduce(0, +) - 1) < 1e-9)

        // Outcomes before the export date are in the events; later ones are not (yet).
        let exportDate = truth.exportDate
        let events = try await readEvents([dir + "/events"]).events
        let completed = Set(events.filter { $0.type == .courseCompleted }.map(\.enrolmentKey))
        let unenrolled = Set(events.filter { $0.type == .unenrolled }.map(\.enrolmentKey))
        let enrolled = Set(events.filter { $0.type == .enrolled }.map(\.enrolmentKey))
        for e in truth.enrolments {
            #expect(enrolled.contains(e.key), "\(e.key): every enrolment of the truth file is in the export")
            #expect(completed.contains(e.key) == (!e.withdrawn && e.outcomeAt < exportDate), "\(e.key)")
            if unenrolled.contains(e.key) { #expect(e.withdrawn && e.outcomeAt < exportDate, "\(e.key)") }
        }
        #expect(enrolled.count == truth.enrolments.count)
    }

    @Test func nothingAfterTheExportDateAndManyEnrolmentsInProgress() async throws {
        let (dir, summary) = try generated("snapshot", tenants: 2, learners: 800, seed: 5)
        let truth = try TruthFile(folder: dir)
        let exportDate = truth.exportDate
        #expect(exportDate == Timestamp.parse("2026-06-01 00:00:00 UTC"))
        let events = try await readEvents([dir + "/events"]).events
        let newest = try #require(events.map(\.occurredAt).max())
        #expect(newest < exportDate, "no event on or after the export date")
        #expect(newest > exportDate - Timestamp.microsPerDay, "the export runs right up to its date")

        // Learners keep enrolling up to the export date.
        let day = Timestamp.microsPerDay
        let lastFourWeeks = truth.enrolments.filter { $0.enrolledAt >= exportDate - 28 * day }.count
        #expect(Double(lastFourWeeks) > 0.1 * Double(truth.enrolments.count), "\(lastFourWeeks) enrolments in the last 4 weeks")
        #expect(truth.enrolments.contains { $0.enrolledAt >= exportDate - day })

        // Many enrolments are running on the export date: their outcome comes later (both kinds), and they were
        // active in the last three weeks, so a nightly run with the default cutoff has plenty to score.
        let later = truth.enrolments.filter { $0.outcomeAt >= exportDate }
        #expect(later.count == summary.inProgress)
        #expect(Double(later.count) > 0.2 * Double(truth.enrolments.count), "\(later.count) of \(truth.enrolments.count) in progress")
        #expect(later.contains { $0.withdrawn } && later.contains { !$0.withdrawn })
        var lastActive: [String: Int64] = [:]
        for e in events { lastActive[e.enrolmentKey] = max(lastActive[e.enrolmentKey] ?? .min, e.occurredAt) }
        let live = later.filter { (lastActive[$0.key] ?? .min) >= newest - 21 * day }.count
        print("snapshot: \(truth.enrolments.count) enrolments, \(lastFourWeeks) started in the last 4 weeks, \(later.count) "
              + "in progress on the export date, \(live) of them active in the last 21 days")
        #expect(Double(live) > 0.15 * Double(truth.enrolments.count), "\(live) live enrolments at the newest event")
    }
}
