import ArgumentParser
import Foundation
import LearningEvents
import LearningStore
import MongoStore
import Streaming

/// Hidden: the in-memory side of `bench/run streaming`. Reads a file of Pub/Sub message payloads (one JSON event a
/// line), then, in batches of `--batch` as the consumer does: decodes and validates each message, applies the events
/// to their enrolments' states, recomputes the touched enrolments' features and encodes their `learner_features`
/// documents as BSON — everything the consumer does per batch except talking to Pub/Sub and MongoDB. Prints one JSON
/// line with events/s (best of `--repeats`).
struct BenchStreamApply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-stream-apply", shouldDisplay: false)

    @Argument var file: String
    @Option var batch = 500
    @Option var repeats = 3
    @Option var asOf: String

    func validate() throws {
        try FlagRange.check(batch, 1...100_000, "--batch")
        try FlagRange.check(repeats, 1...100, "--repeats")
        guard Timestamp.parse(asOf) != nil else { throw ValidationError("cannot read --as-of") }
    }

    struct Key: Hashable { let tenant: String, learner: String, course: String }

    func run() async throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\n").map { Data($0.utf8) }
        let asOf = Timestamp.parse(asOf)!
        let weights = EventWeights.default
        var best = Double.infinity
        var enrolments = 0, refused = 0
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            var states: [Key: EnrolmentState] = [:]
            var bytes = 0
            refused = 0
            for lo in stride(from: 0, to: lines.count, by: batch) {
                var touched = Set<Key>()
                for data in lines[lo..<min(lines.count, lo + batch)] {
                    guard case .success(let e) = EventMessage.decode(data) else {
                        refused += 1
                        continue
                    }
                    let k = Key(tenant: e.tenantID, learner: e.learnerID, course: e.courseID)
                    var s = states[k] ?? EnrolmentState(anchorDay: EnrolmentState.day(e.occurredAt))
                    s.apply(e.type, at: e.occurredAt, duration: e.durationSeconds, score: e.score, weight: weights.weight(e.type))
                    states[k] = s
                    touched.insert(k)
                }
                for k in touched {
                    let s = states[k]!
                    let t = max(asOf, s.newestEvent)
                    let f = s.features(asOf: t, lessonCount: 10) ?? EnrolmentFeatures.inactive(asOf: t, state: s)
                    bytes += try BSONEncoder().encode(FeatureDocument(learner: k.learner, course: k.course, org: nil, features: f, state: s)).count
                }
            }
            let d = ContinuousClock.now - start
            best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
            enrolments = states.count
            _ = bytes
        }
        let out: [String: Double] = ["events_per_s": Double(lines.count - refused) / best, "events": Double(lines.count - refused),
                                     "enrolments": Double(enrolments), "seconds": best]
        let json = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
