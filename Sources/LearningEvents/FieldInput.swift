/// One field's value as a reader decoded it, before the rules: a kind plus bytes (text, a JSON number token) or a
/// number. Non-owning: `ptr`/`len` point into the reader's buffer and are valid until the row is committed.
///
/// Both paths build these: the columnar readers straight from their buffers, ``LearningEvent/init(validating:)``
/// from a ``RawLearningEvent``; ``EventRules/check(_:_:isValid:)`` then gives the one verdict.
public struct FieldInput {
    /// What the value is.
    public enum Kind: UInt8, Sendable {
        /// Absent or null.
        case null
        /// UTF-8 text at `ptr`/`len`.
        case text
        /// A JSON number token at `ptr`/`len` (converted by the field's rule).
        case number
        /// An integer in `int`.
        case int
        /// A float in `double`.
        case double
        /// A boolean in `int` (0 or 1).
        case bool
        /// Microseconds since the epoch in `int` (Avro timestamp logical types).
        case micros
        /// A value of a type no field holds (array, object, bytes…).
        case other
    }

    public var kind: Kind = .null
    public var ptr: UnsafeRawPointer? = nil
    public var len: Int = 0
    public var int: Int64 = 0
    public var double: Double = 0

    /// A null value.
    public init() {}

    /// A value of `kind` over `bytes` (text or a number token).
    public init(kind: Kind, bytes: UnsafeRawBufferPointer) {
        self.kind = kind
        ptr = bytes.baseAddress
        len = bytes.count
    }

    /// The bytes of a text or number value.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: ptr, count: len) }

    /// How quarantine reasons name the kind ("expected string, found integer").
    public var kindName: String {
        switch kind {
        case .null: "null"
        case .text: "string"
        case .number: "number"
        case .int: "integer"
        case .double: "float"
        case .bool: "boolean"
        case .micros: "timestamp"
        case .other: "a nested value"
        }
    }
}
