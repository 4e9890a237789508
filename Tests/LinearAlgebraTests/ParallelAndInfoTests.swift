import Testing
import Foundation
import LinearAlgebra

@Suite("parallelFor, cancellation and BLAS info")
struct ParallelAndInfoTests {
    final class Hits: @unchecked Sendable {
        // @unchecked Sendable: `counts` is only touched under `lock`.
        let lock = NSLock()
        var counts: [Int]
        var threads = Set<Int>()
        init(_ n: Int) { counts = Array(repeating: 0, count: n) }
        func hit(_ b: Int, _ t: Int) { lock.lock(); counts[b] += 1; threads.insert(t); lock.unlock() }
    }

    @Test("every block runs exactly once, thread ids stay in range", arguments: [1, 2, 4])
    func everyBlockOnce(threads: Int) throws {
        let hits = Hits(37)
        try parallelFor(blocks: 37, threads: threads) { b, t in hits.hit(b, t) }
        #expect(hits.counts == Array(repeating: 1, count: 37))
        #expect(hits.threads.allSatisfy { $0 >= 0 && $0 < threads })
        try parallelFor(blocks: 0, threads: threads) { b, t in hits.hit(b, t) }
        #expect(hits.counts.reduce(0, +) == 37)
    }

    struct Boom: Error {}

    @Test("the first error stops the loop and is rethrown")
    func errorPropagates() {
        #expect(throws: Boom.self) {
            try parallelFor(blocks: 100, threads: 2) { b, _ in if b == 3 { throw Boom() } }
        }
    }

    @Test("a set flag stops the loop between blocks with CancellationError")
    func cancellation() {
        let flag = CancellationFlag()
        let hits = Hits(1000)
        #expect(throws: CancellationError.self) {
            try parallelFor(blocks: 1000, threads: 2, cancellation: flag) { b, t in
                if b == 10 { flag.cancel() }
                hits.hit(b, t)
            }
        }
        #expect(hits.counts.reduce(0, +) < 1000)
    }

    @Test("task cancellation reaches work on a dedicated thread")
    func taskCancellation() async throws {
        let task = Task {
            try await runOnDedicatedThread { flag in
                try parallelFor(blocks: 1_000_000, threads: 1, cancellation: flag) { _, _ in usleep(100) }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        let v = try await runOnDedicatedThread { _ in 41 + 1 }
        #expect(v == 42)
    }

    @Test("BLAS info names OpenBLAS, runs on one thread, and sgemm speed is positive")
    func info() {
        let info = BLASInfo.current()
        #expect(info.config.contains("OpenBLAS"))
        #expect(info.threads == 1)
        #expect(!info.coreName.isEmpty)
        #expect(BLASInfo.measureSGEMM(size: 64, threads: 1, minimumSeconds: 0.01) > 0)
        #expect(BLASInfo.current().threads == 1)
    }
}
