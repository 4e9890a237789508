import CMongoC

extension BSONDocument {
    /// Reads one document from its BSON bytes (as a server sends it), copying every value into Swift at once.
    /// Throws `MongoError` (`.encoding`) when the bytes are not a BSON document whose length header matches, or
    /// when it nests deeper than 128 levels (MongoDB stores at most 100).
    ///
    /// ```swift
    /// let doc = try BSONDocument(bsonBytes: bytes)
    /// ```
    public init(bsonBytes bytes: [UInt8]) throws {
        let native: OpaquePointer? = bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return nil }
            return bson_new_from_data(base, buf.count)
        }
        guard let native else {
            throw MongoError(kind: .encoding, operation: "decode", collection: nil,
                             message: "\(bytes.count) bytes are not a BSON document (length header or terminator)")
        }
        defer { bson_destroy(native) }
        var truncated = false
        self = NativeDocument.read(native, truncated: &truncated)
        if truncated {
            throw MongoError(kind: .encoding, operation: "decode", collection: nil,
                             message: "BSON document nests deeper than \(NativeDocument.maxDepth) levels")
        }
    }

    /// The document as BSON bytes (what ``init(bsonBytes:)`` reads back).
    public func bsonBytes() throws -> [UInt8] {
        let native = try NativeDocument(self)
        guard let data = bson_get_data(native.pointer) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(lodestar_bson_len(native.pointer))))
    }
}
