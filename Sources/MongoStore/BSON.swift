public import Foundation

/// A BSON value as plain Swift data. Values are built and read in Swift; only `BSON+libbson.swift`
/// turns them into libbson documents, so no C pointer ever leaves MongoStore.
///
/// ```swift
/// let filter: BSONDocument = ["learner_id": "l-1", "risk": ["$gte": 0.5]]
/// ```
public enum BSON: Sendable, Hashable {
    case double(Double)
    case string(String)
    case document(BSONDocument)
    case array([BSON])
    case binary(Data)
    case objectID(ObjectID)
    case bool(Bool)
    /// Milliseconds since the Unix epoch (BSON UTC datetime).
    case datetime(Int64)
    case null
    case int32(Int32)
    case int64(Int64)
    /// A BSON timestamp (seconds, increment), as in change-stream cluster times.
    case timestamp(UInt32, UInt32)

    /// The value as a `Date`, when it is a BSON datetime.
    public var dateValue: Date? {
        if case .datetime(let ms) = self { return Date(timeIntervalSince1970: Double(ms) / 1000) }
        return nil
    }

    /// The value as a string, when it is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Any numeric BSON value as a Double.
    public var doubleValue: Double? {
        switch self {
        case .double(let d): d
        case .int32(let i): Double(i)
        case .int64(let i): Double(i)
        default: nil
        }
    }

    /// Any integral BSON value (or a double with no fractional part) as an Int64.
    public var int64Value: Int64? {
        switch self {
        case .int32(let i): Int64(i)
        case .int64(let i): i
        case .double(let d): d.rounded() == d && abs(d) < 9.2e18 ? Int64(d) : nil
        default: nil
        }
    }

    /// A `Date` as a BSON datetime (millisecond precision, as MongoDB stores it).
    public static func date(_ date: Date) -> BSON {
        .datetime(Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}

extension BSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) {
        self = Int32(exactly: value).map(BSON.int32) ?? .int64(Int64(value))
    }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: BSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, BSON)...) {
        self = .document(BSONDocument(elements.map { BSONDocument.Element(key: $0.0, value: $0.1) }))
    }
    public init(nilLiteral: ()) { self = .null }
}
