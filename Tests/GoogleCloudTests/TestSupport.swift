import Foundation
import GoogleCloud
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A clock whose time moves only when a test says, and whose sleeps return at once (recorded).
final class TestClock: @unchecked Sendable {
    // @unchecked: every field is read and written under `lock`.
    private let lock = NSLock()
    private var current: Date
    private var slept: [Duration] = []

    init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = now }

    var now: Date { lock.withLock { current } }
    var sleeps: [Duration] { lock.withLock { slept } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }

    var cloud: CloudClock {
        CloudClock(now: { [self] in now }, sleep: { [self] d in lock.withLock { slept.append(d) } })
    }

    /// The real wall clock, with sleeps recorded instead of slept (for tests against real servers).
    static func realTime(recording clock: TestClock) -> CloudClock {
        CloudClock(now: { Date() }, sleep: { d in _ = clock.record(d) })
    }

    private func record(_ d: Duration) -> Int { lock.withLock { slept.append(d); return slept.count } }
}

/// An in-process HTTP server: answers each request with `handler` (called with the request and its 1-based number).
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: `log` is only touched under `lock`; `handler` is immutable.
    typealias Handler = @Sendable (HTTPRequest, Int) async throws -> HTTPResponse
    private let lock = NSLock()
    private var log: [HTTPRequest] = []
    private let handler: Handler

    init(_ handler: @escaping Handler) { self.handler = handler }

    var requests: [HTTPRequest] { lock.withLock { log } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let n = lock.withLock { log.append(request); return log.count }
        return try await handler(request, n)
    }
}

extension HTTPResponse {
    static func json(_ text: String, status: Int = 200, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
                     body: Data(text.utf8))
    }
}

/// A random lower-case suffix for names that must not collide between tests.
func uniqueSuffix() -> String { String(UInt64.random(in: 0...UInt64.max), radix: 36) }

/// Sends a request with Foundation directly (for test setup and the emulators' admin calls).
func rawRequest(_ method: String, _ url: String, json: String? = nil, body: Data? = nil,
                contentType: String = "application/json") async throws -> (Int, Data)
{
    var r = URLRequest(url: URL(string: url)!)
    r.httpMethod = method
    if let json { r.httpBody = Data(json.utf8) } else if let body { r.httpBody = body }
    if r.httpBody != nil { r.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    let (data, response) = try await URLSession.shared.data(for: r)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
}
