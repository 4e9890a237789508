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
        case .avro(let b, let r): -(Int64(b) << 32 | Int64(r)) - 1
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
