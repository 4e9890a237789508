import Foundation
import LearningEvents

/// An Avro schema, parsed from the JSON in a container file's header.
///
/// Types that always encode to zero bytes (`null`, `fixed` of size 0, records of only such fields) are folded to
/// ``null`` and dropped from records' field lists when the schema is read, so every other node a reader visits
/// consumes at least one byte: skipping and decoding stay linear in the bytes read, however named types nest.
indirect enum AvroType {
    enum Logical {
        case none, timestampMicros, timestampMillis, date
    }

    case null
    case boolean
    case int(Logical)
    case long(Logical)
    case float
    case double
    case bytes
    case string
    case record(AvroRecord)
    case enumeration(symbols: [String])
    case array(AvroType)
    case map(AvroType)
    case fixed(size: Int)
    case union([AvroType])

    struct SchemaError: Error, CustomStringConvertible {
        let message: String
        var description: String { "invalid Avro schema: \(message)" }
    }

    /// The fewest bytes a value of this type encodes to (saturating at `Int.max`).
    var minSize: Int {
        switch self {
        case .null: 0
        case .boolean, .int, .long, .bytes, .string, .enumeration, .array, .map, .union: 1
        case .float: 4
        case .double: 8
        case .fixed(let n): n
        case .record(let r): r.minSize
        }
    }

    /// The deepest nesting the parser accepts.
    static let maxDepth = 64

    /// Parses the schema JSON text. The top level stays a record even when all its fields are folded away.
    static func parse(json: [UInt8]) throws -> AvroType {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json), options: [.fragmentsAllowed])
        } catch {
            throw SchemaError(message: "schema is not JSON")
        }
        var named: [String: AvroType] = [:]
        return try parse(object, named: &named, depth: 0)
    }

    private static func parse(_ o: Any, named: inout [String: AvroType], depth: Int) throws -> AvroType {
        guard depth < maxDepth else { throw SchemaError(message: "schema nested deeper than \(maxDepth)") }
        if let name = o as? String { return try primitive(name, logical: nil, named: named) }
        if let list = o as? [Any] {
            return .union(try list.map { try parse($0, named: &named, depth: depth + 1) })
        }
        guard let dict = o as? [String: Any], let type = dict["type"] else {
            throw SchemaError(message: "a type must be a name, a list or an object with \"type\"")
        }
        let logical = dict["logicalType"] as? String
        if let typeName = type as? String {
            switch typeName {
            case "record", "error":
                let name = dict["name"] as? String ?? "record"
                guard let fields = dict["fields"] as? [[String: Any]] else {
                    throw SchemaError(message: "record \(name) has no fields list")
                }
                var parsed: [AvroField] = []
                var declared: [String] = []
                var size = 0
                for f in fields {
                    guard let fname = f["name"] as? String, let ftype = f["type"] else {
                        throw SchemaError(message: "a field of \(name) has no name or type")
                    }
                    declared.append(fname)
                    let t = try parse(ftype, named: &named, depth: depth + 1)
                    if case .null = t { continue }  // encodes to nothing: reads as absent
                    parsed.append(AvroField(name: fname, type: t))
                    size = size.addingSaturating(t.minSize)
                }
                let record = AvroRecord(name: name, fields: parsed, declaredNames: declared, minSize: size)
                // A record of zero-byte fields is itself zero bytes; the top level stays a record.
                let t: AvroType = parsed.isEmpty && depth > 0 ? .null : .record(record)
                named[name] = t
                return t
            case "enum":
                guard let symbols = dict["symbols"] as? [String] else { throw SchemaError(message: "enum without symbols") }
                let t = AvroType.enumeration(symbols: symbols)
                if let name = dict["name"] as? String { named[name] = t }
                return t
            case "array":
                guard let items = dict["items"] else { throw SchemaError(message: "array without items") }
                return .array(try parse(items, named: &named, depth: depth + 1))
            case "map":
                guard let values = dict["values"] else { throw SchemaError(message: "map without values") }
                return .map(try parse(values, named: &named, depth: depth + 1))
            case "fixed":
                guard let size = dict["size"] as? Int, size >= 0 else { throw SchemaError(message: "fixed without size") }
                let t: AvroType = size == 0 ? .null : .fixed(size: size)
                if let name = dict["name"] as? String { named[name] = t }
                return t
            default:
                return try primitive(typeName, logical: logical, named: named)
            }
        }
        return try parse(type, named: &named, depth: depth + 1)
    }

    private static func primitive(_ name: String, logical: String?, named: [String: AvroType]) throws -> AvroType {
        switch name {
        case "null": return .null
        case "boolean": return .boolean
        case "int": return .int(logical == "date" ? .date : .none)
        case "long":
            switch logical {
            case "timestamp-micros", "local-timestamp-micros": return .long(.timestampMicros)
            case "timestamp-millis", "local-timestamp-millis": return .long(.timestampMillis)
            default: return .long(.none)
            }
        case "float": return .float
        case "double": return .double
        case "bytes": return .bytes
        case "string": return .string
        default:
            if let t = named[name] { return t }
            // Names may be qualified ("ns.Name"); try the last component.
            if let short = name.split(separator: ".").last, let t = named[String(short)] { return t }
            throw SchemaError(message: "unknown type '\(ValidationError.excerpt(name))'")
        }
    }
}

/// A record type: the fields that encode to bytes, in order, and the names as declared (for telling tables apart).
struct AvroRecord {
    let name: String
    /// Fields whose type takes at least one byte (zero-byte fields read as absent).
    let fields: [AvroField]
    /// Every field name as written in the schema.
    let declaredNames: [String]
    /// The fewest bytes a record encodes to (saturating).
    let minSize: Int
}

/// A field of an ``AvroRecord``.
struct AvroField {
    let name: String
    let type: AvroType
}

extension Int {
    /// `self + other`, or `Int.max` when it would overflow (sizes decoded from hostile schemas).
    func addingSaturating(_ other: Int) -> Int {
        let (v, o) = addingReportingOverflow(other)
        return o ? .max : v
    }
}
