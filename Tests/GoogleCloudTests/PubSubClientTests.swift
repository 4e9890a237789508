import Foundation
@testable import GoogleCloud
import Testing

/// The Pub/Sub client against the project's emulator (scripts/pubsub_emulator.py, started by scripts/test).
@Suite struct PubSubClientTests {
    func message(_ text: String, key: String? = nil, attributes: [String: String] = [:]) -> PubSubMessage {
        PubSubMessage(data: Data(text.utf8), attributes: attributes, orderingKey: key)
    }

    /// Pulls until `count` messages arrived (or a few empty pulls in a row).
    func pull(_ pubsub: PubSubClient, _ sub: String, count: Int) async throws -> [PubSubReceivedMessage] {
        var out: [PubSubReceivedMessage] = []
        var empty = 0
        while out.count < count && empty < 3 {
            let got = try await pubsub.pull(subscription: sub, maxMessages: count - out.count)
            if got.isEmpty { empty += 1 } else { empty = 0 }
            out += got
        }
        return out
    }

    @Test func topicsAndSubscriptionsAreCreatedAndRead() async throws {
        let emu = try PubSubEmulator()
        let pubsub = try emu.client()
        let topic = try await pubsub.createTopic("events")
        #expect(topic.name == "projects/\(emu.project)/topics/events")
        #expect(try await pubsub.getTopic("events") == topic)
        #expect(try await pubsub.getTopic(topic.name) == topic)
        let dup = await #expect(throws: GoogleCloudError.self) { try await pubsub.createTopic("events") }
        #expect(dup?.status == 409)
        #expect(dup?.call == "pubsub.topics.create projects/\(emu.project)/topics/events")
        let missing = await #expect(throws: GoogleCloudError.self) { try await pubsub.getTopic("nothing-here") }
        #expect(missing?.status == 404)
        #expect(missing?.message.hasPrefix("NOT_FOUND") == true)

        _ = try await pubsub.createTopic("events-dead")
        let settings = PubSubSubscription(name: "consumer", topic: "events", ackDeadlineSeconds: 30,
                                          deadLetterPolicy: PubSubDeadLetterPolicy(deadLetterTopic: "events-dead", maxDeliveryAttempts: 7),
                                          enableMessageOrdering: true)
        let created = try await pubsub.createSubscription(settings)
        #expect(created.name == "projects/\(emu.project)/subscriptions/consumer")
        #expect(created.topic == topic.name)
        #expect(created.ackDeadlineSeconds == 30)
        #expect(created.deadLetterPolicy == PubSubDeadLetterPolicy(deadLetterTopic: "projects/\(emu.project)/topics/events-dead",
                                                                   maxDeliveryAttempts: 7))
        #expect(created.enableMessageOrdering)
        #expect(try await pubsub.getSubscription("consumer") == created)
        let noTopic = await #expect(throws: GoogleCloudError.self) {
            try await pubsub.createSubscription(PubSubSubscription(name: "orphan", topic: "no-such-topic"))
        }
        #expect(noTopic?.status == 404)
        try await pubsub.deleteSubscription("consumer")
        let gone = await #expect(throws: GoogleCloudError.self) { try await pubsub.getSubscription("consumer") }
        #expect(gone?.status == 404)
    }

    @Test func publishPullAcknowledge() async throws {
        let emu = try PubSubEmulator()
        let pubsub = try emu.client()
        _ = try await pubsub.createTopic("events")
        _ = try await pubsub.createSubscription(PubSubSubscription(name: "consumer", topic: "events", ackDeadlineSeconds: 60))
        let binary = Data([0, 1, 2, 0xFF, 0xFE])
        let ids = try await pubsub.publish(topic: "events", messages: [
            message(#"{"event_id":"e1"}"#, key: "learner-1", attributes: ["tenant_id": "t1"]),
            PubSubMessage(data: binary),
            PubSubMessage(data: Data(), attributes: ["only": "attributes"]),
        ])
        #expect(ids.count == 3)
        #expect(Set(ids).count == 3)
        let before = Date()
        let received = try await pull(pubsub, "consumer", count: 3)
        #expect(received.count == 3)
        let byID = Dictionary(uniqueKeysWithValues: received.map { ($0.message.messageID!, $0) })
        let first = try #require(byID[ids[0]])
        #expect(first.message.data == Data(#"{"event_id":"e1"}"#.utf8))
        #expect(first.message.attributes == ["tenant_id": "t1"])
        #expect(first.message.orderingKey == "learner-1")
        #expect(first.deliveryAttempt == nil)  // only reported with a dead-letter policy, as in Pub/Sub
        let publishTime = try #require(first.message.publishTime)
        #expect(abs(publishTime.timeIntervalSince(before)) < 60)
        #expect(byID[ids[1]]?.message.data == binary)
        #expect(byID[ids[2]]?.message.data == Data())
        #expect(byID[ids[2]]?.message.attributes == ["only": "attributes"])
        try await pubsub.acknowledge(subscription: "consumer", ackIDs: received.map(\.ackID))
        #expect(try await pubsub.pull(subscription: "consumer", maxMessages: 10).isEmpty)
        // Acknowledging again (ids no longer leased) is harmless.
        try await pubsub.acknowledge(subscription: "consumer", ackIDs: received.map(\.ackID))
    }

    @Test func nackRedeliversWithTheNextDeliveryAttempt() async throws {
        let emu = try PubSubEmulator()
        let pubsub = try emu.client()
        _ = try await pubsub.createTopic("events")
        _ = try await pubsub.createTopic("dead")
        _ = try await pubsub.createSubscription(PubSubSubscription(
            name: "consumer", topic: "events", ackDeadlineSeconds: 60, deadLetterPolicy: PubSubDeadLetterPolicy(deadLetterTopic: "dead")))
        let id = try await pubsub.publish(topic: "events", messages: [message("m")])[0]
        let first = try await pull(pubsub, "consumer", count: 1)
        #expect(first.map(\.deliveryAttempt) == [1])
        try await pubsub.nack(subscription: "consumer", ackIDs: first.map(\.ackID))
        let second = try await pull(pubsub, "consumer", count: 1)
        #expect(second.map(\.message.messageID) == [id])
        #expect(second.map(\.deliveryAttempt) == [2])
        #expect(second[0].ackID != first[0].ackID)
        // The old ack id is dead: acknowledging it does not remove the redelivered message's lease...
        try await pubsub.acknowledge(subscription: "consumer", ackIDs: first.map(\.ackID))
        try await pubsub.nack(subscription: "consumer", ackIDs: second.map(\.ackID))
        #expect(try await pull(pubsub, "consumer", count: 1).map(\.deliveryAttempt) == [3])
    }

    @Test func anExpiredAckDeadlineRedelivers() async throws {
        let emu = try PubSubEmulator()
        let pubsub = try emu.client()
        _ = try await pubsub.createTopic("events")
        _ = try await pubsub.createTopic("dead")
        _ = try await pubsub.createSubscription(PubSubSubscription(
            name: "consumer", topic: "events", ackDeadlineSeconds: 60, deadLetterPolicy: PubSubDeadLetterPolicy(deadLetterTopic: "dead")))
        _ = try await pubsub.publish(topic: "events", messages: [message("slow")])
        let first = try await pull(pubsub, "consumer", count: 1)
        #expect(first.count == 1)
        // The emulator's clock is moved in steps with ~20 s of slack each, so a slow machine's real seconds do not matter.
        try await emu.admin("advance", #"{"seconds": 30}"#)
        #expect(try await pubsub.pull(subscription: "consumer", maxMessages: 1).isEmpty)  // still leased
        // Extending the deadline (to 120 s from now) keeps it leased past the original 60 s.
        try await pubsub.modifyAckDeadline(subscription: "consumer", ackIDs: first.map(\.ackID), seconds: 120)
        try await emu.admin("advance", #"{"seconds": 70}"#)
        #expect(try await pubsub.pull(subscription: "consumer", maxMessages: 1).isEmpty)
        try await emu.admin("advance", #"{"seconds": 60}"#)
        let again = try await pull(pubsub, "consumer", count: 1)
        #expect(again.map(\.message.messageID) == first.map(\.message.messageID))
        #expect(again.map(\.deliveryAttempt) == [2])
        // A late ack of the expired lease does not stop the new delivery from being leased.
        try await pubsub.acknowledge(subscription: "consumer", ackIDs: first.map(\.ackID))
        try await pubsub.acknowledge(subscription: "consumer", ackIDs: again.map(\.ackID))
        try await emu.admin("advance", #"{"seconds": 200}"#)
        #expect(try await pubsub.pull(subscription: "consumer", maxMessages: 1).isEmpty)
    }

    @Test func aMessageIsDeadLetteredAfterMaxDeliveryAttempts() async throws {
        let emu = try PubSubEmulator()
        let pubsub = try emu.client()
        _ = try await pubsub.createTopic("events")
        _ = try await pubsub.createTopic("dead")
        _ = try await pubsub.createSubscription(PubSubSubscription(name: "dead-reader", topic: "dead"))
        _ = try await pubsub.createSubscription(PubSubSubscription(
            name: "consumer", topic: "events", ackDeadlineSeconds: 60,
            deadLetterPolicy: PubSubDeadLetterPolicy(deadLetterTopic: "dead", maxDeliveryAttempts: 5)))
        _ = try await pubsub.publish(topic: "events", messages: [message("poison", attributes: ["k": "v"]), message("fine")])
        var attempts: [Int] = []
        var fineAcked = false
        for _ in 0..<12 {
            let got = try await pubsub.pull(subscription: "consumer", maxMessages: 10)
            for m in got {
                if m.message.data == Data("fine".utf8) {
                    try await pubsub.acknowledge(subscription: "consumer", ackIDs: [m.ackID])
                    fineAcked = true
                } else {
                    attempts.append(m.deliveryAttempt ?? -1)
                    try await pubsub.nack(subscription: "consumer", ackIDs: [m.ackID])
                }
            }
            if got.isEmpty && attempts.count >= 5 { break }
        }
        #expect(fineAcked)
        #expect(attempts == [1, 2, 3, 4, 5])
        let dead = try await pull(pubsub, "dead-reader", count: 1)
        #expect(dead.count == 1)
        #expect(dead.first?.message.data == Data("poison".utf8))
        #expect(dead.first?.message.attributes["k"] == "v")
        #expect(dead.first?.message.attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == "5")
        #expect(dead.first?.message.attributes["CloudPubSubDeadLetterSourceSubscription"] == "consumer")
    }

    @Test func orderingKeysAreDeliveredInOrderOneAtATime() async throws {
        let emu = try PubSubEmulator()
        let pubsub = try emu.client()
        _ = try await pubsub.createTopic("events")
        _ = try await pubsub.createSubscription(PubSubSubscription(name: "ordered", topic: "events", ackDeadlineSeconds: 60, enableMessageOrdering: true))
        _ = try await pubsub.publish(topic: "events", messages: [
            message("a1", key: "a"), message("b1", key: "b"), message("a2", key: "a"), message("a3", key: "a"), message("b2", key: "b"),
        ])
        var seen: [String: [String]] = [:]
        for _ in 0..<10 {
            let got = try await pubsub.pull(subscription: "ordered", maxMessages: 10)
            let keys = got.compactMap(\.message.orderingKey)
            #expect(Set(keys).count == keys.count, "two messages of one key outstanding at once")
            for m in got { seen[m.message.orderingKey!, default: []].append(String(decoding: m.message.data, as: UTF8.self)) }
            try await pubsub.acknowledge(subscription: "ordered", ackIDs: got.map(\.ackID))
            if seen.values.map(\.count).reduce(0, +) == 5 { break }
        }
        #expect(seen["a"] == ["a1", "a2", "a3"])
        #expect(seen["b"] == ["b1", "b2"])
    }

    @Test func injected503sAndResetsAreRetried() async throws {
        let emu = try PubSubEmulator()
        let clock = TestClock()
        var pubsub = try emu.client(clock: clock)
        // A reset on a reused connection stalls until the timeout (see URLSessionTransport), then is retried.
        pubsub.requestTimeout = .seconds(2)
        _ = try await pubsub.createTopic("events")
        _ = try await pubsub.createSubscription(PubSubSubscription(name: "consumer", topic: "events", ackDeadlineSeconds: 60))
        try await emu.admin("faults", #"{"fail_next": 3, "status": 503}"#)
        let ids = try await pubsub.publish(topic: "events", messages: [message("through the storm")])
        #expect(ids.count == 1)
        #expect(try await emu.injected() == 3)
        #expect(clock.sleeps.count == 3)

        try await emu.admin("faults", #"{"fail_next": 2, "status": 429}"#)
        let got = try await pull(pubsub, "consumer", count: 1)
        #expect(got.map(\.message.messageID) == ids)
        #expect(try await emu.injected() == 5)
        try await emu.admin("faults", #"{"fail_next": 2, "mode": "reset"}"#)
        try await pubsub.acknowledge(subscription: "consumer", ackIDs: got.map(\.ackID))
        #expect(try await emu.injected() == 7)
        try await emu.admin("faults", #"{"fail_next": 0}"#)
        #expect(try await pubsub.pull(subscription: "consumer", maxMessages: 5).isEmpty)
    }

    @Test func retriesRunOutWithATypedErrorNamingTheCall() async throws {
        let emu = try PubSubEmulator()
        let pubsub = try emu.client(retry: RetryPolicy(maxAttempts: 3))
        _ = try await pubsub.createTopic("events")
        try await emu.admin("faults", #"{"fail_next": 10, "status": 503}"#)
        let e = await #expect(throws: GoogleCloudError.self) { try await pubsub.publish(topic: "events", messages: [message("x")]) }
        #expect(e?.status == 503)
        #expect(e?.attempts == 3)
        #expect(e?.call == "pubsub.topics.publish projects/\(emu.project)/topics/events")
        #expect(e?.message.hasPrefix("UNAVAILABLE") == true)
    }

    @Test func anExpiredTokenIsRefreshedAndTheCallRetried() async throws {
        let emu = try PubSubEmulator()
        try await emu.admin("auth", #"{"require_token": true}"#)
        let email = "consumer-\(uniqueSuffix())@\(emu.project).iam.gserviceaccount.com"
        let creds = try ServiceAccountCredentials(key: TestKey.serviceAccount(email: email, tokenURI: emu.tokenURI))
        let pubsub = try emu.client(credentials: creds)
        _ = try await pubsub.createTopic("events")
        _ = try await pubsub.createSubscription(PubSubSubscription(name: "consumer", topic: "events", ackDeadlineSeconds: 60))
        #expect(await creds.exchanges == 1)

        try await emu.admin("expire-tokens")
        let ids = try await pubsub.publish(topic: "events", messages: [message("after expiry")])
        #expect(ids.count == 1)
        #expect(await creds.exchanges == 2)
        #expect(try await emu.stats()["unauthenticated"] as? Int == 1)

        // The token endpoint got RS256 JWTs signed by the key, with the claims Google expects.
        let requests = try await emu.tokenRequests(issuer: email)
        #expect(requests.count == 2)
        for r in requests {
            let (header, claims) = try verifiedJWT(try #require(r["assertion"] as? String))
            #expect(header["alg"] as? String == "RS256")
            #expect(claims["iss"] as? String == email)
            #expect(claims["aud"] as? String == emu.tokenURI.absoluteString)
            #expect(claims["scope"] as? String == ServiceAccountCredentials.cloudPlatformScope)
            let iat = try #require(claims["iat"] as? Int)
            #expect(claims["exp"] as? Int == iat + 3600)
            #expect(abs(Double(iat) - Date().timeIntervalSince1970) < 300)
        }

        // Without credentials the project refuses the call with a typed 401.
        let anonymous = try emu.client()
        let e = await #expect(throws: GoogleCloudError.self) { try await anonymous.getTopic("events") }
        #expect(e?.status == 401)
        #expect(e?.message.hasPrefix("UNAUTHENTICATED") == true)
    }

    @Test func metadataServerCredentialsWorkAgainstTheEmulator() async throws {
        let emu = try PubSubEmulator()
        try await emu.admin("auth", #"{"require_token": true}"#)
        let md = MetadataServerCredentials(host: emu.metadataHost)
        #expect(try await md.projectID() == "emulator-project")
        let pubsub = try emu.client(credentials: md)
        _ = try await pubsub.createTopic("events")
        try await emu.admin("expire-tokens")
        #expect(try await pubsub.getTopic("events").name.hasSuffix("/topics/events"))
        #expect(await md.fetches == 2)
    }

    @Test func responsesAreBounded() async throws {
        let emu = try PubSubEmulator()
        var pubsub = try emu.client()
        _ = try await pubsub.createTopic("events")
        _ = try await pubsub.createSubscription(PubSubSubscription(name: "consumer", topic: "events", ackDeadlineSeconds: 60))
        _ = try await pubsub.publish(topic: "events", messages: [PubSubMessage(data: Data(repeating: 7, count: 20_000))])
        pubsub.maxPullResponseBytes = 4096
        let e = await #expect(throws: GoogleCloudError.self) { try await pubsub.pull(subscription: "consumer", maxMessages: 1) }
        #expect(e?.kind == .responseTooLarge(limit: 4096))
    }

    @Test func badArgumentsFailBeforeAnyRequest() async throws {
        let fake = FakeTransport { _, _ in .json("{}") }
        let pubsub = try PubSubClient(project: "p-1", http: CloudHTTPClient(transport: fake))
        for bad in ["a/b", "x", "goog-topic", "../../admin", "projects/p-1/subscriptions/s1"] {
            let e = await #expect(throws: GoogleCloudError.self, "\(bad)") { try await pubsub.getTopic(bad) }
            #expect(e?.kind == .invalidArgument)
        }
        let tooMany = (0...PubSubClient.maxMessagesPerPublish).map { _ in PubSubMessage(data: Data("x".utf8)) }
        await #expect(throws: GoogleCloudError.self) { try await pubsub.publish(topic: "events", messages: tooMany) }
        await #expect(throws: GoogleCloudError.self) { try await pubsub.publish(topic: "events", messages: [PubSubMessage(data: Data())]) }
        await #expect(throws: GoogleCloudError.self) {
            try await pubsub.publish(topic: "events", messages: [PubSubMessage(data: Data("x".utf8), attributes: ["googx": "1"])])
        }
        await #expect(throws: GoogleCloudError.self) { try await pubsub.pull(subscription: "consumer", maxMessages: 0) }
        await #expect(throws: GoogleCloudError.self) {
            try await pubsub.modifyAckDeadline(subscription: "consumer", ackIDs: ["a"], seconds: 601)
        }
        await #expect(throws: GoogleCloudError.self) {
            try await pubsub.createSubscription(PubSubSubscription(name: "s-1", topic: "events", ackDeadlineSeconds: 5))
        }
        await #expect(throws: GoogleCloudError.self) {
            try await pubsub.createSubscription(PubSubSubscription(
                name: "s-1", topic: "events", deadLetterPolicy: PubSubDeadLetterPolicy(deadLetterTopic: "d-1", maxDeliveryAttempts: 4)))
        }
        #expect(throws: GoogleCloudError.self) { try PubSubClient(project: "Bad/Project", http: CloudHTTPClient()) }
        #expect(fake.requests.isEmpty)
    }

    @Test func hostileResponsesAreErrorsNotCrashes() async throws {
        let bodies = [
            #"{"receivedMessages":[{"message":{"data":"eA=="}}]}"#,  // no ackId
            #"{"receivedMessages":[{"ackId":"a","message":{"data":"***"}}]}"#,  // not base64
            #"{"receivedMessages":[{"ackId":"a","message":{},"deliveryAttempt":99999999999999999999999}]}"#,  // overflows Int
            #"{"receivedMessages":[{"ackId":"a","message":{},"deliveryAttempt":-1}]}"#,
            #"{"receivedMessages":[{"ackId":"a","message":{}},{"ackId":"b","message":{}}]}"#,  // more than asked
            #"{"receivedMessages":"nope"}"#, "[", "",
        ]
        for body in bodies {
            let pubsub = try PubSubClient(project: "p-1", http: CloudHTTPClient(transport: FakeTransport { _, _ in .json(body) }))
            let e = await #expect(throws: GoogleCloudError.self, "\(body)") { try await pubsub.pull(subscription: "consumer", maxMessages: 1) }
            #expect(e?.kind == .invalidResponse, "\(body)")
        }
        let wrongCount = try PubSubClient(project: "p-1", http: CloudHTTPClient(transport: FakeTransport { _, _ in .json(#"{"messageIds":["1"]}"#) }))
        let e = await #expect(throws: GoogleCloudError.self) {
            try await wrongCount.publish(topic: "events", messages: [PubSubMessage(data: Data("a".utf8)), PubSubMessage(data: Data("b".utf8))])
        }
        #expect(e?.kind == .invalidResponse)
    }
}
