import LearningEvents

/// The ten event field slots of the row being decoded (indexed by ``LearningEvents/EventField`` raw values).
/// Owns its buffer: non-copyable, freed when its owner goes.
struct RowFields: ~Copyable {
    let slots: UnsafeMutablePointer<FieldInput>
    static let count = EventField.allCases.count

    init() {
        slots = .allocate(capacity: Self.count)
        slots.initialize(repeating: FieldInput(), count: Self.count)
    }

    deinit { slots.deallocate() }

    @inline(__always)
    func reset() {
        for i in 0..<Self.count { slots[i].kind = .null }
    }
}
