/// A MongoDB ObjectId (12 bytes).
public struct ObjectID: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Fails unless `bytes` has exactly 12 entries.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 12 else { return nil }
        self.bytes = bytes
    }

    /// Parses the 24-hex-digit form.
    public init?(_ hex: String) {
        let chars = Array(hex.utf8)
        guard chars.count == 24 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(12)
        for i in stride(from: 0, to: 24, by: 2) {
            guard let hi = Self.nibble(chars[i]), let lo = Self.nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        bytes = out
    }

    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var s: [UInt8] = []
        for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return String(decoding: s, as: UTF8.self)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
