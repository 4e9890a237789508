/// One slot per index for results computed in parallel blocks, read back in index order so results do not depend
/// on thread scheduling.
///
/// @unchecked Sendable: during `parallelFor` each block writes only its own slots (disjoint memory); `values` is read
/// after `parallelFor` has joined its threads.
final class Slots<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T>

    init(_ count: Int, initial: T) {
        slots = .allocate(capacity: max(1, count))
        slots.initialize(repeating: initial)
        self.count = count
    }

    let count: Int

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ i: Int, _ v: T) { slots[i] = v }

    var values: [T] { Array(slots.prefix(count)) }
}
