#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LearningEvents

/// Interns repeating identifiers (tenant, learner, course, lesson, org) by their raw bytes: each distinct value is
/// stored once, checked against the identifier rule once, and turned into a `String` once. Symbol 0 is "none".
///
/// Open addressing over a byte arena; no `String` is built on the hot path.
final class SymbolInterner {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var lengths: [Int] = [0]
    /// Whether each symbol follows the identifier rule.
    private(set) var valid: [Bool] = [false]
    private var table: [UInt32]
    private var mask: Int
    /// Symbols already handed out as strings in a batch (``takeNewSymbols()``).
    private var exported = 1

    init() {
        table = [UInt32](repeating: 0, count: 1 << 12)
        mask = (1 << 12) - 1
        arena.reserveCapacity(1 << 16)
    }

    var count: Int { starts.count }

    @inline(__always)
    static func hash(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(n)
        var i = 0
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0x0000_0100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = (h ^ w) &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 32
        h = h &* 0xd6e8_feb8_6659_fd93
        h ^= h >> 32
        return h
    }

    /// The symbol of the `n` bytes at `p`, adding it when new.
    func intern(_ p: UnsafeRawPointer, _ n: Int) -> UInt32 {
        var slot = Int(truncatingIfNeeded: Self.hash(p, n)) & mask
        while true {
            let id = table[slot]
            if id == 0 { break }
            let i = Int(id)
            if lengths[i] == n {
                let same = arena.withUnsafeBytes { memcmp($0.baseAddress! + starts[i], p, n) == 0 }
                if same { return id }
            }
            slot = (slot + 1) & mask
        }
        let id = UInt32(starts.count)
        starts.append(arena.count)
        lengths.append(n)
        arena.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
        valid.append(Identifier.isValid(bytes: UnsafeRawBufferPointer(start: p, count: n)))
        table[slot] = id
        if starts.count * 2 > table.count { grow() }
        return id
    }

    private func grow() {
        let newSize = table.count * 2
        table = [UInt32](repeating: 0, count: newSize)
        mask = newSize - 1
        arena.withUnsafeBytes { a in
            for i in 1..<starts.count {
                var slot = Int(truncatingIfNeeded: Self.hash(a.baseAddress! + starts[i], lengths[i])) & mask
                while table[slot] != 0 { slot = (slot + 1) & mask }
                table[slot] = UInt32(i)
            }
        }
    }

    /// The text of symbol `id`.
    func string(_ id: UInt32) -> String {
        let i = Int(id)
        return arena.withUnsafeBytes {
            String(decoding: UnsafeRawBufferPointer(rebasing: $0[starts[i]..<starts[i] + lengths[i]]), as: UTF8.self)
        }
    }

    /// The symbols added since the last call, as strings, with the id of the first.
    func takeNewSymbols() -> (base: UInt32, symbols: [String]) {
        let first = exported
        var out: [String] = []
        out.reserveCapacity(starts.count - first)
        for i in first..<starts.count { out.append(string(UInt32(i))) }
        exported = starts.count
        return (UInt32(first), out)
    }
}
