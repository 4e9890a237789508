public import LearningEvents

/// Why bytes could not be read as one JSON object (or are not UTF-8), worded as the NDJSON reader words it in
/// quarantine records.
public struct MalformedRecord: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, e.g. `invalid JSON at column 12: expected ':' after a key`.
    public let reason: String
    public var description: String { reason }
}

extension RawLearningEvent {
    /// Reads one JSON object (a Pub/Sub message's `data`, an API body) exactly as a line of an NDJSON export is
    /// read: the same scanner, so ``LearningEvents/LearningEvent/init(validating:)`` then gives the verdict the
    /// export reader gives for the same line. Unknown keys are ignored; INT64 may be a string.
    ///
    /// ```swift
    /// let event = try LearningEvent(validating: RawLearningEvent(jsonObject: Array(message.utf8)))
    /// ```
    public init(jsonObject bytes: [UInt8]) throws(MalformedRecord) {
        self.init()
        let fields = RowFields()
        fields.reset()
        var scratch = ScratchBuffer(capacity: bytes.count)
        scratch.reserve(bytes.count)
        var predicted = [Int](repeating: -1, count: 32)
        var values = [RawValue](repeating: .null, count: EventField.allCases.count)
        let message: String? = bytes.withUnsafeBytes { raw in
            guard raw.count > 0 else { return "invalid JSON at column 1: expected a JSON object ('{')" }
            if let m = NDJSONEventDecoder.scan(raw, into: fields.slots, scratch: scratch.pointer, predicted: &predicted) {
                return m
            }
            // Values point into `bytes` or `scratch`: copy them out while both are alive.
            for k in values.indices { values[k] = RawValue(fields.slots[k]) }
            return nil
        }
        if let message { throw MalformedRecord(reason: message) }
        for field in EventField.allCases { self[field] = values[field.rawValue] }
    }
}
