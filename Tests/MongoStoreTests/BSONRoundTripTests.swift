import Foundation
@testable import MongoStore
import Testing

@Suite("BSON through libbson")
struct BSONRoundTripTests {
    static func randomString(_ g: inout SeededGenerator) -> String {
        let alphabet = Array("abcXYZ019 _-.:é✓😀\"\\\n\t")
        return String((0..<Int.random(in: 0...12, using: &g)).map { _ in alphabet.randomElement(using: &g)! })
    }

    static func randomValue(_ g: inout SeededGenerator, depth: Int) -> BSON {
        let pick = Int.random(in: 0..<(depth > 3 ? 10 : 13), using: &g)
        switch pick {
        case 0: return .double(Double.random(in: -1e9...1e9, using: &g))
        case 1: return .string(randomString(&g))
        case 2: return .binary(Data((0..<Int.random(in: 0...20, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }))
        case 3: return .objectID(ObjectID(bytes: (0..<12).map { _ in UInt8.random(in: 0...255, using: &g) })!)
        case 4: return .bool(Bool.random(using: &g))
        case 5: return .datetime(Int64.random(in: -1_000_000_000_000...4_000_000_000_000, using: &g))
        case 6: return .null
        case 7: return .int32(Int32.random(in: .min ... .max, using: &g))
        case 8: return .int64(Int64.random(in: .min ... .max, using: &g))
        case 9: return .timestamp(UInt32.random(in: 0...UInt32.max, using: &g), UInt32.random(in: 0...100, using: &g))
        case 10, 11: return .document(randomDocument(&g, depth: depth + 1))
        default: return .array((0..<Int.random(in: 0...5, using: &g)).map { _ in randomValue(&g, depth: depth + 1) })
        }
    }

    static func randomDocument(_ g: inout SeededGenerator, depth: Int) -> BSONDocument {
        var d = BSONDocument()
        for i in 0..<Int.random(in: 0...6, using: &g) { d.append("k\(i)_\(randomString(&g))", randomValue(&g, depth: depth)) }
        return d
    }

    @Test("random nested documents survive Swift → libbson → Swift", arguments: 0..<25)
    func randomRoundTrip(seed: Int) throws {
        var g = SeededGenerator(state: UInt64(seed))
        let doc = Self.randomDocument(&g, depth: 0)
        let back = try NativeDocument(doc).read()
        #expect(back == doc)
    }

    @Test("extreme values and empty containers")
    func extremes() throws {
        let doc: BSONDocument = [
            "empty": "", "nul_inside": .string("a\u{0}b"), "max": .int64(.max), "min": .int32(.min),
            "inf": .double(.infinity), "tiny": .double(.leastNonzeroMagnitude), "emptyDoc": .document([:]), "emptyArr": [],
        ]
        #expect(try NativeDocument(doc).read() == doc)
    }

    @Test("a field name with a NUL byte is an encoding error, not a crash")
    func nulKey() {
        let doc: BSONDocument = ["bad\u{0}key": 1]
        #expect(throws: MongoError.self) { try NativeDocument(doc, operation: "insert", collection: "c") }
    }
}

@Suite("Codable over BSON")
struct CodableTests {
    struct Everything: Codable, Equatable {
        struct Inner: Codable, Equatable { var name: String; var tags: [String] }
        enum Band: String, Codable { case low, medium, high }
        var s: String
        var i: Int
        var i32: Int32
        var i64: Int64
        var u8: UInt8
        var d: Double
        var f: Float
        var b: Bool
        var date: Date
        var data: Data
        var vector: [Float]
        var inner: Inner
        var inners: [Inner]
        var optionalSet: String?
        var optionalNil: Int?
        var band: Band
        var nested: [[Int]]
        var map: [String: Double]
    }

    static func sample(_ g: inout SeededGenerator) -> Everything {
        Everything(
            s: BSONRoundTripTests.randomString(&g), i: Int.random(in: .min ... .max, using: &g), i32: Int32.random(in: .min ... .max, using: &g),
            i64: Int64.random(in: .min ... .max, using: &g), u8: UInt8.random(in: 0...255, using: &g), d: Double.random(in: -1e6...1e6, using: &g),
            f: Float.random(in: -1...1, using: &g), b: Bool.random(using: &g),
            date: Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_000_000_000_000, using: &g)) / 1000),
            data: Data((0..<8).map { _ in UInt8.random(in: 0...255, using: &g) }),
            vector: (0..<Int.random(in: 0...64, using: &g)).map { _ in Float.random(in: -1...1, using: &g) },
            inner: .init(name: "x", tags: ["a", "b"]), inners: [.init(name: "y", tags: []), .init(name: "z", tags: ["q"])],
            optionalSet: "here", optionalNil: nil, band: .medium, nested: [[1, 2], [], [3]], map: ["a": 1.5, "b": -2]
        )
    }

    @Test("random structs round-trip through the encoder, libbson and the decoder", arguments: 0..<20)
    func roundTrip(seed: Int) throws {
        var g = SeededGenerator(state: UInt64(seed) &+ 1000)
        let value = Self.sample(&g)
        let doc = try BSONEncoder().encode(value)
        #expect(doc["optionalNil"] == nil, "nil optionals are left out")
        if case .array(let items)? = doc["vector"] { #expect(items.allSatisfy { if case .double = $0 { true } else { false } }) }
        let back = try BSONDecoder().decode(Everything.self, from: try NativeDocument(doc).read())
        #expect(back == value)
    }

    @Test("unknown fields are ignored and numbers convert when exact")
    func lenientDecode() throws {
        struct Small: Codable, Equatable { var a: Int; var b: Double; var c: Int32 }
        let doc: BSONDocument = ["a": .double(3), "b": .int32(2), "c": .int64(7), "extra": ["deep": [1, 2]]]
        #expect(try BSONDecoder().decode(Small.self, from: doc) == Small(a: 3, b: 2, c: 7))
        #expect(throws: DecodingError.self) { try BSONDecoder().decode(Small.self, from: ["a": .double(3.5), "b": 1, "c": 1]) }
        #expect(throws: DecodingError.self) { try BSONDecoder().decode(Small.self, from: ["b": 1, "c": 1]) }
    }
}
