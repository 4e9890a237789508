import EventSources
import Foundation
import LearningEvents
import SampleData

/// A fresh folder under the temporary directory.
func scratchFolder(_ name: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Every event read from `locations`, and how many rows or files were refused.
func readEvents(_ locations: [String]) async throws -> (events: [LearningEvent], refused: Int) {
    var events: [LearningEvent] = []
    var refused = 0
    for try await record in ExportSource(locations).records() {
        if case .event(let e, _, _) = record { events.append(e) } else { refused += 1 }
    }
    return (events, refused)
}

func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

/// Generates an export into a fresh folder.
func generated(_ label: String, tenants: Int = 3, learners: Int = 120, seed: UInt64 = 3, format: ExportFormat = .avro,
               codec: EventWriter.AvroCodec = .deflate, gzip: Bool = false, rowsPerFile: Int = 4000) throws
    -> (folder: String, summary: Generator.Summary)
{
    let folder = try scratchFolder(label)
    let g = Generator(config: GeneratorConfig(tenants: tenants, learners: learners, seed: seed))
    return (folder, try g.run(directory: folder, format: format, codec: codec, gzip: gzip, rowsPerFile: rowsPerFile))
}

/// The `truth.ndjson` beside a generated export, as JSON objects grouped by `kind`.
struct TruthFile {
    let params: [String: Any]
    let learners: [[String: Any]]
    let courses: [[String: Any]]
    let enrolments: [Enrolment]

    /// One enrolment's eventual outcome.
    struct Enrolment {
        let key: String  // tenant/learner/course
        let enrolledAt: Int64
        let withdrawn: Bool
        let outcomeAt: Int64
        let dropped: Bool
        let disengagedAt: Int64?
    }

    init(folder: String) throws {
        let lines = String(decoding: try bytes(folder + "/truth.ndjson"), as: UTF8.self).split(separator: "\n")
        var objects: [String: [[String: Any]]] = [:]
        for line in lines {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            objects[o["kind"] as? String ?? "", default: []].append(o)
        }
        params = objects["params"]?.first ?? [:]
        learners = objects["learner"] ?? []
        courses = objects["course"] ?? []
        enrolments = (objects["enrolment"] ?? []).map { o in
            Enrolment(
                key: "\(o["tenant_id"] ?? "")/\(o["learner_id"] ?? "")/\(o["course_id"] ?? "")",
                enrolledAt: Timestamp.parse(o["enrolled_at"] as? String ?? "") ?? .min,
                withdrawn: o["outcome"] as? String == "withdrawn",
                outcomeAt: Timestamp.parse(o["outcome_at"] as? String ?? "") ?? .min,
                dropped: o["dropped"] as? Bool ?? false,
                disengagedAt: (o["disengaged_at"] as? String).flatMap(Timestamp.parse))
        }
    }

    var exportDate: Int64 { Timestamp.parse(params["export_date"] as? String ?? "") ?? .min }
}

extension LearningEvent {
    var enrolmentKey: String { "\(tenantID)/\(learnerID)/\(courseID)" }
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
