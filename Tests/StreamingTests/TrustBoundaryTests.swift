import Foundation
import GoogleCloud
import LearningEvents
import LearningStore
import MongoStore
import Streaming
import Testing

/// The Pub/Sub trust boundary (issue 19): a message's tenant is its `tenant_id` attribute, set by the platform's
/// publisher; a body naming another tenant, a message without the attribute and a tenant outside the consumer's
/// `tenants` are quarantined with the reason, acked, and change nothing.
@Suite struct TrustBoundaryTests {
    static func event(_ id: String, tenant: String, learner: String = "intruder") -> LearningEvent {
        LearningEvent(eventID: id, tenantID: tenant, orgID: nil, learnerID: learner, courseID: "c1", lessonID: nil, type: .enrolled,
                      occurredAt: ConsumerTests.asOf - ConsumerTests.day, durationSeconds: nil, score: nil)
    }

    @Test("decode checks the tenant attribute before the body, and names the attribute's tenant in a refusal")
    func decodeRules() throws {
        let acme = Self.event("e1", tenant: "acme")
        let body = EventMessage.encode(acme)
        #expect(EventMessage.decode(body, attributes: ["tenant_id": "acme"]) == .success(acme))
        #expect(EventMessage.message(acme).attributes == ["tenant_id": "acme"])
        func refusal(_ data: Data, _ attributes: [String: String], tenants: Set<String>? = nil) -> EventMessage.Refusal? {
            if case .failure(let r) = EventMessage.decode(data, attributes: attributes, tenants: tenants) { return r }
            return nil
        }
        #expect(refusal(body, [:])?.reason.hasPrefix("message has no tenant_id attribute") == true)
        #expect(refusal(body, [:])?.tenant == nil)
        #expect(refusal(body, ["tenant_id": "../acme"])?.reason == "the tenant_id attribute is not a valid tenant id")
        let crossed = try #require(refusal(body, ["tenant_id": "globex"]))
        #expect(crossed.reason == "tenant_id acme differs from the message's tenant_id attribute globex")
        #expect(crossed.field == "tenant_id" && crossed.tenant == "globex", "listed under the publisher's tenant, never the body's")
        let outside = try #require(refusal(body, ["tenant_id": "acme"], tenants: ["globex", "initech"]))
        #expect(outside.reason == "tenant acme is not served by this consumer (--tenants globex,initech)" && outside.tenant == "acme")
        #expect(EventMessage.decode(body, attributes: ["tenant_id": "acme"], tenants: ["acme"]) == .success(acme))
        // An unreadable body of a publisher with a valid attribute is listed under that tenant.
        #expect(refusal(Data("{not json".utf8), ["tenant_id": "acme"])?.tenant == "acme")
        var config = ConsumerConfiguration(subscription: "s")
        config.tenants = []
        #expect(config.validate()?.hasPrefix("tenants:") == true)
        config.tenants = ["acme", "bad/id"]
        #expect(config.validate() == "tenants: 'bad/id' is not a tenant id")
    }

    @Test("a body naming another tenant than its attribute, no attribute, and a tenant outside --tenants are quarantined; the rest applied")
    func quarantinedAcrossTheBoundary() async throws {
        let fx = try StreamingFixture("trust")
        try await fx.createSubscription()
        try await fx.seedCourses("acme", ConsumerTests.lessons)
        let acme = ConsumerTests.history(learners: 2)
        let globex = ConsumerTests.history(tenant: "globex", learners: 1, prefix: "g")
        // A publisher of globex writing acme's data; a message without the attribute; a tenant this consumer does not
        // serve (body and attribute agree); an attribute that is not a tenant id.
        let crossed = PubSubMessage(data: EventMessage.encode(Self.event("x1", tenant: "acme")), attributes: ["tenant_id": "globex"])
        let unlabelled = PubSubMessage(data: EventMessage.encode(Self.event("x2", tenant: "acme")))
        let outside = EventMessage.message(Self.event("x3", tenant: "initech"))
        let invalid = PubSubMessage(data: EventMessage.encode(Self.event("x4", tenant: "acme")), attributes: ["tenant_id": "acme/../x"])
        try await fx.publish(messages: [crossed, unlabelled, outside, invalid] + (acme + globex).map { EventMessage.message($0) })
        var config = StreamingFixture.consumerConfiguration(fx.subscription, asOf: ConsumerTests.asOf)
        config.tenants = ["acme", "globex"]
        let rows: @Sendable () async throws -> [QuarantineDocument] = { try await QuarantineStore(db: fx.db).rows(run: "stream") }
        let consumer = try await fx.runConsumer(config, state: { "quarantine \(try await rows().map(\.reason))" }) {
            let applied = try await fx.processedCount("acme") + fx.processedCount("globex")
            let quarantined = try await rows().count
            return applied == acme.count + globex.count && quarantined == 4
        }
        #expect(consumer.stats.quarantined == 4 && consumer.stats.nacked == 0)
        let byReason = Dictionary(try await rows().map { ($0.reason, $0) }, uniquingKeysWith: { a, _ in a })
        let crossedRow = try #require(byReason["tenant_id acme differs from the message's tenant_id attribute globex"], "\(byReason.keys)")
        #expect(crossedRow.tenant_id == "globex" && crossedRow.field == "tenant_id")
        let unlabelledRow = try #require(byReason.first { $0.key.hasPrefix("message has no tenant_id attribute") }?.value)
        #expect(unlabelledRow.tenant_id == nil)
        let outsideRow = try #require(byReason["tenant initech is not served by this consumer (--tenants acme,globex)"], "\(byReason.keys)")
        #expect(outsideRow.tenant_id == "initech")
        #expect(byReason["the tenant_id attribute is not a valid tenant id"] != nil)
        // Nothing of the refused messages reached any tenant's data.
        let (acmeCount, globexCount, initechCount) = (try await fx.processedCount("acme"), try await fx.processedCount("globex"),
                                                      try await fx.processedCount("initech"))
        #expect(acmeCount == acme.count && globexCount == globex.count && initechCount == 0)
        let initechFeatures = try await fx.features("initech"), acmeFeatures = try await fx.features("acme")
        #expect(initechFeatures.isEmpty)
        #expect(!acmeFeatures.keys.contains { $0.hasPrefix("intruder/") }, "the crossed and unlabelled events were not applied")
        // Acked: nothing is delivered again.
        #expect(try await fx.pubsub().pull(subscription: fx.subscription, maxMessages: 100).isEmpty)
        try await fx.finish()
    }
}
