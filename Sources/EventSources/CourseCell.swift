import LearningEvents

/// A loosely typed catalog cell, from any format; ``course(from:)`` applies the catalog's rules.
enum CourseCell {
    case null, text(String), int(Int64), double(Double), bool(Bool), list([CourseCell]), other(String)
    /// An Avro `timestamp-micros` / `timestamp-millis` / `date` value, in microseconds since the epoch.
    case micros(Int64)

    /// The catalog columns (others are ignored).
    static let columns: Set<String> = Set(columnList)
    private static let columnList = [
        "tenant_id", "course_id", "title", "org_ids", "lesson_count", "published",
        "language", "categories", "published_at", "expires_at", "prerequisites",
    ]
    /// The REPEATED columns: in CSV, a JSON array text (BigQuery cannot export them to CSV).
    static let listColumns: Set<String> = ["org_ids", "categories", "prerequisites"]

    var typeName: String {
        switch self {
        case .null: "null"
        case .text: "string"
        case .int: "integer"
        case .double: "float"
        case .bool: "boolean"
        case .list: "array"
        case .micros: "timestamp"
        case .other(let t): t
        }
    }

    /// The cell of a decoded Avro value.
    init(_ v: AvroValue) {
        switch v {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .text(s)
        case .bytes: self = .other("bytes")
        case .timestamp(let m): self = .micros(m)
        case .array(let items): self = .list(items.map(CourseCell.init))
        case .record: self = .other("record")
        }
    }

    /// The cell of a JSON value as ``JSONScanner`` reads it (numbers kept apart from strings).
    init(_ v: FieldInput) {
        switch v.kind {
        case .null: self = .null
        case .text: self = .text(String(decoding: v.bytes, as: UTF8.self))
        case .number:
            if let i = NumberParsing.int64(v.bytes) {
                self = .int(i)
            } else {
                self = NumberParsing.double(v.bytes).map(CourseCell.double) ?? .other("number")
            }
        case .bool: self = .bool(v.int != 0)
        case .int: self = .int(v.int)
        case .double: self = .double(v.double)
        case .micros: self = .micros(v.int)
        case .other: self = .other("object")
        }
    }

    /// The catalog cells of one NDJSON line, or why it is not a JSON object.
    static func cells(jsonLine raw: UnsafeRawBufferPointer, scratch: UnsafeMutablePointer<UInt8>) -> Result<[String: CourseCell], Failure> {
        let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        if NDJSONLines.hasHighBytes(p, raw.count), String(validating: raw, as: UTF8.self) == nil {
            return .failure(Failure("line is not valid UTF-8"))
        }
        var scanner = JSONScanner(p, raw.count, scratch: scratch)
        var cells: [String: CourseCell] = [:]
        var items: [CourseCell] = []
        do {
            try scanner.scanObject(
                slotOf: { kp, kl in
                    let key = UnsafeRawBufferPointer(start: kp, count: kl)
                    return columnList.firstIndex { $0.utf8.elementsEqual(key) } ?? -1
                },
                store: { slot, value in
                    if value.kind == .other && value.int == 1 {
                        cells[columnList[slot]] = .list(items)
                        items = []
                    } else {
                        cells[columnList[slot]] = CourseCell(value)
                    }
                },
                storeItem: { _, item in items.append(CourseCell(item)) })
        } catch {
            return .failure(Failure("invalid JSON at column \(error.column): \(error.message)"))
        }
        return .success(cells)
    }

    /// A CSV cell of a REPEATED column (``listColumns``): a JSON array text, else a wrong-type marker.
    static func list(jsonArrayText text: UnsafeRawBufferPointer, scratch: UnsafeMutablePointer<UInt8>) -> CourseCell {
        var items: [CourseCell] = []
        do {
            try JSONScanner.scanArrayText(text, scratch: scratch) { items.append(CourseCell($0)) }
        } catch {
            return .other("text (not a JSON array)")
        }
        return .list(items)
    }

    /// A reason a line could not be read.
    struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Applies the catalog rules (``LearningEvents/Course/init(validating:)``) to a row's cells.
    static func course(from cells: [String: CourseCell]) throws(ValidationError) -> Course {
        func string(_ f: String) throws(ValidationError) -> String? {
            switch cells[f] ?? .null {
            case .null: return nil
            case .text(let s): return s
            case let c: throw ValidationError(field: f, reason: .wrongType(expected: "string", found: c.typeName))
            }
        }
        func strings(_ f: String) throws(ValidationError) -> [String]? {
            switch cells[f] ?? .null {
            case .null: return nil
            case .list(let items):
                var out: [String] = []
                out.reserveCapacity(items.count)
                for i in items {
                    guard case .text(let s) = i else {
                        throw ValidationError(field: f, reason: .wrongType(expected: "strings", found: i.typeName))
                    }
                    out.append(s)
                }
                return out
            case let c: throw ValidationError(field: f, reason: .wrongType(expected: "an array", found: c.typeName))
            }
        }
        func timestamp(_ f: String) throws(ValidationError) -> RawValue {
            switch cells[f] ?? .null {
            case .null: return .null
            case .text(let s): return .text(s)
            case .micros(let m): return .timestampMicros(m)
            case let c: throw ValidationError(field: f, reason: .wrongType(expected: "a timestamp", found: c.typeName))
            }
        }
        var raw = RawCourse()
        raw.tenantID = try string("tenant_id")
        raw.courseID = try string("course_id")
        raw.title = try string("title")
        raw.orgIDs = try strings("org_ids")
        switch cells["lesson_count"] ?? .null {
        case .null: break
        case .int(let v): raw.lessonCount = v
        case .text(let s):
            var copy = s
            guard let v = copy.withUTF8({ NumberParsing.int64(UnsafeRawBufferPointer($0)) }) else {
                throw ValidationError(
                    field: "lesson_count",
                    reason: .wrongType(expected: "an INT64", found: "'\(ValidationError.excerpt(s))'"))
            }
            raw.lessonCount = v
        case let c: throw ValidationError(field: "lesson_count", reason: .wrongType(expected: "an INT64", found: c.typeName))
        }
        switch cells["published"] ?? .null {
        case .null: break
        case .bool(let b): raw.published = b
        case .text(let s) where s == "true" || s == "false": raw.published = s == "true"
        case let c: throw ValidationError(field: "published", reason: .wrongType(expected: "a BOOL", found: c.typeName))
        }
        raw.language = try string("language")
        raw.categories = try strings("categories")
        raw.publishedAt = try timestamp("published_at")
        raw.expiresAt = try timestamp("expires_at")
        raw.prerequisites = try strings("prerequisites")
        return try Course(validating: raw)
    }
}
