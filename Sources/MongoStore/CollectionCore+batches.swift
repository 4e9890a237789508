extension CollectionCore {
    /// Runs `writes` as unordered bulks of `batchSize`, up to `concurrency` at once (one at a time in a transaction).
    func bulkInBatches(_ writes: [BulkWrite], batchSize: Int, concurrency: Int) async throws -> BulkResult {
        let size = max(1, batchSize)
        let batches = stride(from: 0, to: writes.count, by: size).map { Array(writes[$0..<min($0 + size, writes.count)]) }
        if session != nil || concurrency <= 1 {
            var total = BulkResult()
            for b in batches { total = total + (try await bulk(b)) }
            return total
        }
        return try await withThrowingTaskGroup(of: BulkResult.self) { group in
            var total = BulkResult()
            var next = 0
            while next < batches.count && next < concurrency {
                let b = batches[next]
                group.addTask { try await bulk(b) }
                next += 1
            }
            while let r = try await group.next() {
                total = total + r
                if next < batches.count {
                    let b = batches[next]
                    group.addTask { try await bulk(b) }
                    next += 1
                }
            }
            return total
        }
    }
}
