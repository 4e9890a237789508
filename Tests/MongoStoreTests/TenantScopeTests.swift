import Foundation
import MongoStore
import Testing
import LearningEvents

@Suite("Tenant scope")
struct TenantScopeTests {
    @Test("a tenant-scoped read never returns another tenant's document")
    func isolation() async throws {
        let t = try TestDatabase("scope")
        let a = t.db.tenant("tenant-a").collection("learner_features", as: BSONDocument.self)
        let b = t.db.tenant("tenant-b").collection("learner_features", as: BSONDocument.self)
        // Same learner and course ids in both tenants: only the scope tells them apart.
        try await a.insertMany((0..<10).map { ["learner_id": .string("l-\($0)"), "course_id": "c-1", "views": .int32(Int32($0))] })
        try await b.insertMany((0..<10).map { ["learner_id": .string("l-\($0)"), "course_id": "c-1", "views": 1000] })

        let all = try await a.find().collect()
        #expect(all.count == 10)
        #expect(all.allSatisfy { $0["tenant_id"] == "tenant-a" })
        // An $or that names B's values still only reaches A's documents.
        let tricky = try await a.find(["$or": [["views": 1000], ["learner_id": "l-1"]]]).collect()
        #expect(tricky.count == 1 && tricky[0]["tenant_id"] == "tenant-a")
        #expect(try await a.count(["views": 1000]) == 0)
        let sums = try await a.aggregate([["$group": ["_id": .null, "v": ["$sum": "$views"]]]]).collect()
        #expect(sums.first?["v"]?.int64Value == 45)

        // Writes through A never touch B.
        #expect(try await a.updateMany([:], ["$set": ["flag": true]]).matched == 10)
        #expect(try await b.count(["flag": true]) == 0)
        #expect(try await a.deleteMany([:]) == 10)
        #expect(try await b.count() == 10)

        // The platform-wide path lists tenants explicitly.
        #expect(try await t.db.tenantIDs(in: "learner_features") == ["tenant-b"])
        try await t.finish()
    }

    @Test("filters, documents, updates and stages that would leave the scope are refused")
    func refusals() async throws {
        let t = try TestDatabase("refuse")
        let a = t.db.tenant("tenant-a").collection("learner_features", as: BSONDocument.self)
        func isRejected(_ body: () async throws -> Void) async {
            do {
                try await body()
                Issue.record("expected a rejection")
            } catch let e as MongoError {
                #expect(e.kind == .rejected, "\(e)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        await isRejected { _ = try await a.find(["tenant_id": "tenant-b"]).collect() }
        await isRejected { _ = try await a.count(["tenant_id": "tenant-b"]) }
        await isRejected { try await a.insert(["tenant_id": "tenant-b", "learner_id": "x"]) }
        await isRejected { _ = try await a.updateMany([:], ["$set": ["tenant_id": "tenant-b"]]) }
        await isRejected { _ = try await a.aggregate([["$lookup": ["from": "other", "as": "x", "pipeline": []]]]).collect() }
        await isRejected { _ = try await a.aggregate([["$unionWith": "learner_features"]]).collect() }
        await isRejected { _ = try await a.aggregate([["$out": "stolen"]]).collect() }
        #expect(try await a.count() == 0)
        try await t.finish()
    }

    @Test("there is no unscoped path to a tenant collection")
    func noUnscopedPath() throws {
        // System collections are a closed list; tenant collections are not in it.
        for name in ["learner_recommendations", "dropout_risk", "learner_embeddings", "course_embeddings", "model_versions",
                     "learner_features", "processed_events"] {
            #expect(SystemCollectionName(rawValue: name) == nil)
        }
        // A tenant id must be valid before a scope exists.
        #expect(throws: TenantID.Invalid.self) { try TenantID(validating: "../etc") }
        #expect(throws: TenantID.Invalid.self) { try TenantID(validating: "") }
        #expect(throws: TenantID.Invalid.self) { try TenantID(validating: String(repeating: "a", count: 129)) }
        #expect(throws: TenantID.Invalid.self) { try TenantID(validating: "a b") }
        #expect(try TenantID(validating: "acme.eu:prod@x_1-2").rawValue == "acme.eu:prod@x_1-2")
    }
}
