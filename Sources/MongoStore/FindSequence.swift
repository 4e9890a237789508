/// The documents of a find or aggregate, read from the server in batches as they are iterated.
///
/// ```swift
/// for try await rec in recs.find(["learner_id": "l-1"], sort: ["computed_at": -1], limit: 10) { … }
/// ```
public struct FindSequence<Element: Decodable & Sendable>: AsyncSequence, Sendable {
    let open: @Sendable () async throws -> MongoCursor
    let transform: @Sendable (BSONDocument) throws -> Element
    let client: MongoClient
    let batchSize: Int

    public func makeAsyncIterator() -> Iterator { Iterator(sequence: self) }

    /// Reads all remaining elements into an array.
    public func collect() async throws -> [Element] {
        var out: [Element] = []
        for try await e in self { out.append(e) }
        return out
    }

    public struct Iterator: AsyncIteratorProtocol {
        let sequence: FindSequence
        var cursor: MongoCursor?
        var buffer: [BSONDocument] = []
        var index = 0
        var done = false
        /// The next batch, fetched while the caller works through the current one.
        var prefetch: Task<[BSONDocument], any Error>?

        init(sequence: FindSequence) { self.sequence = sequence }

        private func fetch(_ cursor: MongoCursor) -> Task<[BSONDocument], any Error> {
            let size = sequence.batchSize, client = sequence.client
            return Task { try await client.blocking.run { try cursor.nextBatch(max: size) } }
        }

        public mutating func next() async throws -> Element? {
            if index == buffer.count {
                if done { return nil }
                if cursor == nil { cursor = try await sequence.open() }
                guard let cursor else { return nil }
                let task = prefetch ?? fetch(cursor)
                prefetch = nil
                buffer = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
                index = 0
                if buffer.count < sequence.batchSize { done = true } else { prefetch = fetch(cursor) }
                if buffer.isEmpty { return nil }
            }
            defer { index += 1 }
            return try sequence.transform(buffer[index])
        }
    }
}
