import Foundation
import LodestarTestSupport
import MongoStore

/// A throwaway database on the test server (MONGODB_URI from scripts/test), dropped by `finish()`.
struct TestDatabase {
    let client: MongoClient
    let db: MongoDatabase

    init(_ label: String) throws {
        client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "lodestar-tests")
        db = client.database("test_\(label)_\(UInt32.random(in: 0...UInt32.max))")
    }

    func finish() async throws { try await db.drop() }
}

/// A document of the kind Lodestar stores (shape of `learner_recommendations`).
struct Recommendation: Codable, Sendable, Equatable {
    var tenant_id: String?
    var learner_id: String
    var items: [Item]
    var model_version: String
    var computed_at: Date

    struct Item: Codable, Sendable, Equatable {
        var course_id: String
        var score: Double
        var reason: String?
    }
}

/// A random but seeded generator for the round-trip tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
