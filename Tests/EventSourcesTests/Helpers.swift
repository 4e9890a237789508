import EventSources
import Foundation
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

func tempDir(_ name: String) throws -> String {
    let dir = NSTemporaryDirectory() + "lodestar-\(name)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Runs Tests/Fixtures/make_fixtures.py once per process and returns its folder.
actor Fixtures {
    static let shared = Fixtures()
    private var dir: String?

    func folder() throws -> String {
        if let dir { return dir }
        let out = try tempDir("fixtures")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TestEnvironment.python())
        p.arguments = [TestEnvironment.packageRoot.path + "/Tests/Fixtures/make_fixtures.py", out]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw FixtureError(message: "make_fixtures.py failed") }
        dir = out
        return out
    }

    struct FixtureError: Error { let message: String }
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
