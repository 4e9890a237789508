import Foundation
public import GoogleCloud
public import LearningEvents

/// Reads the `courses` catalog export (Avro, NDJSON or CSV, optionally gzip; file, folder, glob or `gs://`).
/// The catalog is small (thousands of rows), so rows are decoded generically and returned whole.
///
/// Quirks handled: `lesson_count` as a JSON string (BigQuery's INT64) or number; `org_ids` absent or null = the whole
/// tenant; BigQuery cannot export the REPEATED `org_ids` column to CSV, so in CSV it may be a JSON array text
/// (`["org-a","org-b"]`) or empty.
///
/// ```swift
/// let result = try await CourseSource(["exports/courses-*.avro"]).read()
/// print(result.courses.count, result.quarantined.count)
/// ```
public struct CourseSource: Sendable {
    public let locations: [String]
    private let gcsClient: GCSClient?

    /// What was read.
    public struct Result: Sendable {
        public var courses: [Course] = []
        public var quarantined: [QuarantinedRecord] = []
        public var failures: [SourceFileError] = []
    }

    /// A source over `locations`; `gs://` locations are read with `gcs` (without one they fail with a clear error).
    public init(_ locations: [String], gcs: GCSClient? = nil) {
        self.locations = locations
        gcsClient = gcs
    }

    func client() throws -> GCSClient { try RemoteStorage.require(gcsClient) }

    /// Reads every file; a file that fails is reported in ``Result/failures`` and the others are still read.
    public func read() async throws -> Result {
        var result = Result()
        var files: [SourceFile] = []
        for l in locations { files += try await SourceExpansion.expand(l, gcs: client) }
        for file in files {
            do {
                let (format, bytes) = try await FileOpener.open(file, gcs: client)
                switch format {
                case .avro: try await readAvro(bytes, into: &result)
                case .ndjson: try await readNDJSON(bytes, into: &result)
                case .csv: try await readCSV(bytes, into: &result)
                }
            } catch let e as SourceFileError {
                result.failures.append(e)
            } catch {
                result.failures.append(SourceFileError(file: file.description, offset: nil, message: "\(error)"))
            }
        }
        return result
    }

    /// A loosely typed cell, from any format.
    enum Cell {
        case null, text(String), int(Int64), double(Double), bool(Bool), list([Cell]), other(String)

        var typeName: String {
            switch self {
            case .null: "null"
            case .text: "string"
            case .int: "integer"
            case .double: "float"
            case .bool: "boolean"
            case .list: "array"
            case .other(let t): t
            }
        }
    }

