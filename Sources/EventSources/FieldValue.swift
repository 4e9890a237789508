/// One decoded field value, pointing into the decoder's buffer (valid until the row is committed).
struct FieldValue {
    enum Kind: UInt8 {
        /// Absent or null.
        case null
        /// UTF-8 text at `ptr`/`len`.
        case text
        /// A JSON number token at `ptr`/`len` (converted by the field's type).
        case number
        case int
        case double
        case bool
        /// Microseconds since the epoch (Avro timestamp logical types).
        case micros
        /// A value of a type the field cannot hold (array, object, bytes…); `ptr`/`len` may name it.
        case other
    }

    var kind: Kind = .null
    var ptr: UnsafeRawPointer? = nil
    var len: Int = 0
    var int: Int64 = 0
    var double: Double = 0

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: ptr, count: len) }

    var kindName: String {
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
