import Foundation

/// Encodes `Encodable` values to `BSONDocument` (then to libbson), with no JSON text in between.
///
/// `Date` becomes a BSON datetime, `Data` binary, `[Float]` an array of doubles, `Int` an int64,
/// `Int32` an int32; `nil` optionals are left out.
///
/// ```swift
/// let doc = try BSONEncoder().encode(LearnerEmbedding(learnerID: "l-1", vector: [0.1, 0.2]))
/// ```
public struct BSONEncoder: Sendable {
    public init() {}

    /// Encodes a value that must encode as a document (a struct or a class with keyed fields).
    public func encode<T: Encodable>(_ value: T) throws -> BSONDocument {
        let bson = try encodeValue(value)
        guard case .document(let doc) = bson else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "top-level value did not encode as a document"))
        }
        return doc
    }

    /// Encodes any value to a BSON value.
    public func encodeValue<T: Encodable>(_ value: T) throws -> BSON {
        if let direct = BSONEncoder.direct(value) { return direct }
        let encoder = _BSONEncoder(codingPath: [])
        try value.encode(to: encoder)
        return encoder.storage.value
    }

    static func direct(_ value: Any) -> BSON? {
        switch value {
        case let v as BSON: v
        case let v as BSONDocument: .document(v)
        case let v as ObjectID: .objectID(v)
        case let v as Date: .date(v)
        case let v as Data: .binary(v)
        case let v as [Float]: .array(v.map { .double(Double($0)) })
        case let v as [Double]: .array(v.map(BSON.double))
        case let v as Int8: .int32(Int32(v))
        case let v as Int16: .int32(Int32(v))
        case let v as UInt8: .int32(Int32(v))
        case let v as UInt16: .int32(Int32(v))
        case let v as UInt32: .int64(Int64(v))
        case let v as UInt: Int64(exactly: v).map(BSON.int64) ?? .double(Double(v))
        case let v as UInt64: Int64(exactly: v).map(BSON.int64) ?? .double(Double(v))
        default: nil
        }
    }
}

/// A mutable node of the tree being encoded.
final class EncodingNode {
    enum Content {
        case value(BSON)
        case keyed([(String, EncodingNode)])
        case unkeyed([EncodingNode])
        case empty
    }
    var content: Content = .empty

    var value: BSON {
        switch content {
        case .value(let v): v
        case .keyed(let pairs): .document(BSONDocument(pairs.map { .init(key: $0.0, value: $0.1.value) }))
        case .unkeyed(let items): .array(items.map(\.value))
        case .empty: .document(BSONDocument())
        }
    }
}

struct _BSONEncoder: Encoder {
    let storage: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey], storage: EncodingNode = EncodingNode()) {
        self.codingPath = codingPath
        self.storage = storage
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .keyed = storage.content {} else { storage.content = .keyed([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: storage, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unkeyed = storage.content {} else { storage.content = .unkeyed([]) }
        return UnkeyedContainer(node: storage, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(node: storage, codingPath: codingPath) }

    static func box<T: Encodable>(_ value: T, path: [any CodingKey]) throws -> EncodingNode {
        let node = EncodingNode()
        if let direct = BSONEncoder.direct(value) {
            node.content = .value(direct)
        } else {
            try value.encode(to: _BSONEncoder(codingPath: path, storage: node))
        }
        return node
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: EncodingNode
        let codingPath: [any CodingKey]

        private func set(_ key: Key, _ child: EncodingNode) {
            guard case .keyed(var pairs) = node.content else { return }
            if let i = pairs.firstIndex(where: { $0.0 == key.stringValue }) { pairs[i].1 = child } else { pairs.append((key.stringValue, child)) }
            node.content = .keyed(pairs)
        }
        private func leaf(_ v: BSON) -> EncodingNode { let n = EncodingNode(); n.content = .value(v); return n }

        mutating func encodeNil(forKey key: Key) throws { set(key, leaf(.null)) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, leaf(.bool(value))) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(key, leaf(.string(value))) }
        mutating func encode(_ value: Double, forKey key: Key) throws { set(key, leaf(.double(value))) }
        mutating func encode(_ value: Float, forKey key: Key) throws { set(key, leaf(.double(Double(value)))) }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(key, leaf(.int64(Int64(value)))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(key, leaf(.int32(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(key, leaf(.int64(value))) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            set(key, try _BSONEncoder.box(value, path: codingPath + [key]))
        }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) }
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = EncodingNode()
            set(key, child)
            return _BSONEncoder(codingPath: codingPath + [key], storage: child).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = EncodingNode()
            set(key, child)
            return _BSONEncoder(codingPath: codingPath + [key], storage: child).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = EncodingNode()
            set(key, child)
            return _BSONEncoder(codingPath: codingPath + [key], storage: child)
        }
    }

    struct IndexKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(_ i: Int) { stringValue = String(i); intValue = i }
        init?(stringValue: String) { self.stringValue = stringValue; intValue = Int(stringValue) }
        init?(intValue: Int) { self.init(intValue) }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let node: EncodingNode
        let codingPath: [any CodingKey]
        var count: Int {
            if case .unkeyed(let items) = node.content { return items.count }
            return 0
        }
        private func add(_ child: EncodingNode) {
            guard case .unkeyed(var items) = node.content else { return }
            items.append(child)
            node.content = .unkeyed(items)
        }
        private func leaf(_ v: BSON) -> EncodingNode { let n = EncodingNode(); n.content = .value(v); return n }

        mutating func encodeNil() throws { add(leaf(.null)) }
        mutating func encode(_ value: Bool) throws { add(leaf(.bool(value))) }
        mutating func encode(_ value: String) throws { add(leaf(.string(value))) }
        mutating func encode(_ value: Double) throws { add(leaf(.double(value))) }
        mutating func encode(_ value: Float) throws { add(leaf(.double(Double(value)))) }
        mutating func encode(_ value: Int) throws { add(leaf(.int64(Int64(value)))) }
        mutating func encode(_ value: Int32) throws { add(leaf(.int32(value))) }
        mutating func encode(_ value: Int64) throws { add(leaf(.int64(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            add(try _BSONEncoder.box(value, path: codingPath + [IndexKey(count)]))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = EncodingNode()
            add(child)
            return _BSONEncoder(codingPath: codingPath + [IndexKey(count - 1)], storage: child).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = EncodingNode()
            add(child)
            return _BSONEncoder(codingPath: codingPath + [IndexKey(count - 1)], storage: child).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder {
            let child = EncodingNode()
            add(child)
            return _BSONEncoder(codingPath: codingPath, storage: child)
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let node: EncodingNode
        let codingPath: [any CodingKey]
        mutating func encodeNil() throws { node.content = .value(.null) }
        mutating func encode(_ value: Bool) throws { node.content = .value(.bool(value)) }
        mutating func encode(_ value: String) throws { node.content = .value(.string(value)) }
        mutating func encode(_ value: Double) throws { node.content = .value(.double(value)) }
        mutating func encode(_ value: Float) throws { node.content = .value(.double(Double(value))) }
        mutating func encode(_ value: Int) throws { node.content = .value(.int64(Int64(value))) }
        mutating func encode(_ value: Int32) throws { node.content = .value(.int32(value)) }
        mutating func encode(_ value: Int64) throws { node.content = .value(.int64(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            let child = try _BSONEncoder.box(value, path: codingPath)
            node.content = child.content
        }
    }
}
