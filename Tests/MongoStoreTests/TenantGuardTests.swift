import MongoStore
import Testing

/// The tenant guard through the public API (refusals happen before any I/O, so these need no server: the
/// collection is never reached because the check throws first).
@Suite("Tenant guard: update operators, pipelines, platform collections")
struct TenantGuardTests {
    static let refusedUpdates: [(String, BSONDocument)] = [
        ("$set tenant_id", ["$set": ["tenant_id": "tenant-b"]]),
        ("$set a path below tenant_id", ["$set": ["tenant_id.x": "y"]]),
        ("$unset tenant_id", ["$unset": ["tenant_id": ""]]),
        ("$rename from tenant_id", ["$rename": ["tenant_id": "t"]]),
        ("$rename to tenant_id", ["$rename": ["owner": "tenant_id"]]),
        ("$rename to a path below tenant_id", ["$rename": ["owner": "tenant_id.sub"]]),
        ("$setOnInsert tenant_id", ["$setOnInsert": ["tenant_id": "tenant-b"]]),
        ("$inc tenant_id", ["$inc": ["tenant_id": 1]]),
        ("$push tenant_id", ["$push": ["tenant_id": "x"]]),
        ("operators mixed with fields", ["$set": ["a": 1], "b": 2]),
        ("an operator without a document", ["$set": "tenant_id"]),
        ("a replacement naming another tenant", ["tenant_id": "tenant-b", "x": 1]),
        ("a replacement with a path below tenant_id", ["tenant_id.x": "y"]),
        ("an empty update", [:]),
    ]

    @Test("updates that set, unset, rename or reach into tenant_id are refused", arguments: 0..<TenantGuardTests.refusedUpdates.count)
    func refusedUpdate(_ i: Int) async throws {
        let (label, update) = Self.refusedUpdates[i]
        let client = try MongoClient(uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=50")
        let coll = client.database("guard").tenant("tenant-a").collection("learner_features", as: BSONDocument.self)
        do {
            _ = try await coll.updateMany(["learner_id": "l-1"], update)
            Issue.record("\(label) was not refused")
        } catch let e as MongoError {
            #expect(e.kind == .rejected, "\(label): \(e)")
        }
        do {
            _ = try await coll.findOneAndUpdate(["learner_id": "l-1"], update, upsert: true)
            Issue.record("\(label) was not refused by findOneAndUpdate")
        } catch let e as MongoError {
            #expect(e.kind == .rejected, "\(label): \(e)")
        }
        do {
            _ = try await coll.bulkUpdate([(filter: ["learner_id": "l-1"], update: update)])
            Issue.record("\(label) was not refused by bulkUpdate")
        } catch let e as MongoError {
            #expect(e.kind == .rejected, "\(label): \(e)")
        }
    }

    @Test("filters naming tenant_id (or a path below it) are refused")
    func refusedFilters() async throws {
        let client = try MongoClient(uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=50")
        let coll = client.database("guard").tenant("tenant-a").collection("learner_features", as: BSONDocument.self)
        for filter: BSONDocument in [["tenant_id": "tenant-b"], ["tenant_id.x": 1], ["tenant_id": ["$ne": "tenant-a"]]] {
            await #expect(throws: MongoError.self) { _ = try await coll.count(filter) }
            await #expect(throws: MongoError.self) { _ = try await coll.deleteMany(filter) }
            await #expect(throws: MongoError.self) { _ = try await coll.find(filter).collect() }
        }
    }

    @Test("aggregation stages that read other collections or write are refused on platform collections too")
    func platformPipelines() async throws {
        let client = try MongoClient(uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=50")
        let db = client.database("guard")
        let quarantine = db.system(.quarantine, as: BSONDocument.self)
        let tenant = db.tenant("tenant-a").collection("x", as: BSONDocument.self)
        for stage: BSONDocument in [
            ["$lookup": ["from": "learner_features", "localField": "a", "foreignField": "b", "as": "c"]],
            ["$unionWith": "dropout_risk"], ["$out": "elsewhere"], ["$merge": ["into": "elsewhere"]],
            ["$graphLookup": ["from": "x"]], ["$facet": ["a": [["$lookup": ["from": "y"]]]]],
        ] {
            for seq in [quarantine.aggregate([stage]), tenant.aggregate([stage])] {
                do {
                    _ = try await seq.collect()
                    Issue.record("\(stage) was not refused")
                } catch let e as MongoError {
                    #expect(e.kind == .rejected, "\(stage): \(e)")
                }
            }
        }
    }

    @Test("a tenant's document is stamped with its tenant; one naming another tenant is refused")
    func stamping() async throws {
        let client = try MongoClient(uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=50")
        let coll = client.database("guard").tenant("tenant-a").collection("x", as: BSONDocument.self)
        await #expect(throws: MongoError.self) { try await coll.insert(["tenant_id": "tenant-b", "a": 1]) }
        await #expect(throws: MongoError.self) { try await coll.insert(["tenant_id.x": "y"]) }
    }
}
