/// A validated tenant identifier: 1–128 characters of `A–Z a–z 0–9 . _ : @ -`, not starting with `.`.
///
/// The only way into a tenant's data: `MongoDatabase.tenant(_:)` takes one of these.
public struct TenantID: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public struct Invalid: Error, CustomStringConvertible {
        public let value: String
        public var description: String {
            "invalid tenant id \(value.debugDescription): use 1–128 of A–Z a–z 0–9 . _ : @ -, not starting with '.'"
        }
    }

    public init(validating value: String) throws {
        guard TenantID.isValid(value) else { throw Invalid(value: value) }
        rawValue = value
    }

    /// For literals in code and tests only; an invalid literal is a programming error.
    public init(stringLiteral value: String) {
        precondition(TenantID.isValid(value), "invalid tenant id literal \(value.debugDescription)")
        rawValue = value
    }

    public init(from decoder: any Decoder) throws {
        try self.init(validating: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public var description: String { rawValue }

    static func isValid(_ s: String) -> Bool {
        let u = s.utf8
        guard (1...128).contains(u.count), u.first != UInt8(ascii: ".") else { return false }
        return u.allSatisfy { c in
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                UInt8(ascii: "@"), UInt8(ascii: "-"): true
            default: false
            }
        }
    }
}
