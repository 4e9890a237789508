import FuzzSupport
import Foundation
import MongoStore

/// MongoStore's read path: BSON bytes (as the server sends them) → `BSONDocument` → Codable decode of documents
/// shaped like the ones Lodestar writes and reads back (recommendations, risk with factors, embeddings, features).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBSON(_ input: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let data = input ?? UnsafePointer(bitPattern: 1)!
    guard let doc = try? BSONDocument(bsonBytes: Array(UnsafeBufferPointer(start: data, count: size))) else { return 0 }
    let decoder = BSONDecoder()
    _ = try? decoder.decode(Recommendations.self, from: doc)
    _ = try? decoder.decode(Risk.self, from: doc)
    _ = try? decoder.decode(Embedding.self, from: doc)
    _ = try? decoder.decode(Features.self, from: doc)
    _ = try? decoder.decode([String: BSON].self, from: doc)
    // What was read can be written again.
    _ = try? doc.bsonBytes()
    return 0
}

struct Recommendations: Codable {
    struct Item: Codable {
        var course_id: String
        var score: Double
        var reason: String
    }
    var tenant_id: String
    var learner_id: String
    var items: [Item]
    var model_version: String
    var model_kind: String
    var computed_at: Date
}

struct Risk: Codable {
    struct Factor: Codable {
        var feature: String
        var value: Double
        var contribution: Double
    }
    var learner_id: String
    var course_id: String
    var org_id: String?
    var risk: Double
    var band: String
    var factors: [Factor]
    var computed_at: Date
}

struct Embedding: Codable {
    var learner_id: String?
    var vector: [Float]
    var model_version: String
}

struct Features: Codable {
    var as_of: Date
    var enrolled_at: Date?
    var days_since_last_activity: Double
    var active_days_7: Int
    var active_days_14: Int32
    var time_spent_seconds: Int64
    var quiz_mean_score: Float?
    var course_completed: Bool
    var history: [Int]?
    var metrics: [String: Double]?
}

fuzzMain(fuzzBSON)
