import CMongoC
import Foundation

/// Owns one heap `bson_t` built from (or read into) a `BSONDocument`. Internal: the pointer never leaves
/// MongoStore, and every document crossing the C boundary is copied into Swift values at once.
final class NativeDocument {
    let pointer: OpaquePointer

    /// An empty document owned by this object.
    init() {
        guard let p = bson_new() else { fatalError("bson_new returned NULL: out of memory") }
        pointer = p
    }

    /// Builds the libbson form of `document`; throws `MongoError.encoding` for values libbson refuses.
    convenience init(_ document: BSONDocument, operation: String = "encode", collection: String? = nil) throws {
        self.init()
        for element in document.elements {
            try NativeDocument.append(element.value, key: element.key, to: pointer, operation: operation, collection: collection)
        }
    }

    deinit { bson_destroy(pointer) }

    /// Nesting read at most; MongoDB itself stores at most 100 levels. Deeper values read as null (and make
    /// ``read(_:truncated:)`` report it): the reader recurses, so this bounds its stack.
    static let maxDepth = 128

    /// Copies a libbson document (not owned) into Swift values.
    static func read(_ pointer: OpaquePointer) -> BSONDocument {
        var truncated = false
        return read(pointer, truncated: &truncated)
    }

    /// Copies a libbson document into Swift values; `truncated` is set when it nests deeper than ``maxDepth``.
    static func read(_ pointer: OpaquePointer, truncated: inout Bool) -> BSONDocument {
        guard let iter = lodestar_iter_new() else { return BSONDocument() }
        defer { lodestar_iter_free(iter) }
        guard bson_iter_init(iter, pointer) else { return BSONDocument() }
        return readDocument(iter, depth: 0, truncated: &truncated)
    }

    func read() -> BSONDocument { NativeDocument.read(pointer) }

    // MARK: writing

    private static func append(_ value: BSON, key: String, to b: OpaquePointer, operation: String, collection: String?) throws {
        let klen = Int32(key.utf8.count)
        if key.utf8.contains(0) {
            throw MongoError(kind: .encoding, operation: operation, collection: collection,
                             message: "field name \(key.debugDescription) contains a NUL byte")
        }
        let ok: Bool
        switch value {
        case .double(let d): ok = bson_append_double(b, key, klen, d)
        case .string(let s):
            var s = s
            ok = s.isEmpty ? bson_append_utf8(b, key, klen, "", 0) : s.withUTF8 { buf in
                buf.withMemoryRebound(to: CChar.self) { c in
                    bson_append_utf8(b, key, klen, c.baseAddress, Int32(buf.count))
                }
            }
        case .document(let doc):
            let child = try NativeDocument(doc, operation: operation, collection: collection)
            ok = bson_append_document(b, key, klen, child.pointer)
        case .array(let items):
            let child = NativeDocument()
            for (i, item) in items.enumerated() {
                try append(item, key: String(i), to: child.pointer, operation: operation, collection: collection)
            }
            ok = bson_append_array(b, key, klen, child.pointer)
        case .binary(let data):
            ok = data.withUnsafeBytes { raw in
                bson_append_binary(b, key, klen, BSON_SUBTYPE_BINARY,
                                   raw.bindMemory(to: UInt8.self).baseAddress, UInt32(raw.count))
            }
        case .objectID(let oid):
            var raw = bson_oid_t()
            for (i, byte) in oid.bytes.enumerated() { lodestar_oid_set(&raw, Int32(i), byte) }
            ok = bson_append_oid(b, key, klen, &raw)
        case .bool(let v): ok = bson_append_bool(b, key, klen, v)
        case .datetime(let ms): ok = bson_append_date_time(b, key, klen, ms)
        case .null: ok = bson_append_null(b, key, klen)
        case .int32(let v): ok = bson_append_int32(b, key, klen, v)
        case .int64(let v): ok = bson_append_int64(b, key, klen, v)
        case .timestamp(let t, let i): ok = bson_append_timestamp(b, key, klen, t, i)
        }
        if !ok {
            throw MongoError(kind: .encoding, operation: operation, collection: collection,
                             message: "libbson refused field \(key.debugDescription) (document over 16 MiB or invalid value)")
        }
    }

    // MARK: reading

    private static func readDocument(_ iter: OpaquePointer, depth: Int, truncated: inout Bool) -> BSONDocument {
        var elements: [BSONDocument.Element] = []
        while bson_iter_next(iter) {
            let key = String(cString: bson_iter_key(iter))
            elements.append(.init(key: key, value: readValue(iter, depth: depth, truncated: &truncated)))
        }
        return BSONDocument(elements)
    }

    private static func readArray(_ iter: OpaquePointer, depth: Int, truncated: inout Bool) -> [BSON] {
        var items: [BSON] = []
        while bson_iter_next(iter) { items.append(readValue(iter, depth: depth, truncated: &truncated)) }
        return items
    }

    private static func readValue(_ iter: OpaquePointer, depth: Int, truncated: inout Bool) -> BSON {
        switch bson_iter_type(iter) {
        case BSON_TYPE_DOUBLE: return .double(bson_iter_double(iter))
        case BSON_TYPE_UTF8:
            var len: UInt32 = 0
            guard let p = lodestar_iter_utf8(iter, &len) else { return .string("") }
            let buf = UnsafeRawBufferPointer(start: p, count: Int(len))
            return .string(String(decoding: buf, as: UTF8.self))
        case BSON_TYPE_DOCUMENT, BSON_TYPE_ARRAY:
            let isArray = bson_iter_type(iter) == BSON_TYPE_ARRAY
            guard depth < maxDepth else {
                truncated = true
                return .null
            }
            guard let child = lodestar_iter_new() else { return .null }
            defer { lodestar_iter_free(child) }
            guard bson_iter_recurse(iter, child) else { return isArray ? .array([]) : .document(BSONDocument()) }
            return isArray
                ? .array(readArray(child, depth: depth + 1, truncated: &truncated))
                : .document(readDocument(child, depth: depth + 1, truncated: &truncated))
        case BSON_TYPE_BINARY:
            var subtype = bson_subtype_t(rawValue: 0)
            var len: UInt32 = 0
            var p: UnsafePointer<UInt8>? = nil
            bson_iter_binary(iter, &subtype, &len, &p)
            guard let p else { return .binary(Data()) }
            return .binary(Data(bytes: p, count: Int(len)))
        case BSON_TYPE_OID:
            guard let raw = bson_iter_oid(iter) else { return .null }
            let bytes = (0..<12).map { lodestar_oid_byte(raw, Int32($0)) }
            return ObjectID(bytes: bytes).map(BSON.objectID) ?? .null
        case BSON_TYPE_BOOL: return .bool(bson_iter_bool(iter))
        case BSON_TYPE_DATE_TIME: return .datetime(bson_iter_date_time(iter))
        case BSON_TYPE_INT32: return .int32(bson_iter_int32(iter))
        case BSON_TYPE_INT64: return .int64(bson_iter_int64(iter))
        case BSON_TYPE_TIMESTAMP:
            var t: UInt32 = 0
            var i: UInt32 = 0
            bson_iter_timestamp(iter, &t, &i)
            return .timestamp(t, i)
        default:
            // null, undefined, regex, decimal128, min/max key...: not used by Lodestar's documents.
            return .null
        }
    }
}
