import Foundation
import GoogleCloud
import LodestarTestSupport

/// The project's Pub/Sub emulator (scripts/pubsub_emulator.py) that scripts/test starts, with its test controls.
/// Each test works in its own project so that faults, auth and clock changes do not reach other tests.
struct PubSubEmulator {
    let base: String
    let project: String

    init() throws {
        let host = try TestEnvironment.pubsubEmulatorHost()
        base = host.hasPrefix("http") ? host : "http://" + host
        project = "test-\(uniqueSuffix())"
    }

    var url: URL { URL(string: base)! }

    /// A client of this test's project; sleeps between retries are recorded by `clock`, not slept.
    func client(credentials: any AccessTokenProvider = NoCredentials(), retry: RetryPolicy = .default,
                clock: TestClock = TestClock(), transport: any HTTPTransport = URLSessionTransport.shared) throws -> PubSubClient
    {
        try PubSubClient(endpoint: url, project: project,
                         http: CloudHTTPClient(transport: transport, credentials: credentials, retry: retry,
                                               clock: TestClock.realTime(recording: clock)))
    }

    @discardableResult
    func admin(_ path: String, _ json: String = "{}") async throws -> [String: Any] {
        let (status, data) = try await rawRequest("POST", "\(base)/admin/projects/\(project)/\(path)", json: json)
        guard status == 200 else { throw GoogleCloudError(call: "emulator admin \(path)", kind: .http(status: status), message: "") }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    func stats() async throws -> [String: Any] {
        let (_, data) = try await rawRequest("GET", "\(base)/admin/projects/\(project)/stats")
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    func injected() async throws -> Int { (try await stats()["injected"] as? Int) ?? -1 }

    /// The JWT assertions the emulator's token endpoint received from `issuer`.
    func tokenRequests(issuer: String) async throws -> [[String: Any]] {
        let q = issuer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? issuer
        let (_, data) = try await rawRequest("GET", "\(base)/admin/token-requests?iss=\(q)")
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return obj?["requests"] as? [[String: Any]] ?? []
    }

    /// The emulator's token endpoint.
    var tokenURI: URL { URL(string: "\(base)/token")! }
    /// The emulator's metadata server (host:port).
    var metadataHost: String { String(base.dropFirst("http://".count)) }
}
