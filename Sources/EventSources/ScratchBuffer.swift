/// A growable byte buffer that a decoder owns (unescaped strings land here). Non-copyable: freed exactly once,
/// when its owner goes.
struct ScratchBuffer: ~Copyable {
    private(set) var pointer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for at least `n` bytes (the old contents are dropped).
    mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        pointer.deallocate()
        capacity = n
        pointer = .allocate(capacity: n)
    }
}
