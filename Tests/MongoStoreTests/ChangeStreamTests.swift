import Foundation
import MongoStore
import Testing

@Suite("Change streams and transactions")
struct ChangeStreamTests {
    @Test("a tenant's change stream delivers its inserts, skips other tenants and resumes from a token")
    func watchAndResume() async throws {
        let t = try TestDatabase("watch")
        let a = t.db.tenant("tenant-a").collection("learner_features", as: BSONDocument.self)
        let b = t.db.tenant("tenant-b").collection("learner_features", as: BSONDocument.self)
        try await a.insert(["learner_id": "warmup"])  // the collection exists before watching

        var it = try await a.watch(maxAwait: .milliseconds(200)).opened()
        try await b.insert(["learner_id": "other-tenant"])
        try await a.insert(["learner_id": "first"])
        try await a.insert(["learner_id": "second"])
        let first = try await it.next()
        #expect(first?.operationType == "insert")
        #expect(first?.fullDocument?["learner_id"] == "first")
        #expect(first?.fullDocument?["tenant_id"] == "tenant-a")
        guard let token = first?.resumeToken, !token.isEmpty else {
            Issue.record("no resume token")
            return
        }
        var resumed = a.watch(resumeAfter: token, maxAwait: .milliseconds(200)).makeAsyncIterator()
        let next = try await resumed.next()
        #expect(next?.fullDocument?["learner_id"] == "second")
        try await t.finish()
    }

    @Test("a transaction commits all its writes or none")
    func transactions() async throws {
        let t = try TestDatabase("tx")
        let versions = t.db.tenant("acme").collection("model_versions", as: BSONDocument.self)
        try await versions.insert(["kind": "ials", "version": "v1", "status": "active"])

        try await t.db.withTransaction { tx in
            let v = tx.tenant("acme").collection("model_versions", as: BSONDocument.self)
            _ = try await v.updateMany(["kind": "ials", "status": "active"], ["$set": ["status": "retired"]])
            try await v.insert(["kind": "ials", "version": "v2", "status": "active"])
        }
        #expect(try await versions.find(["status": "active"]).collect().map { $0["version"] } == ["v2"])

        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await t.db.withTransaction { tx in
                let v = tx.tenant("acme").collection("model_versions", as: BSONDocument.self)
                _ = try await v.updateMany(["status": "active"], ["$set": ["status": "retired"]])
                try await v.insert(["kind": "ials", "version": "v3", "status": "active"])
                throw Boom()
            }
        }
        #expect(try await versions.find(["status": "active"]).collect().map { $0["version"] } == ["v2"])
        #expect(try await versions.count(["version": "v3"]) == 0)
        try await t.finish()
    }
}

/// The platform-wide change feed of a tenant collection yields only tenant and key, for every tenant.
@Suite struct TenantChangeFeedTests {
    struct Row: Codable, Sendable {
        var learner_id: String
        var secret: String
    }

    @Test func yieldsTenantAndKeyOnly() async throws {
        let t = try TestDatabase("feed")
        try await t.db.tenant("tenant-a").collection("rows", as: Row.self).insert(Row(learner_id: "warmup", secret: "s"))
        var it = try await t.db.watchTenantChanges(in: "rows", keyField: "learner_id", maxAwait: .milliseconds(200)).opened()
        try await t.db.tenant("tenant-a").collection("rows", as: Row.self).insert(Row(learner_id: "l1", secret: "s"))
        try await t.db.tenant("tenant-b").collection("rows", as: Row.self).insert(Row(learner_id: "l2", secret: "s"))
        var seen: [TenantChange] = []
        while seen.count < 2, let e = try await it.next() {
            if let d = e.fullDocument { seen.append(d) }
        }
        #expect(seen.map { $0.tenant?.rawValue } == ["tenant-a", "tenant-b"])
        #expect(seen.map(\.key) == ["l1", "l2"])
        try await t.finish()
    }
}
