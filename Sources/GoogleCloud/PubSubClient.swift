public import Foundation

/// A Pub/Sub v1 REST client: topics (create, get, delete, publish) and subscriptions (create, get, delete, pull,
/// acknowledge, modifyAckDeadline). Authentication, retries with backoff (429, 5xx, transport errors) and the
/// refresh of a refused token come from its ``CloudHTTPClient``; build one with
/// ``GoogleCloudConfiguration/pubSubClient(credentials:transport:clock:)``.
///
/// Names are ids in ``project`` (`"events"`) or full resource names (`"projects/p/topics/events"`). Errors are
/// ``GoogleCloudError``s naming the call (`pubsub.subscriptions.pull projects/p/subscriptions/s`) and the status.
/// `publish` is retried like the rest, so a retried publish may store a message twice (Pub/Sub is at-least-once
/// anyway; consumers deduplicate).
///
/// ```swift
/// let pubsub = try PubSubClient(endpoint: URL(string: "http://127.0.0.1:8085")!, project: "demo", http: CloudHTTPClient())
/// _ = try await pubsub.createTopic("events")
/// _ = try await pubsub.createSubscription(PubSubSubscription(name: "consumer", topic: "events"))
/// _ = try await pubsub.publish(topic: "events", messages: [PubSubMessage(data: Data("{}".utf8))])
/// let received = try await pubsub.pull(subscription: "consumer", maxMessages: 100)
/// try await pubsub.acknowledge(subscription: "consumer", ackIDs: received.map(\.ackID))
/// ```
public struct PubSubClient: Sendable {
    /// Google's endpoint.
    public static let googleEndpoint = URL(string: "https://pubsub.googleapis.com")!
    /// Most messages per publish request (the API's limit).
    public static let maxMessagesPerPublish = 1000
    /// Largest publish request body (the API's limit is 10 MB).
    public static let maxPublishBytes = 10_000_000
    /// Most ack ids sent per acknowledge / modifyAckDeadline request (larger lists are split).
    public static let maxAckIDsPerRequest = 1000

    /// The API root.
    public let endpoint: URL
    /// The default project for ids.
    public let project: String
    /// Authentication, retries, transport.
    public let http: CloudHTTPClient
    /// The largest pull response accepted (a larger one fails without being buffered).
    public var maxPullResponseBytes = 64 << 20
    /// How long a pull may wait for messages before the server answers.
    public var pullTimeout: Duration = .seconds(90)
    /// Idle timeout of every other call (a timed-out call is retried; see ``URLSessionTransport`` on why it matters).
    public var requestTimeout: Duration = .seconds(30)

    /// A client for `project` at `endpoint`.
    public init(endpoint: URL = PubSubClient.googleEndpoint, project: String, http: CloudHTTPClient) throws {
        guard Self.isValidProject(project) else {
            throw GoogleCloudError(call: "pubsub", kind: .invalidArgument, message: "invalid project id '\(project.prefix(64))'")
        }
        self.endpoint = endpoint
        self.project = project
        self.http = http
    }

    // MARK: names

    /// The full name of topic `id` (`projects/P/topics/ID`); a full name is checked and returned as is.
    public func topicPath(_ id: String) throws -> String { try path(id, kind: "topics") }

    /// The full name of subscription `id` (`projects/P/subscriptions/ID`); a full name is checked and returned as is.
    public func subscriptionPath(_ id: String) throws -> String { try path(id, kind: "subscriptions") }

    func path(_ id: String, kind: String) throws -> String {
        if id.hasPrefix("projects/") {
            let parts = id.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[2] == kind, Self.isValidProject(String(parts[1])), Self.isValidResourceID(String(parts[3]))
            else {
                throw GoogleCloudError(call: "pubsub", kind: .invalidArgument, message: "invalid \(kind) name '\(id.prefix(300))'")
            }
            return id
        }
        guard Self.isValidResourceID(id) else {
            throw GoogleCloudError(call: "pubsub", kind: .invalidArgument,
                                   message: "invalid \(kind.dropLast()) id '\(id.prefix(300))' (3–255 of A–Z a–z 0–9 - _ . ~ + %, starting with a letter)")
        }
        return "projects/\(project)/\(kind)/\(id)"
    }

