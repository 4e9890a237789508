/// Reads Avro binary encoding from a buffer with bounds checks: every read fails cleanly past the end.
struct AvroCursor {
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0

    init(_ p: UnsafePointer<UInt8>, _ n: Int) {
        self.p = p
        self.n = n
    }

    var remaining: Int { n - i }

    /// A zig-zag varint `long`.
    @inline(__always)
    mutating func long() throws(Failure) -> Int64 {
        var shift: UInt64 = 0
        var v: UInt64 = 0
        while true {
            guard i < n else { throw Failure(message: "data ends inside a number") }
            let b = p[i]
            i += 1
            v |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { break }
            shift += 7
            guard shift < 64 else { throw Failure(message: "varint longer than 10 bytes") }
        }
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// A length-prefixed byte string (`bytes`, `string`): pointer and length inside the buffer.
    @inline(__always)
    mutating func lengthPrefixed() throws(Failure) -> (UnsafePointer<UInt8>, Int) {
        let len = try long()
        guard len >= 0, len <= Int64(n - i) else {
            throw Failure(message: "length \(len) exceeds the \(n - i) bytes left")
        }
        let r = (p + i, Int(len))
        i += Int(len)
        return r
    }

    @inline(__always)
    mutating func skip(_ k: Int) throws(Failure) {
        guard k >= 0, k <= n - i else { throw Failure(message: "data ends inside a value") }
        i += k
    }

    @inline(__always)
    mutating func double() throws(Failure) -> Double {
        guard n - i >= 8 else { throw Failure(message: "data ends inside a double") }
        let bits = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
        i += 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    @inline(__always)
    mutating func float() throws(Failure) -> Float {
        guard n - i >= 4 else { throw Failure(message: "data ends inside a float") }
        let bits = UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self)
        i += 4
        return Float(bitPattern: UInt32(littleEndian: bits))
    }

    @inline(__always)
    mutating func boolean() throws(Failure) -> Bool {
        guard i < n else { throw Failure(message: "data ends inside a boolean") }
        let b = p[i]
        i += 1
        guard b <= 1 else { throw Failure(message: "boolean byte \(b) is not 0 or 1") }
        return b == 1
    }

    /// The branch index of a union with `count` branches.
    @inline(__always)
    mutating func unionIndex(_ count: Int) throws(Failure) -> Int {
        let k = try long()
        guard k >= 0, k < Int64(count) else { throw Failure(message: "union branch \(k) of \(count)") }
        return Int(k)
    }

    /// Array and map items of zero encoded bytes accepted in one value (their count is not bounded by the data).
    static let maxZeroSizeItems: Int64 = 1 << 16

    /// The item count of the next array or map block (0 ends the value), checked before any work: a block cannot
    /// hold more items than its bytes can (each takes at least `itemSize` bytes; items of zero bytes at most
    /// ``maxZeroSizeItems``). A negative count is followed by the block's byte size, returned as `size`.
    @inline(__always)
    mutating func blockCount(itemSize: Int) throws(Failure) -> (count: Int, size: Int?) {
        var count = try long()
        var size: Int?
        if count < 0 {
            guard count != Int64.min else { throw Failure(message: "block count \(count)") }
            count = -count
            let s = try long()
            guard s >= 0, s <= Int64(remaining) else { throw Failure(message: "block size \(s) exceeds the \(remaining) bytes left") }
            size = Int(s)
        }
        let limit = itemSize > 0 ? Int64(remaining / itemSize) : Self.maxZeroSizeItems
        guard count <= limit else {
            throw Failure(message: "block count \(count) exceeds what the \(remaining) bytes left can hold")
        }
        return (Int(count), size)
    }

    /// Skips a value of type `t`. Linear in the bytes skipped: every type visited but `null` consumes bytes.
    mutating func skip(_ t: AvroType, depth: Int = 0) throws(Failure) {
        guard depth < AvroType.maxDepth else { throw Failure(message: "value nested too deep") }
        switch t {
        case .null: break
        case .boolean: _ = try boolean()
        case .int, .long, .enumeration: _ = try long()
        case .float: try skip(4)
        case .double: try skip(8)
        case .bytes, .string: _ = try lengthPrefixed()
        case .fixed(let size): try skip(size)
        case .record(let r): for f in r.fields { try skip(f.type, depth: depth + 1) }
        case .union(let branches): try skip(branches[try unionIndex(branches.count)], depth: depth + 1)
        case .array(let item), .map(let item):
            let isMap = if case .map = t { true } else { false }
            let itemSize = isMap ? item.minSize.addingSaturating(1) : item.minSize
            var zeroItems: Int64 = 0
            while true {
                let (count, size) = try blockCount(itemSize: itemSize)
                if count == 0 { break }
                if let size {
                    try skip(size)  // the block's byte size is known: skip it whole
                    continue
                }
                if itemSize == 0 {
                    zeroItems += Int64(count)
                    guard zeroItems <= Self.maxZeroSizeItems else { throw Failure(message: "too many zero-byte items") }
                    continue
                }
                for _ in 0..<count {
                    if isMap { _ = try lengthPrefixed() }
                    try skip(item, depth: depth + 1)
                }
            }
        }
    }
}
