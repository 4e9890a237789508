/// A field as read from a message or a row, before the rules: what the source held, with its type.
///
/// Literals build the common cases: `"e1"` is ``text(_:)``, `42` is ``int(_:)``, `0.5` is ``double(_:)`` and `nil`
/// is ``null``.
public enum RawValue: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    /// Absent or null.
    case null
    /// A string (a JSON string, a CSV cell).
    case text(String)
    /// A JSON number token exactly as written (the rules parse it for the field's type).
    case number(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// Microseconds since the epoch (an Avro timestamp).
    case timestampMicros(Int64)
    /// An array, object or bytes value (no event field holds one).
    case nested

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }

    /// Calls `body` with the value as a ``FieldInput`` (text and number tokens point into a temporary UTF-8 copy).
    public func withInput<R>(_ body: (FieldInput) -> R) -> R {
        var v = FieldInput()
        switch self {
        case .null: return body(v)
        case .text(let s), .number(let s):
            var copy = s
            let kind: FieldInput.Kind = if case .text = self { .text } else { .number }
            return copy.withUTF8 { body(FieldInput(kind: kind, bytes: UnsafeRawBufferPointer($0))) }
        case .int(let i):
            v.kind = .int
            v.int = i
        case .double(let d):
            v.kind = .double
            v.double = d
        case .bool(let b):
            v.kind = .bool
            v.int = b ? 1 : 0
        case .timestampMicros(let m):
            v.kind = .micros
            v.int = m
        case .nested:
            v.kind = .other
        }
        return body(v)
    }

    /// The value a reader decoded (copies text out of the reader's buffer).
    public init(_ input: FieldInput) {
        switch input.kind {
        case .null: self = .null
        case .text: self = .text(String(decoding: input.bytes, as: UTF8.self))
        case .number: self = .number(String(decoding: input.bytes, as: UTF8.self))
        case .int: self = .int(input.int)
        case .double: self = .double(input.double)
        case .bool: self = .bool(input.int != 0)
        case .micros: self = .timestampMicros(input.int)
        case .other: self = .nested
        }
    }
}
