import LearningStore
import MongoStore

/// Creates a collection's indexes (its unique key and TTL) the first time this process writes to it through the API,
/// so an API that runs without the batch or the consumer (which create every index at start) still writes the
/// collection with its unique key and its retention. `createIndexes` is idempotent; a failure is retried on the next
/// write.
actor CollectionIndexes {
    let db: MongoDatabase
    private var done: Set<String> = []

    init(db: MongoDatabase) { self.db = db }

    func ensure<Document>(_ spec: CollectionSpec<Document>) async throws {
        guard !done.contains(spec.name) else { return }
        try await db.createIndexes(spec.indexes, on: spec.name)
        done.insert(spec.name)
    }
}
