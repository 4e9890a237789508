/// Where a record sits in its file: a line for NDJSON and CSV (1-based; for CSV the line where the record starts),
/// or a block and a record inside it for Avro (both 0-based).
public enum RecordPosition: Sendable, Hashable, CustomStringConvertible {
    case line(Int)
    case avro(block: Int, record: Int)

    public var description: String {
        switch self {
        case .line(let l): "line \(l)"
        case .avro(let b, let r): "block \(b) record \(r)"
        }
    }

    /// Packs the position into one `Int64` (the ``EventBatch/positions`` column).
    var packed: Int64 {
        switch self {
        case .line(let l): Int64(l)
        // Blocks below 2^31 and records below 2^32 (a block holds at most 2^28 records) pack exactly.
        case .avro(let b, let r): -(Int64(truncatingIfNeeded: b & 0x7fff_ffff) << 32 | Int64(truncatingIfNeeded: r & 0xffff_ffff)) - 1
        }
    }

    init(packed: Int64) {
        if packed >= 0 {
            self = .line(Int(packed))
        } else {
            let v = -(packed + 1)
            self = .avro(block: Int(v >> 32), record: Int(v & 0xffff_ffff))
        }
    }
}
