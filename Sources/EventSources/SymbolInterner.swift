#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LearningEvents

/// Interns repeating identifiers (tenant, learner, course, lesson, org) by their raw bytes: each distinct value is
/// stored once, checked against the identifier rule once, and turned into a `String` once. Symbol 0 is "none".
///
/// Open addressing over a byte arena; no `String` is built on the hot path. The state is one struct, so a lookup
/// is one exclusive access to the class's storage, not one per array.
final class SymbolInterner {
    private var state = SymbolTableState()

    var count: Int { state.starts.count }

    /// The symbol of the `n` bytes at `p` (added when new) and whether it follows the identifier rule.
    @inline(__always)
    func intern(_ p: UnsafeRawPointer, _ n: Int) -> (id: UInt32, valid: Bool) { state.intern(p, n) }

    /// Runs `body` with the table's storage: one exclusive access for a whole row's identifiers.
    @inline(__always)
    func withState<R>(_ body: (inout SymbolTableState) throws(ValidationError) -> R) throws(ValidationError) -> R {
        try body(&state)
    }

    /// The text of symbol `id`.
    func string(_ id: UInt32) -> String { state.string(id) }

    /// The symbols added since the last call, as strings, with the id of the first.
    func takeNewSymbols() -> (base: UInt32, symbols: [String]) { state.takeNewSymbols() }
}

/// The storage of a ``SymbolInterner``.
struct SymbolTableState {
    var arena: [UInt8] = []
    var starts: [Int] = [0]
    var lengths: [Int] = [0]
    /// Whether each symbol follows the identifier rule.
    var valid: [Bool] = [false]
    var table = [UInt32](repeating: 0, count: 1 << 12)
    var mask = (1 << 12) - 1
    /// Symbols already handed out as strings in a batch (``takeNewSymbols()``).
    var exported = 1

    init() { arena.reserveCapacity(1 << 16) }

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

    mutating func intern(_ p: UnsafeRawPointer, _ n: Int) -> (id: UInt32, valid: Bool) {
        var slot = Int(truncatingIfNeeded: Self.hash(p, n)) & mask
        while true {
            let id = table[slot]
            if id == 0 { break }
            let i = Int(id)
            if lengths[i] == n {
                let start = starts[i]
                let same = arena.withUnsafeBytes { memcmp($0.baseAddress! + start, p, n) == 0 }
                if same { return (id, valid[i]) }
            }
            slot = (slot + 1) & mask
        }
        let id = UInt32(starts.count)
        let ok = Identifier.isValid(bytes: UnsafeRawBufferPointer(start: p, count: n))
        starts.append(arena.count)
        lengths.append(n)
        arena.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
        valid.append(ok)
        table[slot] = id
        if starts.count * 2 > table.count { grow() }
        return (id, ok)
    }

    private mutating func grow() {
        let newSize = table.count * 2
        var t = [UInt32](repeating: 0, count: newSize)
        let m = newSize - 1
        arena.withUnsafeBytes { a in
            for i in 1..<starts.count {
                var slot = Int(truncatingIfNeeded: Self.hash(a.baseAddress! + starts[i], lengths[i])) & m
                while t[slot] != 0 { slot = (slot + 1) & m }
                t[slot] = UInt32(i)
            }
        }
        table = t
        mask = m
    }

    func string(_ id: UInt32) -> String {
        let i = Int(id)
        return arena.withUnsafeBytes {
            String(decoding: UnsafeRawBufferPointer(rebasing: $0[starts[i]..<starts[i] + lengths[i]]), as: UTF8.self)
        }
    }

    mutating func takeNewSymbols() -> (base: UInt32, symbols: [String]) {
        let first = exported
        var out: [String] = []
        out.reserveCapacity(starts.count - first)
        for i in first..<starts.count { out.append(string(UInt32(i))) }
        exported = starts.count
        return (UInt32(first), out)
    }
}
