import Foundation
import HummingbirdTesting
@testable import InferenceAPI
import LodestarTestSupport
import Testing

/// schemathesis (from the test venv) against a live server on the pipeline's data: every operation of openapi.yaml
/// (the job routes included) with generated valid and invalid inputs; no 5xx, and every response matches the schema.
@Suite struct SchemathesisTests {
    @Test func liveServerConformsToTheSpec() async throws {
        let f = try await APIFixture.shared()
        let python = try TestEnvironment.python()
        let schemathesis = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("schemathesis").path
        // With a job catalog (a database of its own): the job routes answer from JobService, as in `lodestar serve`.
        let (api, _) = try await f.api(jobs: try f.jobService())
        let token = try await Tokens.make(tenant: "tenant-000", roles: ["service", "tenant_admin", "data_scientist"], expires: Date().addingTimeInterval(3600))
        let report = f.dir.appendingPathComponent("schemathesis-\(UUID().uuidString)")
        let (status, output) = try await api.testApplication.test(.live) { client -> (Int32, String) in
            let port = try #require(client.port)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: schemathesis)
            p.currentDirectoryURL = f.dir  // its caches stay out of the repository
            p.arguments = [
                "run", "http://127.0.0.1:\(port)/openapi.json",
                "--header", "Authorization: Bearer \(token)",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--phases", "examples,coverage,fuzzing", "--max-examples", "25", "--seed", "7", "--generation-database", "none",
                "--workers", "1", "--no-color", "--request-timeout", "30", "--report-dir", report.path,
            ]
            var env = ProcessInfo.processInfo.environment
            env["SCHEMATHESIS_HOOKS"] = nil
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let data = await withCheckedContinuation { (c: CheckedContinuation<Data, Never>) in
                DispatchQueue.global().async { c.resume(returning: out.fileHandleForReading.readDataToEndOfFile()) }
            }
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        #expect(status == 0, "schemathesis failed:\n\(output.suffix(6000))")
        #expect(output.contains("passed") || output.contains("Passed"), "\(output.suffix(2000))")
        // Every operation schemathesis loaded was tested, the five job routes among them (schemathesis 4.32 reported
        // "14 selected / 14 total" for the 15 operations of the spec when this check was written).
        let selected = output.firstMatch(of: /Selected: (\d+)\/(\d+)/), tested = output.firstMatch(of: /Tested: (\d+)/)
        #expect(selected.map { $0.1 == $0.2 } == true && (tested.flatMap { Int($0.1) } ?? 0) >= 14, "\(output.suffix(2000))")
    }
}
