import Foundation
import LodestarTestSupport
import Testing

/// `lodestar tenants rules get|set` end to end: the binary built beside the test bundle, against the test server (a
/// database of its own): YAML and JSON files and standard input, versions with who set them, the field of a bad
/// document (exit 65) and a stale `--replacing` (exit 75).
@Suite struct TenantsRulesCommandTests {
    let environment: [String: String]

    init() throws {
        var env = ProcessInfo.processInfo.environment
        env["MONGODB_URI"] = try TestEnvironment.mongoURI()
        env["LODESTAR_DB"] = "cli_rules_\(UInt32.random(in: 0...UInt32.max))"
        env["USER"] = "ada"
        environment = env
    }

    func lodestar(_ args: [String], stdin: String? = nil) throws -> (status: Int32, output: String) {
        guard let stdin else { return try LodestarBinary.run(args, environment: environment) }
        let p = Process()
        p.executableURL = try LodestarBinary.require()
        p.arguments = args
        p.environment = environment
        let out = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test func setFromYAMLJSONAndStandardInputThenGet() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let none = try lodestar(["tenants", "rules", "get", "acme"])
        #expect(none.status == 0, "\(none.output)")
        let defaults = try json(none.output)
        #expect(defaults["version"] as? Int == 0 && defaults["updated_by"] == nil)
        #expect((defaults["rules"] as? [String: Any])?["dismissal_days"] as? Int == 90)

        let yaml = dir.appendingPathComponent("rules.yaml")
        try """
            # mandatory training first for EMEA
            exclude:
              categories: [legacy]
            pinned:
              - course_id: code-of-conduct
                position: 1
                org_ids: [emea]
                until: 2027-03-31T00:00:00Z
            boosts: {recent_days: 30, recent_weight: 0.2}
            dismissal_days: 30
            """.write(to: yaml, atomically: true, encoding: .utf8)
        let first = try lodestar(["tenants", "rules", "set", "acme", yaml.path])
        #expect(first.status == 0 && first.output.contains("version 1") && first.output.contains("cli:ada"), "\(first.output)")

        let jsonFile = dir.appendingPathComponent("rules.json")
        try #"{"dismissal_days": 15, "fallback": false}"#.write(to: jsonFile, atomically: true, encoding: .utf8)
        let second = try lodestar(["tenants", "rules", "set", "acme", jsonFile.path, "--replacing", "1"])
        #expect(second.status == 0 && second.output.contains("version 2"), "\(second.output)")

        let third = try lodestar(["tenants", "rules", "set", "acme", "-"], stdin: "dismissal_days: 20\n")
        #expect(third.status == 0 && third.output.contains("version 3"), "\(third.output)")
        let fourth = try lodestar(["tenants", "rules", "set", "acme"], stdin: #"{"dismissal_days": 21}"#)
        #expect(fourth.status == 0 && fourth.output.contains("version 4"), "\(fourth.output)")

        let shown = try lodestar(["tenants", "rules", "get", "acme", "--history"])
        #expect(shown.status == 0, "\(shown.output)")
        let doc = try json(shown.output)
        #expect(doc["version"] as? Int == 4 && doc["updated_by"] as? String == "cli:ada" && doc["tenant_id"] as? String == "acme")
        #expect((doc["rules"] as? [String: Any])?["dismissal_days"] as? Int == 21)
        let history = try #require(doc["history"] as? [[String: Any]])
        #expect(history.map { $0["version"] as? Int } == [3, 2, 1])
        let v1 = try #require(history.last?["rules"] as? [String: Any])
        let pin = try #require((v1["pinned"] as? [[String: Any]])?.first)
        #expect(pin["course_id"] as? String == "code-of-conduct" && pin["until"] as? String == "2027-03-31T00:00:00Z", "\(pin)")
        #expect(history.allSatisfy { $0["updated_by"] as? String == "cli:ada" && $0["updated_at"] is String })
        #expect(try lodestar(["tenants", "rules", "get", "acme"]).output.contains("\"history\"") == false)
    }

    @Test func badDocumentIs65AndStaleVersionIs75() async throws {
        for (text, field) in [("pinned:\n  - {course_id: c1, position: 0}\n", "pinned[0].position"),
                              ("boosts:\n  recent_weight: 2\n", "boosts.recent_weight"),
                              ("dismissal_days: ninety\n", "dismissal_days"),
                              (#"{"exclude": {"courses": ["bad id"]}}"#, "exclude.courses[0]"),
                              ("exclude: {complete: true}\n", "exclude.complete"),
                              ("- a\n- b\n", "document")] {
            let r = try lodestar(["tenants", "rules", "set", "beta"], stdin: text)
            #expect(r.status == 65, "\(text): \(r.output)")
            #expect(r.output.contains("invalid rules: \(field): "), "\(text): \(r.output)")
        }
        #expect(try json(try lodestar(["tenants", "rules", "get", "beta"]).output)["version"] as? Int == 0)
        #expect(try lodestar(["tenants", "rules", "set", "beta"], stdin: "{}").status == 0)
        let stale = try lodestar(["tenants", "rules", "set", "beta", "--replacing", "0"], stdin: "dismissal_days: 5\n")
        #expect(stale.status == 75 && stale.output.contains("version 1 is current"), "\(stale.output)")
        let missing = try lodestar(["tenants", "rules", "set", "beta", "/nonexistent/rules.yaml"])
        #expect(missing.status != 0 && missing.status != 65)
        let badTenant = try lodestar(["tenants", "rules", "get", "../x"])
        #expect(badTenant.status != 0 && badTenant.output.contains("invalid tenant id"))
    }
}
