import EventSources
import Foundation
import GoogleCloud
import LearningEvents
import LodestarTestSupport

/// What reading some locations produced.
struct ReadResult {
    var events: [LearningEvent] = []
    var quarantined: [QuarantinedRecord] = []
    var failures: [SourceFileError] = []
}

func readAll(_ locations: [String], gcs: GCSClient? = nil, batchSize: Int = 1000) async throws -> ReadResult {
    var r = ReadResult()
    for try await rec in ExportSource(locations, batchSize: batchSize, gcs: gcs).records() {
        switch rec {
        case .event(let e, _, _): r.events.append(e)
        case .quarantined(let q): r.quarantined.append(q)
        case .fileFailed(let f): r.failures.append(f)
        }
    }
    return r
}

/// The expected rows written by the fixture script.
struct ExpectedRow: Decodable {
    let event_id: String
    let tenant_id: String
    let org_id: String?
    let learner_id: String
    let course_id: String
    let lesson_id: String?
    let event_type: String
    let occurred_at: Int64
    let duration_seconds: Int64?
    let score: Double?
}

func expectedRows(_ folder: String) throws -> [ExpectedRow] {
    try JSONDecoder().decode([ExpectedRow].self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json")))
}
