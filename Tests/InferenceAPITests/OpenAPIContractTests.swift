import Foundation
@testable import InferenceAPI
import LodestarTestSupport
import Testing

/// `openapi.yaml` is the contract: the JSON the API serves is exactly it (regenerate with scripts/openapi-embed).
@Suite struct OpenAPIContractTests {
    @Test func servedDocumentIsTheYAMLFile() throws {
        let python = try TestEnvironment.python()
        let yaml = TestEnvironment.packageRoot.appendingPathComponent("openapi.yaml").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import json,sys,yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout, sort_keys=True)", yaml]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let fromYAML = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let a = try JSONSerialization.jsonObject(with: fromYAML) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? NSDictionary
        #expect(a != nil && a == b, "OpenAPIDocument.swift is stale: run scripts/openapi-embed")
        let v = try OpenAPIValidator()
        #expect(v.paths.count == 15)
    }
}
