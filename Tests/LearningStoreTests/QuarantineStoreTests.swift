import Foundation
import LearningStore
import MongoStore
import Testing

@Suite("Quarantine that can be governed")
struct QuarantineStoreTests {
    func row(_ i: Int, run: String, tenant: String? = "acme") -> QuarantineDocument {
        QuarantineDocument(tenant_id: tenant, source: "/exports/events-0.json", position: "line \(i)", raw: "{\"x\":\(i)}",
                           reason: "event_type: unknown", field: "event_type", run_id: run, recorded_at: Date(), retention: 30 * 86_400)
    }

    @Test("a rerun of the same files stores nothing new; rows list per tenant; a TTL index expires them")
    func dedupAndTTL() async throws {
        let t = try StoreTestDatabase("quarantine")
        try await StoreLayout.ensureIndexes(t.db)
        let store = QuarantineStore(db: t.db)
        try await store.record((0..<10).map { row($0, run: "run-1") } + [row(99, run: "run-1", tenant: nil)])
        try await store.record((0..<10).map { row($0, run: "run-2") })
        let all = try await t.db.system(.quarantine, as: QuarantineDocument.self).find().collect()
        #expect(all.count == 11, "the second run's identical rows were not stored again")
        #expect(try await store.rows(run: "run-2").count == 10, "they are marked as seen by the second run")
        #expect(try await store.rows(tenant: "acme").count == 10)
        #expect(try await store.rows(tenant: "other").isEmpty)
        let indexes = try await t.db.listIndexes(SystemCollectionName.quarantine.rawValue)
        #expect(indexes.first { $0.name == "quarantine_ttl" }?.expireAfterSeconds == 0)
        #expect(indexes.contains { $0.name == "by_tenant" })
        #expect(all.allSatisfy { $0.expires_at > $0.recorded_at.addingTimeInterval(29 * 86_400) })
        try await t.finish()
    }
}
