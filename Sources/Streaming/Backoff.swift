/// Backoff after failed batches, shared by the pullers: each consecutive failure doubles the wait before the next
/// pull (from `initial` up to `maximum`); a batch that succeeds resets it.
actor Backoff {
    let initial: Duration
    let maximum: Duration
    private var failures = 0

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    var delay: Duration {
        guard failures > 0 else { return .zero }
        var d = initial
        for _ in 1..<min(failures, 30) where d < maximum { d = d * 2 }
        return min(d, maximum)
    }

    var consecutiveFailures: Int { failures }

    func failed() { failures += 1 }
    func succeeded() { failures = 0 }
}
