/// The ten event field slots of the row being decoded.
struct RowFields {
    let slots: UnsafeMutablePointer<FieldValue>
    static let count = EventField.allCases.count

    init() {
        slots = .allocate(capacity: Self.count)
        slots.initialize(repeating: FieldValue(), count: Self.count)
    }

    func free() { slots.deallocate() }

    @inline(__always)
    func reset() {
        for i in 0..<Self.count { slots[i].kind = .null }
    }
}
