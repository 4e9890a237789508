import Foundation
public import Logging
import Metrics

/// Sends Google API requests: adds the bearer token, retries transient failures with backoff and jitter
/// (``RetryPolicy``), and when a token is refused (HTTP 401) refreshes it once and tries again.
///
/// It returns any final answer, error statuses included, so that each client can name the call in its errors;
/// ``send(_:call:accepting:)`` turns an unexpected status into a ``GoogleCloudError``.
public struct CloudHTTPClient: Sendable {
    /// Where requests go.
    public var transport: any HTTPTransport
    /// Where tokens come from.
    public var credentials: any AccessTokenProvider
    /// When to retry.
    public var retry: RetryPolicy
    /// Wall clock and sleeper (injected by tests).
    public var clock: CloudClock
    /// Logs retries and refreshes.
    public var logger: Logger

    /// A client; the defaults talk to the network with the default retry policy and no credentials.
    public init(transport: any HTTPTransport = URLSessionTransport.shared, credentials: any AccessTokenProvider = NoCredentials(),
                retry: RetryPolicy = .default, clock: CloudClock = .system,
                logger: Logger = Logger(label: "lodestar.gcloud"))
    {
        self.transport = transport
        self.credentials = credentials
        self.retry = retry
        self.clock = clock
        self.logger = logger
    }

    /// Sends `request` with retries and returns the final answer, whatever its status. Throws a
    /// ``GoogleCloudError`` (kind `.transport`, `.responseTooLarge` or `.credentials`) when no answer came.
    ///
    /// - Parameter call: names the call in errors and logs, e.g. `pubsub.topics.publish projects/p/topics/t`; its
    ///   first word is the metrics label.
    public func perform(_ request: HTTPRequest, call: String) async throws -> HTTPResponse {
        var rng = SystemRandomNumberGenerator()
        var attempt = 0
        var refreshedToken = false
        let operation = String(call.prefix { $0 != " " })
        while true {
            attempt += 1
            try Task.checkCancellation()
            var req = request
            let token: AccessToken?
            do {
                token = try await credentials.token()
            } catch let e as GoogleCloudError {
                throw e
            } catch {
                throw GoogleCloudError(call: call, kind: .credentials, message: "\(error)", attempts: attempt)
            }
            if let token { req.headers["Authorization"] = "Bearer \(token.value)" }
            let response: HTTPResponse
            do {
                response = try await transport.send(req)
            } catch let e as HTTPTransportError {
                Counter(label: "lodestar_gcloud_transport_errors_total", dimensions: [("call", operation)]).increment()
                if case .responseTooLarge(let limit) = e {
                    throw GoogleCloudError(call: call, kind: .responseTooLarge(limit: limit), message: "", attempts: attempt)
                }
                guard e.isTransient, attempt < retry.maxAttempts else {
                    throw GoogleCloudError(call: call, kind: .transport, message: e.description, attempts: attempt)
                }
                let d = retry.delay(retry: attempt, using: &rng)
                logger.debug("transient transport error, retrying",
                             metadata: ["call": "\(call)", "error": "\(e)", "attempt": "\(attempt)", "delay": "\(d)"])
                try await clock.sleep(d)
                continue
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw GoogleCloudError(call: call, kind: .transport, message: "\(error)", attempts: attempt)
            }
            if response.status == 401, let token, !refreshedToken {
                // The token expired early or was revoked: fetch a new one and try again at once (once per call).
                refreshedToken = true
                await credentials.invalidate(token)
                let next = try? await credentials.token()
                if let next, next != token {
                    Counter(label: "lodestar_gcloud_token_refreshes_total", dimensions: [("call", operation)]).increment()
                    logger.info("token refused (HTTP 401); refreshed, retrying", metadata: ["call": "\(call)"])
                    attempt -= 1
                    continue
                }
            }
            if RetryPolicy.isRetryable(status: response.status), attempt < retry.maxAttempts {
                Counter(label: "lodestar_gcloud_retries_total", dimensions: [("call", operation), ("status", "\(response.status)")])
                    .increment()
                let d = retry.delay(retry: attempt, retryAfter: Self.retryAfter(response), using: &rng)
                logger.debug("retryable status, retrying",
                             metadata: ["call": "\(call)", "status": "\(response.status)", "attempt": "\(attempt)", "delay": "\(d)"])
                try await clock.sleep(d)
                continue
            }
            var final = response
            final.attempts = attempt
            return final
        }
    }

    /// Sends `request` and returns the answer when its status is in `accepting`; otherwise throws a
    /// ``GoogleCloudError`` of kind `.http` with the server's error message.
    public func send(_ request: HTTPRequest, call: String, accepting: Set<Int> = [200]) async throws -> HTTPResponse {
        let response = try await perform(request, call: call)
        guard accepting.contains(response.status) else {
            throw GoogleCloudError(call: call, kind: .http(status: response.status),
                                   message: Self.errorMessage(response), attempts: response.attempts)
        }
        return response
    }

    /// The `Retry-After` header in seconds, if any (HTTP dates are ignored).
    static func retryAfter(_ response: HTTPResponse) -> Duration? {
        guard let v = response.headers["retry-after"], let s = Int(v.trimmingCharacters(in: .whitespaces)), s >= 0,
              s < 86_400 else { return nil }
        return .seconds(s)
    }

    /// The message of a Google error body (`{"error": {"message": …, "status": …}}` or OAuth's
    /// `{"error": …, "error_description": …}`), else an excerpt of the body.
    static func errorMessage(_ response: HTTPResponse) -> String {
        struct GoogleError: Decodable {
            struct Inner: Decodable { let message: String?; let status: String? }
            let error: Inner
        }
        struct OAuthError: Decodable {
            let error: String
            let error_description: String?
        }
        if let e = try? JSONDecoder().decode(GoogleError.self, from: response.body) {
            return [e.error.status, e.error.message].compactMap { $0 }.joined(separator: ": ")
        }
        if let e = try? JSONDecoder().decode(OAuthError.self, from: response.body) {
            return [e.error, e.error_description].compactMap { $0 }.joined(separator: ": ")
        }
        return response.bodyExcerpt()
    }
}
