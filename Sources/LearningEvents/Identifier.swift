/// The identifier rule shared by `event_id`, `tenant_id`, `org_id`, `learner_id`, `course_id` and `lesson_id`:
/// 1–128 characters of `A–Z a–z 0–9 . _ : @ -`, not starting with `.`.
///
/// Identifiers name files and appear in URLs, so this rule is what keeps a crafted export from writing outside
/// `models/` or confusing a route.
///
/// ```swift
/// Identifier.isValid("learner-42")   // true
/// Identifier.isValid("../etc")       // false
/// Identifier.isValid("nightly~acme~7f3a", maxLength: 256, extra: .tilde)   // a run id: true
/// ```
///
/// Other names built from identifiers (tenant ids in job files and requests, run ids) use this same rule, with their
/// own length and, for run ids only, `~`.
public enum Identifier {
    /// The longest identifier accepted.
    public static let maxLength = 128

    /// Whether `value` follows the identifier rule.
    public static func isValid(_ value: String) -> Bool {
        var copy = value
        return copy.withUTF8 { isValid(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Characters a rule built on the identifier rule takes beyond it.
    public struct ExtraCharacters: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `~`, which separates the parts of a run id (`<job>~<tenant>~<suffix>`) because no identifier contains it.
        public static let tilde = ExtraCharacters(rawValue: 1)
    }

    /// Whether `value` follows the identifier rule with another longest length (1–`maxLength` UTF-8 bytes) and,
    /// when given, `extra` characters. `isValid(v, maxLength: Identifier.maxLength)` is `isValid(v)`.
    public static func isValid(_ value: String, maxLength: Int, extra: ExtraCharacters = []) -> Bool {
        let utf8 = value.utf8
        guard maxLength >= 1, (1...maxLength).contains(utf8.count), utf8.first != UInt8(ascii: ".") else { return false }
        let tilde = extra.contains(.tilde)
        return utf8.allSatisfy { isAllowed($0) || (tilde && $0 == UInt8(ascii: "~")) }
    }

    /// Whether the UTF-8 `bytes` follow the identifier rule (no allocation).
    @inlinable
    public static func isValid(bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        guard n >= 1, n <= maxLength, bytes[0] != UInt8(ascii: ".") else { return false }
        for b in bytes where !isAllowed(b) { return false }
        return true
    }

    /// Whether the byte `b` may appear in an identifier (a bit test: readers call this for every id byte).
    @inlinable @inline(__always)
    public static func isAllowed(_ b: UInt8) -> Bool {
        // Bits of `- . 0-9 :` (45–58) and of `@ A-Z _ a-z` (64–90, 95, 97–122).
        let low: UInt64 = 0x07FF_6000_0000_0000
        let high: UInt64 = 0x07FF_FFFE_87FF_FFFF
        if b < 64 { return (low >> UInt64(b)) & 1 == 1 }
        if b < 128 { return (high >> UInt64(b - 64)) & 1 == 1 }
        return false
    }
}
