import Foundation
import LearningEvents

/// Writes JSON straight into bytes, for the hot routes (a live recommendation answer is about a kilobyte; Foundation's
/// `JSONEncoder` cost more than the model compute behind it). Strings are escaped per RFC 8259; non-finite numbers
/// (never produced by the routes that use this) are written as 0 rather than as invalid JSON.
///
/// ```swift
/// var w = JSONWriter()
/// w.object { w.field("status") { w.string("ok") } }
/// let bytes = w.bytes
/// ```
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = [false]

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member of the current object: its key, then the value `body` writes.
    mutating func field(_ key: String, _ body: (inout JSONWriter) -> Void) {
        separate()
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
    }

    mutating func field(_ key: String, string value: String) { field(key) { $0.string(value) } }
    mutating func field(_ key: String, number value: Double) { field(key) { $0.number(value) } }
    mutating func field(_ key: String, date value: Date) { field(key) { $0.date(value) } }

    mutating func string(_ value: String) {
        separate()
        appendString(value)
    }

    mutating func number(_ value: Double) {
        separate()
        bytes.append(contentsOf: (value.isFinite ? value : 0).description.utf8)
    }

    mutating func integer(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// RFC 3339 in UTC to the second (`2026-04-20T00:00:00Z`).
    mutating func date(_ value: Date) {
        separate()
        let seconds = Int64(value.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400, rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let (y, m, d) = Timestamp.civilFromDays(days)
        bytes.append(UInt8(ascii: "\""))
        put(y, 4)
        bytes.append(UInt8(ascii: "-"))
        put(m, 2)
        bytes.append(UInt8(ascii: "-"))
        put(d, 2)
        bytes.append(UInt8(ascii: "T"))
        put(Int(rest / 3600), 2)
        bytes.append(UInt8(ascii: ":"))
        put(Int(rest / 60 % 60), 2)
        bytes.append(UInt8(ascii: ":"))
        put(Int(rest % 60), 2)
        bytes.append(contentsOf: "Z\"".utf8)
    }

    private mutating func put(_ v: Int, _ width: Int) {
        var digits: [UInt8] = []
        var x = max(0, v)
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(x % 10))
            x /= 10
        } while x > 0
        for _ in digits.count..<max(width, digits.count) { bytes.append(UInt8(ascii: "0")) }
        bytes.append(contentsOf: digits.reversed())
    }

    private mutating func appendString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Ids, versions and titles rarely need escaping: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: s.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
