import Foundation

/// Decodes `Decodable` values from `BSONDocument`s read out of libbson. Unknown fields are ignored;
/// numbers convert between int32, int64 and double when the value fits exactly.
///
/// ```swift
/// let rec = try BSONDecoder().decode(Recommendation.self, from: document)
/// ```
public struct BSONDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from document: BSONDocument) throws -> T {
        try decode(type, fromValue: .document(document))
    }

    public func decode<T: Decodable>(_ type: T.Type, fromValue value: BSON) throws -> T {
        try _BSONDecoder(value: value, codingPath: []).unbox(type)
    }
}

struct _BSONDecoder: Decoder {
    let value: BSON
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value)"))
    }

    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is BSON.Type: return value as! T  // the cast is the identity: T is BSON
        case is BSONDocument.Type:
            guard case .document(let d) = value else { throw mismatch("a document") }
            return d as! T
        case is ObjectID.Type:
            guard case .objectID(let o) = value else { throw mismatch("an ObjectId") }
            return o as! T
        case is Date.Type:
            guard let d = value.dateValue else { throw mismatch("a datetime") }
            return d as! T
        case is Data.Type:
            guard case .binary(let d) = value else { throw mismatch("binary data") }
            return d as! T
        case is [Float].Type:
            guard case .array(let items) = value else { throw mismatch("an array of numbers") }
            return try items.enumerated().map { i, item -> Float in
                guard let d = item.doubleValue else {
                    throw DecodingError.typeMismatch(Float.self, .init(codingPath: codingPath + [_BSONEncoder.IndexKey(i)], debugDescription: "expected a number, found \(item)"))
                }
                return Float(d)
            } as! T
        default:
            return try T(from: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .document(let doc) = value else { throw mismatch("a document") }
        return KeyedDecodingContainer(KeyedContainer<Key>(document: doc, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch("an array") }
        return UnkeyedContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let document: BSONDocument
        let codingPath: [any CodingKey]
        var allKeys: [Key] { document.keys.compactMap(Key.init(stringValue:)) }

        func contains(_ key: Key) -> Bool { document[key.stringValue] != nil }

        private func child(_ key: Key) throws -> _BSONDecoder {
            guard let v = document[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no field \(key.stringValue.debugDescription)"))
            }
            return _BSONDecoder(value: v, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let v = document[key.stringValue] else { return true }
            return v == .null
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).unbox(type) }

        // Scalars are read straight from the field: no nested decoder, no existential container per field.
        private func scalar(_ key: Key) throws -> BSON {
            guard let v = document[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no field \(key.stringValue.debugDescription)"))
            }
            return v
        }
        private func mismatch(_ key: Key, _ expected: String, _ v: BSON) -> DecodingError {
            .typeMismatch(Any.self, .init(codingPath: codingPath + [key], debugDescription: "expected \(expected), found \(v)"))
        }
        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            let v = try scalar(key)
            guard case .string(let s) = v else { throw mismatch(key, "a string", v) }
            return s
        }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
            let v = try scalar(key)
            guard case .bool(let b) = v else { throw mismatch(key, "a boolean", v) }
            return b
        }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            let v = try scalar(key)
            guard let d = v.doubleValue else { throw mismatch(key, "a number", v) }
            return d
        }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
            let v = try scalar(key)
            guard let d = v.doubleValue else { throw mismatch(key, "a number", v) }
            return Float(d)
        }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
            let v = try scalar(key)
            guard let i = v.int64Value, let r = Int(exactly: i) else { throw mismatch(key, "an integer that fits Int", v) }
            return r
        }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
            let v = try scalar(key)
            guard let i = v.int64Value else { throw mismatch(key, "an integer", v) }
            return i
        }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
            let v = try scalar(key)
            guard let i = v.int64Value, let r = Int32(exactly: i) else { throw mismatch(key, "an integer that fits Int32", v) }
            return r
        }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let v = document[key.stringValue], v != .null else { return nil }
            return try _BSONDecoder(value: v, codingPath: codingPath + [key]).unbox(type)
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try child(key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
        func superDecoder() throws -> any Decoder {
            _BSONDecoder(value: document["super"] ?? .null, codingPath: codingPath)
        }
        func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let items: [BSON]
        let codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        init(items: [BSON], codingPath: [any CodingKey]) {
            self.items = items
            self.codingPath = codingPath
        }

        private mutating func next() throws -> _BSONDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "array ended at \(currentIndex)"))
            }
            defer { currentIndex += 1 }
            return _BSONDecoder(value: items[currentIndex], codingPath: codingPath + [_BSONEncoder.IndexKey(currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, items[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().unbox(type) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }
}

extension _BSONDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch("a boolean") }
        return b
    }
    func decode(_ type: String.Type) throws -> String {
        guard case .string(let s) = value else { throw mismatch("a string") }
        return s
    }
    func decode(_ type: Double.Type) throws -> Double {
        guard let d = value.doubleValue else { throw mismatch("a number") }
        return d
    }
    func decode(_ type: Float.Type) throws -> Float {
        guard let d = value.doubleValue else { throw mismatch("a number") }
        return Float(d)
    }
    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard let i = value.int64Value, let v = I(exactly: i) else { throw mismatch("an integer that fits \(I.self)") }
        return v
    }
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(type) }
}
