import Foundation
import LodestarTestSupport
import MongoStore

/// A throwaway database on the test server (MONGODB_URI from scripts/test) and a temporary models folder.
struct StoreTestDatabase {
    let client: MongoClient
    let db: MongoDatabase
    let models: URL

    init(_ label: String) throws {
        client = try MongoClient(uri: try TestEnvironment.mongoURI(), appName: "lodestar-store-tests")
        db = client.database("store_\(label)_\(UInt32.random(in: 0...UInt32.max))")
        models = FileManager.default.temporaryDirectory.appendingPathComponent("lodestar-store-\(label)-\(UUID().uuidString)")
    }

    func finish() async throws {
        try await db.drop()
        try? FileManager.default.removeItem(at: models)
    }
}

/// A clock tests move by hand.
final class ManualClock: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Date

    init(_ start: Date = Date()) { value = start }

    var now: Date { lock.withLock { value } }
    func advance(_ seconds: TimeInterval) { lock.withLock { value = value.addingTimeInterval(seconds) } }
}
