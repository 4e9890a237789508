import EventSources
import Foundation
import LodestarTestSupport
import LearningEvents
import SampleData
import Testing

/// `lodestar generate` output reads back through the readers, is deterministic per seed, and its truth file matches.
@Suite struct GeneratorTests {
    func generate(_ format: ExportFormat, codec: EventWriter.AvroCodec = .deflate, gzip: Bool = false, seed: UInt64 = 3,
                  rowsPerFile: Int = 4000) throws -> (String, Generator.Summary)
    {
        let dir = try tempDir("gen-\(format)-\(codec)")
        let g = Generator(config: GeneratorConfig(tenants: 3, learners: 120, seed: seed))
        return (dir, try g.run(directory: dir, format: format, codec: codec, gzip: gzip, rowsPerFile: rowsPerFile))
    }

    @Test(arguments: [
        (ExportFormat.avro, EventWriter.AvroCodec.deflate, false), (.avro, .snappy, false), (.avro, .null, false),
        (.ndjson, .null, false), (.ndjson, .null, true), (.csv, .null, false), (.csv, .null, true),
    ])
    func roundTrip(format: ExportFormat, codec: EventWriter.AvroCodec, gzip: Bool) async throws {
        let (dir, summary) = try generate(format, codec: codec, gzip: gzip)
        let shards = summary.files.filter { $0.contains("/events-") }
        #expect(shards.count == (summary.events + 3999) / 4000)
        #expect(shards.first?.hasSuffix("events-000000000000.\(format.fileExtension)\(gzip ? ".gz" : "")") == true)
        let r = try await readAll([dir + "/events-*"])
        #expect(r.quarantined.isEmpty && r.failures.isEmpty)
        #expect(r.events.count == summary.events)
        #expect(Set(r.events.map(\.tenantID)) == ["tenant-000", "tenant-001", "tenant-002"])
        #expect(Set(r.events.map(\.eventID)).count == r.events.count, "event ids are unique")
        let courses = try await CourseSource([dir + "/courses-*"]).read()
        #expect(courses.failures.isEmpty && courses.quarantined.isEmpty)
        #expect(courses.courses.count == summary.courses)
        let known = Set(courses.courses.map { "\($0.tenantID)/\($0.courseID)" })
        #expect(r.events.allSatisfy { known.contains("\($0.tenantID)/\($0.courseID)") })
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let (a, _) = try generate(.ndjson, seed: 11)
        let (b, _) = try generate(.ndjson, seed: 11)
        let (c, _) = try generate(.ndjson, seed: 12)
        for name in ["events-000000000000.json", "courses-000000000000.json", "truth.ndjson"] {
            #expect(try readBytes(a + "/" + name) == readBytes(b + "/" + name))
        }
        #expect(try readBytes(a + "/events-000000000000.json") != readBytes(c + "/events-000000000000.json"))
    }

    @Test func truthMatchesTheExport() async throws {
        let (dir, summary) = try generate(.avro)
        let lines = String(decoding: try readBytes(dir + "/truth.ndjson"), as: UTF8.self).split(separator: "\n")
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let kinds = Dictionary(grouping: objects, by: { $0["kind"] as? String ?? "" })
        #expect(kinds["params"]?.count == 1)
        #expect(kinds["learner"]?.count == summary.learners)
        #expect(kinds["course"]?.count == summary.courses)
        let enrolments = try #require(kinds["enrolment"])
        #expect(enrolments.count == summary.enrolments)
        let dropped = enrolments.filter { $0["dropped"] as? Bool == true }.count
        #expect(dropped == summary.dropped)
        let tastes = try #require(kinds["learner"]?.first?["tastes"] as? [Double])
        #expect(abs(tastes.reduce(0, +) - 1) < 1e-9)
        // Every completed enrolment has a course_completed event; none of the dropped ones do.
        let r = try await readAll([dir + "/events-*"])
        let completed = Set(r.events.filter { $0.type == .courseCompleted }.map { "\($0.tenantID)/\($0.learnerID)/\($0.courseID)" })
        for e in enrolments {
            let key = "\(e["tenant_id"]!)/\(e["learner_id"]!)/\(e["course_id"]!)"
            #expect(completed.contains(key) == (e["dropped"] as? Bool == false))
        }
    }

    @Test func dropoutRateAndSignalAtScale() async throws {
        let dir = try tempDir("gen-scale")
        let g = Generator(config: GeneratorConfig(tenants: 5, learners: 3000, seed: 9))
        let s = try g.run(directory: dir, format: .csv, codec: .null, gzip: false, rowsPerFile: 1_000_000)
        let rate = Double(s.dropped) / Double(s.enrolments)
        #expect(rate > 0.2 && rate < 0.4, "withdrawn share \(rate)")

        // The planted signal is visible in the events: before a withdrawal, lessons come further apart and quiz
        // scores are lower than in enrolments that complete.
        let r = try await readAll([dir + "/events-*"])
        struct Trace { var starts: [Int64] = []; var scores: [Double] = []; var completed = false }
        var traces: [String: Trace] = [:]
        for e in r.events {
            let key = "\(e.tenantID)/\(e.learnerID)/\(e.courseID)"
            switch e.type {
            case .lessonStarted: traces[key, default: Trace()].starts.append(e.occurredAt)
            case .quizSubmitted: traces[key, default: Trace()].scores.append(e.score ?? 0)
            case .courseCompleted: traces[key, default: Trace()].completed = true
            default: break
            }
        }
        func meanGapDays(_ t: Trace) -> Double? {
            let s = t.starts.sorted()
            guard s.count >= 2 else { return nil }
            return Double(s.last! - s.first!) / Double(s.count - 1) / 86_400e6
        }
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }
        let dropped = traces.values.filter { !$0.completed }
        let completed = traces.values.filter { $0.completed }
        let gapDropped = mean(dropped.compactMap(meanGapDays))
        let gapCompleted = mean(completed.compactMap(meanGapDays))
        #expect(gapDropped > gapCompleted * 1.2, "mean gap: dropped \(gapDropped) d, completed \(gapCompleted) d")
        let scoreDropped = mean(dropped.flatMap(\.scores))
        let scoreCompleted = mean(completed.flatMap(\.scores))
        #expect(scoreDropped < scoreCompleted, "quiz: dropped \(scoreDropped), completed \(scoreCompleted)")
    }
}
