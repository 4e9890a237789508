import Foundation
import MongoStore
import Testing

/// `BSONDocument(bsonBytes:)`, the read path the fuzz target drives: well-formed bytes round-trip, malformed ones
/// throw, and nesting deeper than MongoDB's own limit cannot exhaust the stack.
@Suite struct BSONBytesTests {
    @Test func roundTripAndMalformed() throws {
        let doc: BSONDocument = ["tenant_id": "acme", "n": 3, "v": [1.5, 2], "d": ["x": true, "y": nil]]
        let bytes = try doc.bsonBytes()
        #expect(try BSONDocument(bsonBytes: bytes) == doc)
        #expect(throws: MongoError.self) { try BSONDocument(bsonBytes: Array(bytes.dropLast())) }
        #expect(throws: MongoError.self) { try BSONDocument(bsonBytes: []) }
        #expect(throws: MongoError.self) { try BSONDocument(bsonBytes: [5, 0, 0, 0, 1]) }
    }

    /// `{"a": {"a": … {}}}` nested `levels` deep, built without copying.
    static func nested(_ levels: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(9 * levels + 5)
        for j in 0..<levels {
            let size = UInt32(8 * (levels - j) + 5)
            out += withUnsafeBytes(of: size.littleEndian, Array.init) + [0x03, 0x61, 0x00]
        }
        out += [5, 0, 0, 0, 0]
        out += [UInt8](repeating: 0, count: levels)
        return out
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() throws {
        let ok = try BSONDocument(bsonBytes: Self.nested(100))
        #expect(ok["a"] != nil)
        #expect(throws: MongoError.self) { try BSONDocument(bsonBytes: Self.nested(200_000)) }
    }
}