    static func course(from cells: [String: Cell]) throws(ValidationError) -> Course {
        func string(_ f: String) throws(ValidationError) -> String? {
            switch cells[f] ?? .null {
            case .null: return nil
            case .text(let s): return s
            case let c: throw ValidationError(field: f, reason: .wrongType(expected: "string", found: c.typeName))
            }
        }
        var raw = RawCourse()
        raw.tenantID = try string("tenant_id")
        raw.courseID = try string("course_id")
        raw.title = try string("title")
        switch cells["org_ids"] ?? .null {
        case .null: break
        case .list(let items):
            var ids: [String] = []
            for i in items {
                guard case .text(let s) = i else {
                    throw ValidationError(field: "org_ids", reason: .wrongType(expected: "strings", found: i.typeName))
                }
                ids.append(s)
            }
            raw.orgIDs = ids
        case let c: throw ValidationError(field: "org_ids", reason: .wrongType(expected: "an array", found: c.typeName))
        }
        switch cells["lesson_count"] ?? .null {
        case .null: break
        case .int(let v): raw.lessonCount = v
        case .text(let s):
            guard let v = Int64(s) else {
                throw ValidationError(field: "lesson_count", reason: .wrongType(expected: "an INT64", found: "'\(ValidationError.excerpt(s))'"))
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
        return try Course(validating: raw)
    }

    static func cell(_ v: AvroValue) -> Cell {
        switch v {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .string(let s): .text(s)
        case .bytes: .other("bytes")
        case .timestamp: .other("timestamp")
        case .array(let items): .list(items.map(cell))
        case .record: .other("record")
        }
    }

    /// A JSON value decoded by `JSONDecoder`, which keeps booleans and numbers apart.
    struct JSONCell: Decodable {
        let cell: Cell

        init(from decoder: any Decoder) throws {
            if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
                _ = keyed
                cell = .other("object")
                return
            }
            if var list = try? decoder.unkeyedContainer() {
                var items: [Cell] = []
                while !list.isAtEnd { items.append(try list.decode(JSONCell.self).cell) }
                cell = .list(items)
                return
            }
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                cell = .null
            } else if let b = try? c.decode(Bool.self) {
                cell = .bool(b)
            } else if let i = try? c.decode(Int64.self) {
                cell = .int(i)
            } else if let d = try? c.decode(Double.self) {
                cell = .double(d)
            } else {
                cell = .text(try c.decode(String.self))
            }
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The cells of a JSON object line, nil when the line is not a JSON object.
    static func cells(jsonLine text: String) -> [String: Cell]? {
        guard let obj = try? JSONDecoder().decode([String: JSONCell].self, from: Data(text.utf8)) else { return nil }
        return obj.mapValues(\.cell)
    }

    private func readAvro(_ bytes: any ByteSource, into result: inout Result) async throws {
        let c = AvroContainerReader(source: bytes)
        try await c.readHeader()
        guard case .record = c.schema else {
            throw SourceFileError(file: bytes.name, offset: 4, message: "Avro schema's top level is not a record")
        }
        while let block = try await c.nextBlock() {
            var cursor = AvroCursor(block.data, block.size)
            for r in 0..<block.count {
                let value: AvroValue
                do {
                    value = try AvroValue.decode(c.schema, &cursor)
                } catch {
                    throw SourceFileError(file: bytes.name, offset: block.offset,
                                          message: "block \(block.index) record \(r): corrupt record data (\(error.message))")
                }
                guard case .record(let fields) = value else { continue }
                var cells: [String: Cell] = [:]
                for (k, v) in fields { cells[k] = Self.cell(v) }
                do {
                    result.courses.append(try Self.course(from: cells))
                } catch {
                    result.quarantined.append(QuarantinedRecord(
                        source: bytes.name, position: .avro(block: block.index, record: r), raw: value.json,
                        reason: error.description, field: error.field))
                }
            }
        }
    }

    private func readNDJSON(_ bytes: any ByteSource, into result: inout Result) async throws {
        var line = 0
        try await forEachLine(bytes) { text in
            line += 1
            if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { return }
            guard let cells = Self.cells(jsonLine: text) else {
                result.quarantined.append(QuarantinedRecord(source: bytes.name, position: .line(line), raw: text,
                                                            reason: "invalid JSON or not an object"))
                return
            }
            do throws(ValidationError) {
                result.courses.append(try Self.course(from: cells))
            } catch {
                result.quarantined.append(QuarantinedRecord(source: bytes.name, position: .line(line), raw: text,
                                                            reason: error.description, field: error.field))
            }
        }
    }

    private func readCSV(_ bytes: any ByteSource, into result: inout Result) async throws {
        let reader = ByteReader(source: bytes)
        var scanner = CSVRecordScanner()
        defer { scanner.free() }
        var header: [String]?
        var line = 1
        while true {
            if reader.available == 0 {
                if reader.atEOF { break }
                try await reader.fill()
                continue
            }
            let p = reader.current.assumingMemoryBound(to: UInt8.self)
            switch scanner.scan(p, reader.available, atEOF: reader.atEOF) {
            case .incomplete:
                try await reader.fill(minimum: reader.available + 1)
            case .malformed(let consumed, let message):
                result.quarantined.append(QuarantinedRecord(
                    source: bytes.name, position: .line(line), rawBytes: UnsafeRawBufferPointer(start: p, count: consumed),
                    reason: "malformed CSV: \(message)"))
                reader.consume(consumed)
                line += 1
            case .record(let consumed, let newlines):
                let fields = (0..<scanner.fieldCount).map { k -> (String, Bool) in
                    (String(decoding: UnsafeBufferPointer(start: scanner.starts[k], count: scanner.lengths[k]), as: UTF8.self),
                     scanner.quoted[k])
                }
                let raw = String(decoding: UnsafeBufferPointer(start: p, count: consumed), as: UTF8.self)
                    .trimmingCharacters(in: .newlines)
                reader.consume(consumed)
                let at = line
                line += newlines + 1
                guard let names = header else {
                    header = fields.map { $0.0.hasPrefix("\u{FEFF}") ? String($0.0.dropFirst()) : $0.0 }
                    continue
                }
                guard fields.count == names.count else {
                    result.quarantined.append(QuarantinedRecord(
                        source: bytes.name, position: .line(at), raw: raw,
                        reason: "expected \(names.count) fields (the header's), found \(fields.count)"))
                    continue
                }
                var cells: [String: Cell] = [:]
                for (name, (value, quoted)) in zip(names, fields) {
                    if value.isEmpty && !quoted { continue }
                    if name == "org_ids" {
                        if let list = try? JSONDecoder().decode([JSONCell].self, from: Data(value.utf8)) {
                            cells[name] = .list(list.map(\.cell))
                        } else {
                            cells[name] = .other("text (not a JSON array)")
                        }
                    } else {
                        cells[name] = .text(value)
                    }
                }
                do {
                    result.courses.append(try Self.course(from: cells))
                } catch {
                    result.quarantined.append(QuarantinedRecord(source: bytes.name, position: .line(at), raw: raw,
                                                                reason: error.description, field: error.field))
                }
            }
        }
    }

    private func forEachLine(_ bytes: any ByteSource, _ body: (String) -> Void) async throws {
        let reader = ByteReader(source: bytes)
        while true {
            let avail = reader.available
            if avail > 0, let nl = memchr(reader.current, 0x0a, avail) {
                let len = UnsafeRawPointer(nl) - reader.current
                body(String(decoding: UnsafeRawBufferPointer(start: reader.current, count: len), as: UTF8.self))
                reader.consume(len + 1)
                continue
            }
            if reader.atEOF {
                if avail > 0 {
                    body(String(decoding: UnsafeRawBufferPointer(start: reader.current, count: avail), as: UTF8.self))
                    reader.consume(avail)
                }
                return
            }
            try await reader.fill(minimum: avail + 1)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
