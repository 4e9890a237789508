import ArgumentParser

/// Range checks for numeric flags: a value out of range is a usage error naming the flag, never a trap later.
enum FlagRange {
    static func check<T: Comparable>(_ value: T?, _ range: ClosedRange<T>, _ flag: String) throws {
        if let value, !range.contains(value) {
            throw ValidationError("\(flag) must be in \(range.lowerBound)…\(range.upperBound), got \(value)")
        }
    }

    static func check(_ value: Double?, _ range: ClosedRange<Double>, _ flag: String) throws {
        if let value, !value.isFinite || !range.contains(value) {
            throw ValidationError("\(flag) must be in \(range.lowerBound)…\(range.upperBound), got \(value)")
        }
    }

    static func check(_ value: Float?, _ range: ClosedRange<Float>, _ flag: String) throws {
        try check(value.map(Double.init), Double(range.lowerBound)...Double(range.upperBound), flag)
    }
}
