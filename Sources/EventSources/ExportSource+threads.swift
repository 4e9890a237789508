import DedicatedThreads
import Foundation

extension ExportSource {
    /// The threads export files are read and decoded on: `read(2)` blocks and decoding is CPU-bound, so neither may
    /// run on Swift's cooperative pool, which under `serve` is the pool the HTTP API answers on. Every export and
    /// catalog iteration prefers these threads as its task executor while it reads (``EventBatches``,
    /// ``CourseSource``); its caller's own code between batches runs where it always did. Separate from the compute
    /// and libmongoc threads, so a long read never queues their work; a thread blocked in `read(2)` uses no CPU, so
    /// there is one per core and at least two.
    static let readerThreads = DedicatedThreadPool(
        threads: max(2, ProcessInfo.processInfo.activeProcessorCount), name: "lodestar-export-read")

    /// Runs `body` (file reads, decoding) with the reader threads as its task executor, off the cooperative pool.
    static func offCooperativePool<T>(_ body: () async throws -> T) async rethrows -> T {
        if #available(macOS 15.0, *) {
            return try await withTaskExecutorPreference(readerThreads) { try await body() }
        } else {
            return try await body()
        }
    }
}
