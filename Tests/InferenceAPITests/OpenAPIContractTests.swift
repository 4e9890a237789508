import Foundation
import HummingbirdTesting
@testable import InferenceAPI
import LodestarTestSupport
import Logging
import MongoStore
import Prometheus
import Testing

/// `Sources/InferenceAPI/Resources/openapi.yaml` is the contract and the module's resource: the API serves its bytes
/// at `/openapi.yaml` and the same document at `/openapi.json` (as PyYAML reads the file).
@Suite struct OpenAPIContractTests {
    static var file: URL { TestEnvironment.packageRoot.appendingPathComponent("Sources/InferenceAPI/Resources/openapi.yaml") }

    @Test func bundledDocumentIsTheYAMLFile() throws {
        let document = try OpenAPIDocument.load()
        #expect(document.yaml == Array(try Data(contentsOf: Self.file)), "the built resource bundle holds another openapi.yaml")
        let python = try TestEnvironment.python()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import json,sys,yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout, sort_keys=True)", Self.file.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let fromYAML = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let a = try JSONSerialization.jsonObject(with: fromYAML) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: Data(document.json)) as? NSDictionary
        #expect(a != nil && a == b, "the JSON served at /openapi.json differs from PyYAML's reading of openapi.yaml")
        let v = try OpenAPIValidator()
        #expect(v.paths.count == 18)
    }

    /// The two routes serve the bundled document, without a database (MongoDB is never asked).
    @Test func routesServeTheFile() async throws {
        let auth = try AuthConfiguration(hmacSecret: Array(APIFixture.secret.utf8))
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        let mongo = try MongoClient(uri: "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300&connectTimeoutMS=300")
        let api = InferenceAPI(configuration: APIConfiguration(auth: auth, modelsDirectory: URL(fileURLWithPath: "/nonexistent")),
                               db: mongo.database("x"), verifier: await TokenVerifier(configuration: auth, logger: logger),
                               metrics: RequestMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
                               metricsText: { [] }, logger: logger)
        let file = try Data(contentsOf: Self.file)
        try await api.testApplication.test(.router) { raw in
            let client = try APIClient(raw)
            let yaml = try await client.get("/openapi.yaml")
            #expect(yaml.status == 200)
            #expect(yaml.headers[.contentType] == "application/yaml; charset=utf-8")
            #expect(yaml.body == file)
            let json = try await client.get("/openapi.json")
            #expect(json.status == 200)
            #expect(Array(json.body) == (try OpenAPIDocument.load().json))
            client.expectConformance()
        }
    }

    /// YAML to JSON: members in the file's order, integers stay integers, quoted scalars stay strings; what JSON
    /// cannot carry is refused.
    @Test func convertsYAMLToJSON() throws {
        let d = try OpenAPIDocument(yaml: Array("b: 1\na: [1.5, 'x', true, null, '2']\n'200': {c: -3, d: \"yes\"}\n".utf8))
        #expect(String(decoding: d.json, as: UTF8.self) == #"{"b":1,"a":[1.5,"x",true,null,"2"],"200":{"c":-3,"d":"yes"}}"#)
        for bad in ["a: 1\na: 2\n", "a: 2001-12-14\n", "a: .inf\n", "? [x]\n: 1\n", "a: [\n"] {
            #expect(throws: (any Error).self, "\(bad)") { try OpenAPIDocument(yaml: Array(bad.utf8)) }
        }
    }
}
