import Foundation

/// Running totals of the consumer (also exported as swift-metrics counters).
public final class ConsumerCounters: @unchecked Sendable {
    // @unchecked: every field is read and written under `lock`.
    public struct Snapshot: Sendable, Equatable {
        public var applied = 0
        public var duplicates = 0
        public var quarantined = 0
        public var nacked = 0
    }

    private let lock = NSLock()
    private var value = Snapshot()

    public var snapshot: Snapshot { lock.withLock { value } }

    func add(applied: Int = 0, duplicates: Int = 0, quarantined: Int = 0, nacked: Int = 0) {
        lock.withLock {
            value.applied += applied
            value.duplicates += duplicates
            value.quarantined += quarantined
            value.nacked += nacked
        }
    }
}
