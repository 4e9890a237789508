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

    /// The architecture's identifier rule (`LearningEvents.Identifier`), shared with every other id.
    static func isValid(_ s: String) -> Bool { Identifier.isValid(s) }
}
