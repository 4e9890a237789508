import Foundation
@testable import GoogleCloud
import Testing

@Suite struct RetryTests {
    let request = HTTPRequest(url: URL(string: "http://fake/v1/thing")!)

    @Test func retries503And429ThenSucceedsWithBackoffInBounds() async throws {
        let clock = TestClock()
        let fake = FakeTransport { _, n in
            switch n {
            case 1: .json(#"{"error":{"message":"busy","status":"UNAVAILABLE"}}"#, status: 503)
            case 2: .json("{}", status: 429)
            case 3: .json("{}", status: 500)
            default: .json(#"{"ok":true}"#)
            }
        }
        let policy = RetryPolicy(maxAttempts: 5, initialDelay: .milliseconds(100), maxDelay: .seconds(10))
        let http = CloudHTTPClient(transport: fake, retry: policy, clock: clock.cloud)
        let r = try await http.send(request, call: "test.call")
        #expect(r.status == 200)
        #expect(r.attempts == 4)
        #expect(fake.requests.count == 4)
        let sleeps = clock.sleeps
        #expect(sleeps.count == 3)
        // Retry n sleeps within [b/2, b], b = 100 ms · 2^(n-1).
        for (k, d) in sleeps.enumerated() {
            let b = Duration.milliseconds(100 * (1 << k))
            #expect(d >= b / 2 && d <= b, "retry \(k + 1) slept \(d), expected within [\(b / 2), \(b)]")
        }
    }

    @Test func retryAfterRaisesTheDelayButNotAboveMax() async throws {
        let clock = TestClock()
        let fake = FakeTransport { _, n in n == 1 ? .json("{}", status: 429, headers: ["Retry-After": "3"]) : .json("{}") }
        let http = CloudHTTPClient(transport: fake, retry: RetryPolicy(initialDelay: .milliseconds(10), maxDelay: .seconds(2)),
                                   clock: clock.cloud)
        _ = try await http.send(request, call: "test.call")
        #expect(clock.sleeps == [.seconds(2)])
    }

    @Test func givesUpAfterMaxAttemptsWithATypedError() async throws {
        let clock = TestClock()
        let fake = FakeTransport { _, _ in .json(#"{"error":{"code":503,"message":"try later","status":"UNAVAILABLE"}}"#, status: 503) }
        let http = CloudHTTPClient(transport: fake, retry: RetryPolicy(maxAttempts: 3), clock: clock.cloud)
        let error = await #expect(throws: GoogleCloudError.self) { try await http.send(request, call: "pubsub.topics.get projects/p/topics/t") }
        #expect(error?.status == 503)
        #expect(error?.attempts == 3)
        #expect(error?.call == "pubsub.topics.get projects/p/topics/t")
        #expect(error?.message == "UNAVAILABLE: try later")
        #expect("\(error!)".contains("HTTP 503"))
        #expect(fake.requests.count == 3)
        #expect(clock.sleeps.count == 2)
    }

    @Test func transientTransportErrorsAreRetriedOthersAreNot() async throws {
        let clock = TestClock()
        let flaky = FakeTransport { _, n in
            if n == 1 { throw HTTPTransportError.connectionFailed("reset by peer") }
            if n == 2 { throw HTTPTransportError.timedOut }
            return .json("{}")
        }
        let http = CloudHTTPClient(transport: flaky, clock: clock.cloud)
        #expect(try await http.send(request, call: "c").status == 200)
        #expect(flaky.requests.count == 3)
        #expect(clock.sleeps.count == 2)

        let broken = FakeTransport { _, _ in throw HTTPTransportError.other("unsupported URL") }
        let e = await #expect(throws: GoogleCloudError.self) {
            try await CloudHTTPClient(transport: broken, clock: clock.cloud).send(request, call: "c")
        }
        #expect(e?.kind == .transport)
        #expect(broken.requests.count == 1)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let clock = TestClock()
        let fake = FakeTransport { _, _ in .json(#"{"error":{"code":404,"message":"Resource not found","status":"NOT_FOUND"}}"#, status: 404) }
        let http = CloudHTTPClient(transport: fake, clock: clock.cloud)
        let e = await #expect(throws: GoogleCloudError.self) { try await http.send(request, call: "c") }
        #expect(e?.status == 404)
        #expect(fake.requests.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    /// A provider that hands out token-1, then token-2 after an invalidation.
    actor RotatingCredentials: AccessTokenProvider {
        var serial = 1
        var invalidations = 0
        func token() async throws -> AccessToken? { AccessToken(value: "token-\(serial)") }
        func invalidate(_ token: AccessToken) async {
            invalidations += 1
            if token.value == "token-\(serial)" { serial += 1 }
        }
        nonisolated var summary: String { "rotating" }
    }

    @Test func a401RefreshesTheTokenOnceAndRetries() async throws {
        let clock = TestClock()
        let fake = FakeTransport { r, _ in
            r.headers["Authorization"] == "Bearer token-2" ? .json("{}") : .json(#"{"error":{"code":401}}"#, status: 401)
        }
        let creds = RotatingCredentials()
        let http = CloudHTTPClient(transport: fake, credentials: creds, clock: clock.cloud)
        let r = try await http.send(request, call: "c")
        #expect(r.status == 200)
        #expect(fake.requests.map { $0.headers["Authorization"] } == ["Bearer token-1", "Bearer token-2"])
        #expect(clock.sleeps.isEmpty)

        // When the fresh token is refused too, the 401 is final (no loop).
        let always401 = FakeTransport { _, _ in .json(#"{"error":{"code":401,"status":"UNAUTHENTICATED"}}"#, status: 401) }
        let creds2 = RotatingCredentials()
        let e = await #expect(throws: GoogleCloudError.self) {
            try await CloudHTTPClient(transport: always401, credentials: creds2, clock: clock.cloud).send(request, call: "c")
        }
        #expect(e?.status == 401)
        #expect(always401.requests.count == 2)
        #expect(await creds2.invalidations == 1)
    }

    @Test func aFixedTokenIsNotRetriedOn401() async throws {
        let fake = FakeTransport { _, _ in .json("{}", status: 401) }
        let http = CloudHTTPClient(transport: fake, credentials: FixedTokenCredentials(token: "t"), clock: TestClock().cloud)
        let e = await #expect(throws: GoogleCloudError.self) { try await http.send(request, call: "c") }
        #expect(e?.status == 401)
        #expect(fake.requests.count == 1)
    }

    @Test func backoffGrowsAndIsCapped() {
        let p = RetryPolicy(initialDelay: .milliseconds(250), maxDelay: .seconds(16))
        #expect(p.backoff(retry: 1) == .milliseconds(250))
        #expect(p.backoff(retry: 3) == .seconds(1))
        #expect(p.backoff(retry: 7) == .seconds(16))
        #expect(p.backoff(retry: 10_000) == .seconds(16))
        var rng = SystemRandomNumberGenerator()
        for n in 1...8 {
            let d = p.delay(retry: n, using: &rng)
            #expect(d >= p.backoff(retry: n) / 2 && d <= p.backoff(retry: n))
        }
    }
}
