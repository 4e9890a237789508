import Foundation
import Hummingbird
import Logging
import HummingbirdTesting
@testable import InferenceAPI
import Synchronization
import Testing

/// One response of the API under test.
struct APIResponse: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: Data

    var json: JSONValue? { JSONValue.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The error code of an error body.
    var errorCode: String? {
        guard case .object(let o)? = json, case .object(let e)? = o["error"], case .string(let c)? = e["code"] else { return nil }
        return c
    }

    subscript(_ key: String) -> JSONValue? {
        guard case .object(let o)? = json else { return nil }
        return o[key]
    }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        guard case .object(let o) = self else { return nil }
        return o[key]
    }

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var number: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    var array: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }
}

/// Sends requests to an app under test and checks every response against the OpenAPI document (problems are
/// collected and reported by `expectConformance()`).
final class APIClient: Sendable {
    let client: any TestClientProtocol
    let validator: OpenAPIValidator
    private let problems = Mutex<[String]>([])
    private let count = Mutex(0)

    init(_ client: any TestClientProtocol) throws {
        self.client = client
        validator = try OpenAPIValidator()
    }

    @discardableResult
    func request(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, body: String? = nil,
                 headers extra: HTTPFields = [:], inSpec: Bool = true) async throws -> APIResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        let r = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let response = APIResponse(status: Int(r.status.code), headers: r.headers, body: Data(buffer: r.body))
        // A route outside the spec (an unknown one) must still answer in the error shape.
        let found = inSpec
            ? validator.problems(method: method.rawValue, path: path, status: response.status,
                                 contentType: response.headers[.contentType], body: response.body)
            : validator.validate(JSONValue.parse(response.body) ?? .null, ["$ref": "#/components/schemas/Error"], at: "\(path) error")
        count.withLock { $0 += 1 }
        if !found.isEmpty { problems.withLock { $0 += found.prefix(3) } }
        return response
    }

    func get(_ path: String, token: String? = nil) async throws -> APIResponse { try await request(.get, path, token: token) }

    func post(_ path: String, token: String? = nil, body: String) async throws -> APIResponse {
        try await request(.post, path, token: token, body: body)
    }

    /// Every response so far matched the spec.
    func expectConformance(sourceLocation: SourceLocation = #_sourceLocation) {
        let p = problems.withLock { $0 }
        #expect(p.isEmpty, "responses not matching openapi.yaml: \(p.prefix(10))", sourceLocation: sourceLocation)
        #expect(count.withLock { $0 } > 0, sourceLocation: sourceLocation)
    }
}

extension InferenceAPI {
    /// The API as a Hummingbird application for `app.test(.router)`.
    var testApplication: some ApplicationProtocol {
        var logger = Logger(label: "api-test")
        logger.logLevel = .warning
        return Application(router: router(), logger: logger)
    }
}
