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
        // The operations of a tenant's recommendation settings write (rules, learner feedback): the run on
        // tenant-000's data leaves them out, so it changes nothing the other suites read meanwhile, and a second run,
        // with a token of tenant-900 (their examples' tenant), sends them its valid and invalid documents there.
        let settings = "recommendation-rules|/feedback$"
        let writer = try await Tokens.make(tenant: "tenant-900", roles: ["service", "tenant_admin"], expires: Date().addingTimeInterval(3600))
        let (all, writes) = try await api.testApplication.test(.live) { client -> ((Int32, String), (Int32, String)) in
            let port = try #require(client.port)
            return (try await Self.run(schemathesis, port: port, token: token, in: f.dir, options: ["--exclude-path-regex", settings]),
                    try await Self.run(schemathesis, port: port, token: writer, in: f.dir, options: ["--include-path-regex", settings]))
        }
        for (status, output) in [all, writes] {
            #expect(status == 0, "schemathesis failed:\n\(output.suffix(6000))")
            #expect(output.contains("passed") || output.contains("Passed"), "\(output.suffix(2000))")
        }
        // Every operation schemathesis loaded was tested in one of the two runs, the five job routes among them
        // (schemathesis 4.32 reported "14 selected / 14 total" for the 15 operations of the spec when this check was
        // written, and 15 + 3 of 18 with the rules and feedback operations).
        func count(_ output: String) -> (selected: Int, total: Int, tested: Int)? {
            guard let s = output.firstMatch(of: /Selected: (\d+)\/(\d+)/), let t = output.firstMatch(of: /Tested: (\d+)/) else { return nil }
            return (Int(s.1) ?? 0, Int(s.2) ?? 0, Int(t.1) ?? 0)
        }
        let main = count(all.1), second = count(writes.1)
        #expect(main.map { $0.selected == $0.tested && $0.tested >= 14 } == true, "\(all.1.suffix(2000))")
        #expect(second.map { $0.selected == 3 && $0.tested == 3 } == true, "\(writes.1.suffix(2000))")
        #expect(main.flatMap { m in second.map { m.selected + $0.selected == m.total } } == true, "an operation in neither run")
    }

    /// One schemathesis run against the server on `port`; its exit status and output.
    static func run(_ schemathesis: String, port: Int, token: String, in dir: URL, options: [String] = []) async throws -> (Int32, String) {
        let report = dir.appendingPathComponent("schemathesis-\(UUID().uuidString)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: schemathesis)
        p.currentDirectoryURL = dir  // its caches stay out of the repository
        p.arguments = [
            "run", "http://127.0.0.1:\(port)/openapi.json",
            "--header", "Authorization: Bearer \(token)",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--phases", "examples,coverage,fuzzing", "--max-examples", "25", "--seed", "7", "--generation-database", "none",
            "--workers", "1", "--no-color", "--request-timeout", "30", "--report-dir", report.path,
        ] + options
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
}
