/// `BSON` and `BSONDocument` are `Codable` so they can stand as fields of documents (and as the element of
/// a collection of raw documents). With `BSONEncoder`/`BSONDecoder` they pass through unchanged; other
/// coders (JSON, say) see plain values: datetimes as milliseconds, binary and ObjectIds as strings.
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension BSONDocument: Codable {
    public init(from decoder: any Decoder) throws {
        if let d = decoder as? _BSONDecoder {
            guard case .document(let doc) = d.value else { throw d.mismatch("a document") }
            self = doc
            return
        }
        let c = try decoder.container(keyedBy: DynamicKey.self)
        var out = BSONDocument()
        for key in c.allKeys { out.append(key.stringValue, try c.decode(BSON.self, forKey: key)) }
        self = out
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        for e in elements { try c.encode(e.value, forKey: DynamicKey(e.key)) }
    }
}

extension BSON: Codable {
    public init(from decoder: any Decoder) throws {
        if let d = decoder as? _BSONDecoder {
            self = d.value
            return
        }
        if let c = try? decoder.container(keyedBy: DynamicKey.self) {
            self = .document(try BSONDocument(from: decoder))
            _ = c
            return
        }
        if var u = try? decoder.unkeyedContainer() {
            var items: [BSON] = []
            while !u.isAtEnd { items.append(try u.decode(BSON.self)) }
            self = .array(items)
            return
        }
        let s = try decoder.singleValueContainer()
        if s.decodeNil() { self = .null } else if let b = try? s.decode(Bool.self) { self = .bool(b) } else if let i = try? s.decode(Int64.self) {
            self = .int64(i)
        } else if let d = try? s.decode(Double.self) { self = .double(d) } else { self = .string(try s.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .document(let d): try d.encode(to: encoder)
        case .array(let items):
            var u = encoder.unkeyedContainer()
            for i in items { try u.encode(i) }
        default:
            var s = encoder.singleValueContainer()
            switch self {
            case .double(let d): try s.encode(d)
            case .string(let v): try s.encode(v)
            case .binary(let data): try s.encode(data.base64EncodedString())
            case .objectID(let o): try s.encode(o.description)
            case .bool(let b): try s.encode(b)
            case .datetime(let ms): try s.encode(ms)
            case .null: try s.encodeNil()
            case .int32(let i): try s.encode(i)
            case .int64(let i): try s.encode(i)
            case .timestamp(let t, let i): try s.encode([t, i])
            case .document, .array: break
            }
        }
    }
}
