import LearningEvents

/// A generically decoded Avro value: what the courses reader works on, and how a refused Avro event record is
/// rendered as JSON text for quarantine.
indirect enum AvroValue {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case timestamp(Int64)
    case array([AvroValue])
    case record([(String, AvroValue)])

    /// Decodes a value of type `t`. Linear in the bytes read (zero-byte types were folded away with the schema).
    static func decode(_ t: AvroType, _ c: inout AvroCursor, depth: Int = 0) throws(AvroCursor.Failure) -> AvroValue {
        guard depth < AvroType.maxDepth else { throw AvroCursor.Failure(message: "value nested too deep") }
        switch t {
        case .null: return .null
        case .boolean: return .bool(try c.boolean())
        case .int(let l), .long(let l):
            let v = try c.long()
            switch l {
            case .none: return .int(v)
            case .timestampMicros: return .timestamp(v)
            case .timestampMillis: return .timestamp(AvroEventDecoder.micros(v, per: 1000))
            case .date: return .timestamp(AvroEventDecoder.micros(v, per: Timestamp.microsPerDay))
            }
        case .float: return .double(Double(try c.float()))
        case .double: return .double(try c.double())
        case .string:
            let (p, n) = try c.lengthPrefixed()
            return .string(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        case .bytes:
            let (p, n) = try c.lengthPrefixed()
            return .bytes(Array(UnsafeBufferPointer(start: p, count: n)))
        case .fixed(let size):
            let start = c.i
            try c.skip(size)
            return .bytes(Array(UnsafeBufferPointer(start: c.p + start, count: size)))
        case .enumeration(let symbols):
            let k = try c.long()
            guard k >= 0, k < Int64(symbols.count) else { throw AvroCursor.Failure(message: "enum index \(k)") }
            return .string(symbols[Int(k)])
        case .union(let branches):
            return try decode(branches[try c.unionIndex(branches.count)], &c, depth: depth + 1)
        case .record(let r):
            var out: [(String, AvroValue)] = []
            out.reserveCapacity(r.fields.count)
            for f in r.fields { out.append((f.name, try decode(f.type, &c, depth: depth + 1))) }
            return .record(out)
        case .array(let item), .map(let item):
            let isMap = if case .map = t { true } else { false }
            let itemSize = isMap ? item.minSize.addingSaturating(1) : item.minSize
            var items: [AvroValue] = []
            var entries: [(String, AvroValue)] = []
            var total: Int64 = 0
            while true {
                let (count, _) = try c.blockCount(itemSize: itemSize)
                if count == 0 { break }
                total += Int64(count)
                guard itemSize > 0 || total <= AvroCursor.maxZeroSizeItems else {
                    throw AvroCursor.Failure(message: "too many zero-byte items")
                }
                for _ in 0..<count {
                    if isMap {
                        let (p, n) = try c.lengthPrefixed()
                        let key = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
                        entries.append((key, try decode(item, &c, depth: depth + 1)))
                    } else {
                        items.append(try decode(item, &c, depth: depth + 1))
                    }
                }
            }
            return isMap ? .record(entries) : .array(items)
        }
    }

    /// JSON text of the value (timestamps in BigQuery's form), for quarantine records.
    var json: String {
        var out = ""
        appendJSON(to: &out)
        return out
    }

    func appendJSON(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let v): out += String(v)
        case .double(let v): out += v.isFinite ? "\(v)" : "\"\(v)\""
        case .string(let s): JSONText.appendQuoted(s, to: &out)
        case .bytes(let b): JSONText.appendQuoted(String(decoding: b, as: UTF8.self), to: &out)
        case .timestamp(let m):
            // Out-of-range values (refused rows quote them) are written as the number of microseconds.
            if m >= EventRules.earliestOccurredAt && m <= EventRules.latestOccurredAt {
                JSONText.appendQuoted(Timestamp.bigQuery(m), to: &out)
            } else {
                out += String(m)
            }
        case .array(let items):
            out += "["
            for (k, v) in items.enumerated() {
                if k > 0 { out += "," }
                v.appendJSON(to: &out)
            }
            out += "]"
        case .record(let fields):
            out += "{"
            for (k, f) in fields.enumerated() {
                if k > 0 { out += "," }
                JSONText.appendQuoted(f.0, to: &out)
                out += ":"
                f.1.appendJSON(to: &out)
            }
            out += "}"
        }
    }

    /// The field `name` of a record value.
    subscript(field name: String) -> AvroValue? {
        guard case .record(let fields) = self else { return nil }
        return fields.first { $0.0 == name }?.1
    }
}
