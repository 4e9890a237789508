import Foundation
import MongoStore
import Testing

@Suite("MongoStore against the server")
struct CollectionTests {
    @Test("insert, find with filter/sort/limit/projection, count, delete")
    func crud() async throws {
        let t = try TestDatabase("crud")
        let recs = t.db.tenant("acme").collection("learner_recommendations", as: Recommendation.self)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var docs: [Recommendation] = []
        for i in 0..<30 {
            let item = Recommendation.Item(course_id: "c-\(i % 4)", score: Double(i) / 10, reason: nil)
            let version = i % 2 == 0 ? "v1" : "v2"
            docs.append(Recommendation(tenant_id: nil, learner_id: "l-\(i)", items: [item], model_version: version,
                                       computed_at: now.addingTimeInterval(Double(i))))
        }
        try await recs.insertMany(docs)
        #expect(try await recs.count() == 30)
        #expect(try await recs.count(["model_version": "v1"]) == 15)

        let top = try await recs.find(["model_version": "v2"], sort: ["computed_at": -1], limit: 3).collect()
        #expect(top.map(\.learner_id) == ["l-29", "l-27", "l-25"])
        #expect(top.allSatisfy { $0.tenant_id == "acme" }, "the scope stamps tenant_id")
        #expect(top[0].computed_at == now.addingTimeInterval(29))

        let raw = t.db.tenant("acme").collection("learner_recommendations", as: BSONDocument.self)
        let projected = try await raw.find(["learner_id": "l-3"], projection: ["learner_id": 1, "_id": 0]).collect()
        #expect(projected == [["learner_id": "l-3"]])

        // More documents than one batch, read lazily.
        var seen = 0
        for try await _ in recs.find(batchSize: 7) { seen += 1 }
        #expect(seen == 30)

        #expect(try await recs.deleteMany(["model_version": "v1"]) == 15)
        #expect(try await recs.count() == 15)
        try await t.finish()
    }

    @Test("bulk upsert is batched, unordered and idempotent")
    func bulkUpsert() async throws {
        let t = try TestDatabase("bulk")
        let emb = t.db.tenant("acme").collection("learner_embeddings", as: Embedding.self)
        try await t.db.createIndexes([IndexSpec(keys: ["tenant_id": 1, "learner_id": 1], unique: true)], on: "learner_embeddings")
        let docs = (0..<2500).map { Embedding(learner_id: "l-\($0)", vector: [Float($0), 0.5, -1], model_version: "v1") }
        let first = try await emb.bulkUpsert(docs, key: ["learner_id"], batchSize: 1000)
        #expect(first.upserted == 2500)
        let second = try await emb.bulkUpsert(docs.map { var d = $0; d.model_version = "v2"; return d }, key: ["learner_id"])
        #expect(second.upserted == 0)
        #expect(second.matched == 2500)
        #expect(try await emb.count() == 2500)
        #expect(try await emb.count(["model_version": "v2"]) == 2500)
        let one = try await emb.findOne(["learner_id": "l-42"])
        #expect(one?.vector == [42, 0.5, -1])
        try await t.finish()
    }

    @Test("a duplicate key is a MongoError with code 11000 naming the operation and collection")
    func duplicateKey() async throws {
        let t = try TestDatabase("dup")
        try await t.db.createIndexes([IndexSpec(keys: ["tenant_id": 1, "learner_id": 1], unique: true)], on: "learner_embeddings")
        let emb = t.db.tenant("acme").collection("learner_embeddings", as: Embedding.self)
        try await emb.insert(Embedding(learner_id: "l-1", vector: [1], model_version: "v1"))
        do {
            try await emb.insert(Embedding(learner_id: "l-1", vector: [2], model_version: "v1"))
            Issue.record("second insert should fail")
        } catch let e as MongoError {
            #expect(e.isDuplicateKey)
            #expect(e.collection == "learner_embeddings")
            #expect(e.description.contains("insert"))
        }
        try await t.finish()
    }

    @Test("findOneAndUpdate upserts and returns the new document; TTL and compound indexes are created")
    func findAndModifyAndIndexes() async throws {
        let t = try TestDatabase("fam")
        try await t.db.createIndexes([
            IndexSpec(keys: ["tenant_id": 1, "event_id": 1], unique: true),
            IndexSpec(keys: ["processed_at": 1], name: "processed_ttl", expireAfterSeconds: 86_400),
        ], on: "processed_events")
        let indexes = try await t.db.listIndexes("processed_events")
        #expect(indexes.first { $0.name == "processed_ttl" }?.expireAfterSeconds == 86_400)
        #expect(indexes.first { $0.name == "tenant_id_1_event_id_1" }?.unique == true)

        let counters = t.db.tenant("acme").collection("learner_features", as: BSONDocument.self)
        let a = try await counters.findOneAndUpdate(["learner_id": "l-1", "course_id": "c-1"], ["$inc": ["views": 1]], upsert: true)
        let b = try await counters.findOneAndUpdate(["learner_id": "l-1", "course_id": "c-1"], ["$inc": ["views": 2]], upsert: true)
        #expect(a?["views"]?.int64Value == 1)
        #expect(b?["views"]?.int64Value == 3)
        #expect(b?["tenant_id"] == "acme", "an upsert through the scope carries the tenant")
        try await t.finish()
    }

    @Test("aggregate with $match/$group/$sort")
    func aggregate() async throws {
        let t = try TestDatabase("agg")
        let risk = t.db.tenant("acme").collection("dropout_risk", as: BSONDocument.self)
        try await risk.insertMany((0..<20).map { ["learner_id": .string("l-\($0)"), "course_id": .string("c-\($0 % 3)"), "risk": .double(Double($0) / 20)] })
        let rows = try await risk.aggregate([
            ["$group": ["_id": "$course_id", "n": ["$sum": 1], "max": ["$max": "$risk"]]],
            ["$sort": ["_id": 1]],
        ]).collect()
        #expect(rows.map { $0["_id"]?.stringValue } == ["c-0", "c-1", "c-2"])
        #expect(rows.map { $0["n"]?.int64Value } == [7, 7, 6])
        #expect(rows[2]["max"]?.doubleValue == 0.85)
        try await t.finish()
    }

    @Test("a bad connection string and an unreachable server give clear errors")
    func connectionErrors() async throws {
        #expect(throws: MongoError.self) { try MongoClient(uri: "not-a-uri") }
        let client = try MongoClient(uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300")
        await #expect(throws: MongoError.self) { try await client.ping() }
    }
}

struct Embedding: Codable, Sendable, Equatable {
    var learner_id: String
    var vector: [Float]
    var model_version: String
}