    /// Pub/Sub's rule for topic and subscription ids.
    public static func isValidResourceID(_ id: String) -> Bool {
        let b = Array(id.utf8)
        guard (3...255).contains(b.count), let first = b.first, (first | 0x20) >= 0x61, (first | 0x20) <= 0x7A,
              !id.lowercased().hasPrefix("goog") else { return false }
        return b.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
                || c == 0x7E || c == 0x2B || c == 0x25
        }
    }

    /// Project ids: lower-case letters, digits, `-`, and the `.`/`:` of domain-scoped projects; 1–100 characters.
    public static func isValidProject(_ id: String) -> Bool {
        let b = Array(id.utf8)
        guard (1...100).contains(b.count) else { return false }
        return b.allSatisfy { c in (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x2E || c == 0x3A }
    }

    func url(_ resource: String, verb: String? = nil) throws -> URL {
        let s = endpoint.absoluteString
        let base = s.hasSuffix("/") ? String(s.dropLast()) : s
        guard let u = URL(string: "\(base)/v1/\(resource)\(verb.map { ":" + $0 } ?? "")") else {
            throw GoogleCloudError(call: "pubsub", kind: .invalidArgument, message: "cannot build a URL for \(resource)")
        }
        return u
    }

    func json(_ method: String, _ url: URL, _ body: some Encodable, maxResponseBytes: Int = 1 << 20,
              timeout: Duration? = nil) throws -> HTTPRequest
    {
        HTTPRequest(method: method, url: url, headers: ["Content-Type": "application/json"],
                    body: try JSONEncoder().encode(body), maxResponseBytes: maxResponseBytes, timeout: timeout ?? requestTimeout)
    }

    func get(_ url: URL) -> HTTPRequest { HTTPRequest(url: url, maxResponseBytes: 1 << 20, timeout: requestTimeout) }

    func delete(_ url: URL) -> HTTPRequest {
        HTTPRequest(method: "DELETE", url: url, maxResponseBytes: 1 << 16, timeout: requestTimeout)
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, call: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: response.body) } catch {
            throw GoogleCloudError(call: call, kind: .invalidResponse,
                                   message: "unexpected JSON (\(CredentialsFile.describe(error))): \(response.bodyExcerpt(200))",
                                   attempts: response.attempts)
        }
    }

    struct Empty: Codable {}

    // MARK: topics

    /// Creates a topic (HTTP 409 `ALREADY_EXISTS` when it exists).
    public func createTopic(_ topic: String) async throws -> PubSubTopic {
        let name = try topicPath(topic)
        let call = "pubsub.topics.create \(name)"
        let r = try await http.send(try json("PUT", try url(name), Empty()), call: call)
        return PubSubTopic(name: try decode(PubSubWire.Topic.self, r, call: call).name)
    }

    /// A topic (HTTP 404 when it does not exist).
    public func getTopic(_ topic: String) async throws -> PubSubTopic {
        let name = try topicPath(topic)
        let call = "pubsub.topics.get \(name)"
        let r = try await http.send(get(try url(name)), call: call)
        return PubSubTopic(name: try decode(PubSubWire.Topic.self, r, call: call).name)
    }

    /// Deletes a topic.
    public func deleteTopic(_ topic: String) async throws {
        let name = try topicPath(topic)
        _ = try await http.send(delete(try url(name)),
                                call: "pubsub.topics.delete \(name)")
    }

    /// Publishes `messages` (1…1000, at most 10 MB in all) and returns their message ids in order.
    public func publish(topic: String, messages: [PubSubMessage]) async throws -> [String] {
        let name = try topicPath(topic)
        let call = "pubsub.topics.publish \(name)"
        guard !messages.isEmpty, messages.count <= Self.maxMessagesPerPublish else {
            throw GoogleCloudError(call: call, kind: .invalidArgument,
                                   message: "\(messages.count) messages (1…\(Self.maxMessagesPerPublish) per request)")
        }
        var wire: [PubSubWire.Message] = []
        wire.reserveCapacity(messages.count)
        for (k, m) in messages.enumerated() {
            if let problem = Self.problem(with: m) {
                throw GoogleCloudError(call: call, kind: .invalidArgument, message: "message \(k): \(problem)")
            }
            wire.append(PubSubWire.Message(data: m.data.base64EncodedString(),
                                           attributes: m.attributes.isEmpty ? nil : m.attributes,
                                           orderingKey: m.orderingKey))
        }
        let request = try json("POST", try url(name, verb: "publish"), PubSubWire.PublishRequest(messages: wire),
                               maxResponseBytes: 1 << 20)
        guard let body = request.body, body.count <= Self.maxPublishBytes else {
            throw GoogleCloudError(call: call, kind: .invalidArgument,
                                   message: "request of \(request.body?.count ?? 0) bytes exceeds \(Self.maxPublishBytes)")
        }
        let r = try await http.send(request, call: call)
        let ids = try decode(PubSubWire.PublishResponse.self, r, call: call).messageIds ?? []
        guard ids.count == messages.count else {
            throw GoogleCloudError(call: call, kind: .invalidResponse,
                                   message: "\(ids.count) message ids for \(messages.count) messages", attempts: r.attempts)
        }
        return ids
    }

    /// Why Pub/Sub would refuse `m`, or nil.
    static func problem(with m: PubSubMessage) -> String? {
        if m.data.isEmpty && m.attributes.isEmpty { return "a message needs data or attributes" }
        if m.data.count > 10_000_000 { return "data of \(m.data.count) bytes exceeds 10 MB" }
        if m.attributes.count > 100 { return "\(m.attributes.count) attributes (at most 100)" }
        for (k, v) in m.attributes {
            if k.isEmpty || k.utf8.count > 256 { return "attribute key of \(k.utf8.count) bytes (1…256)" }
            if k.hasPrefix("goog") { return "attribute key '\(k.prefix(40))' starts with 'goog' (reserved)" }
            if v.utf8.count > 1024 { return "attribute '\(k.prefix(40))' value of \(v.utf8.count) bytes (at most 1024)" }
        }
        if let key = m.orderingKey, key.utf8.count > 1024 { return "ordering key of \(key.utf8.count) bytes (at most 1024)" }
        return nil
    }

    // MARK: subscriptions

    /// Creates a subscription (HTTP 409 when it exists, 404 when its topic does not).
    public func createSubscription(_ settings: PubSubSubscription) async throws -> PubSubSubscription {
        let name = try subscriptionPath(settings.name)
        let call = "pubsub.subscriptions.create \(name)"
        guard (10...600).contains(settings.ackDeadlineSeconds) else {
            throw GoogleCloudError(call: call, kind: .invalidArgument,
                                   message: "ackDeadlineSeconds \(settings.ackDeadlineSeconds) (10…600)")
        }
        var wire = PubSubWire.Subscription(topic: try topicPath(settings.topic), ackDeadlineSeconds: settings.ackDeadlineSeconds)
        if let dl = settings.deadLetterPolicy {
            guard (5...100).contains(dl.maxDeliveryAttempts) else {
                throw GoogleCloudError(call: call, kind: .invalidArgument,
                                       message: "maxDeliveryAttempts \(dl.maxDeliveryAttempts) (5…100)")
            }
            wire.deadLetterPolicy = PubSubWire.DeadLetterPolicy(deadLetterTopic: try topicPath(dl.deadLetterTopic),
                                                                maxDeliveryAttempts: dl.maxDeliveryAttempts)
        }
        if settings.enableMessageOrdering { wire.enableMessageOrdering = true }
        let r = try await http.send(try json("PUT", try url(name), wire), call: call)
        return try subscriptionSettings(from: decode(PubSubWire.Subscription.self, r, call: call), name: name)
    }

    /// A subscription's settings (HTTP 404 when it does not exist).
    public func getSubscription(_ subscription: String) async throws -> PubSubSubscription {
        let name = try subscriptionPath(subscription)
        let call = "pubsub.subscriptions.get \(name)"
        let r = try await http.send(get(try url(name)), call: call)
        return try subscriptionSettings(from: decode(PubSubWire.Subscription.self, r, call: call), name: name)
    }

    func subscriptionSettings(from w: PubSubWire.Subscription, name: String) throws -> PubSubSubscription {
        PubSubSubscription(
            name: w.name ?? name, topic: w.topic, ackDeadlineSeconds: w.ackDeadlineSeconds ?? 10,
            deadLetterPolicy: w.deadLetterPolicy.flatMap { p in
                p.deadLetterTopic.map { PubSubDeadLetterPolicy(deadLetterTopic: $0, maxDeliveryAttempts: p.maxDeliveryAttempts ?? 5) }
            },
            enableMessageOrdering: w.enableMessageOrdering ?? false)
    }

    /// Deletes a subscription.
    public func deleteSubscription(_ subscription: String) async throws {
        let name = try subscriptionPath(subscription)
        _ = try await http.send(delete(try url(name)),
                                call: "pubsub.subscriptions.delete \(name)")
    }

    /// Pulls up to `maxMessages` (1…1000) messages; an empty array when none is available right now.
    public func pull(subscription: String, maxMessages: Int) async throws -> [PubSubReceivedMessage] {
        let name = try subscriptionPath(subscription)
        let call = "pubsub.subscriptions.pull \(name)"
        guard (1...1000).contains(maxMessages) else {
            throw GoogleCloudError(call: call, kind: .invalidArgument, message: "maxMessages \(maxMessages) (1…1000)")
        }
        let request = try json("POST", try url(name, verb: "pull"), PubSubWire.PullRequest(maxMessages: maxMessages),
                               maxResponseBytes: maxPullResponseBytes, timeout: pullTimeout)
        let r = try await http.send(request, call: call)
        let received = try decode(PubSubWire.PullResponse.self, r, call: call).receivedMessages ?? []
        guard received.count <= maxMessages else {
            throw GoogleCloudError(call: call, kind: .invalidResponse,
                                   message: "\(received.count) messages for maxMessages \(maxMessages)", attempts: r.attempts)
        }
        return try received.enumerated().map { k, m in
            func bad(_ why: String) -> GoogleCloudError {
                GoogleCloudError(call: call, kind: .invalidResponse, message: "received message \(k): \(why)", attempts: r.attempts)
            }
            guard let ackID = m.ackId, !ackID.isEmpty else { throw bad("no ackId") }
            guard let msg = m.message else { throw bad("no message") }
            let data: Data
            if let d = msg.data, !d.isEmpty {
                guard let decoded = Data(base64Encoded: d) else { throw bad("data is not base64") }
                data = decoded
            } else {
                data = Data()
            }
            if let a = m.deliveryAttempt, a < 0 { throw bad("deliveryAttempt \(a)") }
            let message = PubSubMessage(data: data, attributes: msg.attributes ?? [:], orderingKey: msg.orderingKey,
                                        messageID: msg.messageId, publishTime: msg.publishTime.flatMap(RFC3339.parse))
            return PubSubReceivedMessage(ackID: ackID, message: message,
                                         deliveryAttempt: m.deliveryAttempt.flatMap { $0 == 0 ? nil : $0 })
        }
    }

    /// Acknowledges messages (they will not be delivered again). Ack ids past their deadline are ignored by the
    /// server; the message may then be redelivered.
    public func acknowledge(subscription: String, ackIDs: [String]) async throws {
        let name = try subscriptionPath(subscription)
        for chunk in Self.chunks(ackIDs) {
            _ = try await http.send(try json("POST", try url(name, verb: "acknowledge"), PubSubWire.AcknowledgeRequest(ackIds: chunk)),
                                    call: "pubsub.subscriptions.acknowledge \(name)")
        }
    }

    /// Sets the ack deadline of leased messages to `seconds` from now (0…600); 0 makes them available for
    /// redelivery at once (a nack).
    public func modifyAckDeadline(subscription: String, ackIDs: [String], seconds: Int) async throws {
        let name = try subscriptionPath(subscription)
        let call = "pubsub.subscriptions.modifyAckDeadline \(name)"
        guard (0...600).contains(seconds) else {
            throw GoogleCloudError(call: call, kind: .invalidArgument, message: "ackDeadlineSeconds \(seconds) (0…600)")
        }
        for chunk in Self.chunks(ackIDs) {
            let body = PubSubWire.ModifyAckDeadlineRequest(ackIds: chunk, ackDeadlineSeconds: seconds)
            _ = try await http.send(try json("POST", try url(name, verb: "modifyAckDeadline"), body), call: call)
        }
    }

    /// Nacks messages: `modifyAckDeadline` with 0 seconds.
    public func nack(subscription: String, ackIDs: [String]) async throws {
        try await modifyAckDeadline(subscription: subscription, ackIDs: ackIDs, seconds: 0)
    }

    static func chunks(_ ids: [String]) -> [[String]] {
        stride(from: 0, to: ids.count, by: maxAckIDsPerRequest).map { Array(ids[$0..<min(ids.count, $0 + maxAckIDsPerRequest)]) }
    }
}
