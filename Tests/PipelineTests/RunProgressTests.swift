import Foundation
import Logging
import Pipeline
import Testing

/// `ProgressReporter`'s typed callback: every phase start and row count, in order, whatever the output; the text the
/// scheduler shows is the one it parsed from log lines before.
@Suite("Typed run progress")
struct RunProgressTests {
    final class Steps: @unchecked Sendable {
        private let lock = NSLock()
        private var steps: [RunProgress] = []
        func append(_ s: RunProgress) { lock.withLock { steps.append(s) } }
        var all: [RunProgress] { lock.withLock { steps } }
    }

    @Test func theCallbackReceivesPhasesAndCountsInOrder() {
        let steps = Steps()
        let reporter = ProgressReporter(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), terminal: false,
                                        onProgress: { steps.append($0) })
        reporter.phase("read", detail: "streaming events")
        reporter.count("read", 1200)
        reporter.done("read", detail: "1200 rows")
        reporter.phase("features", detail: "acme")
        #expect(steps.all == [RunProgress(phase: "read", detail: "streaming events"), RunProgress(phase: "read", rows: 1200),
                              RunProgress(phase: "features", detail: "acme")])
        #expect(steps.all.map(\.text) == ["read streaming events", "read 1200 rows", "features acme"])
    }
}
