#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where refused rows go: a file for the CLI, the `quarantine` collection in the pipeline.
public protocol QuarantineSink: AnyObject {
    /// Records one refused row.
    func write(_ record: QuarantinedRecord) throws
    /// Flushes buffered records.
    func flush() throws
}

/// Writes quarantined rows as NDJSON lines: `{"source", "position", "raw", "reason", "field"}`.
public final class FileQuarantineSink: QuarantineSink {
    private let file: UnsafeMutablePointer<FILE>
    public let path: String
    /// How many records were written.
    public private(set) var count = 0

    /// Creates (or truncates) `path`.
    public init(path: String) throws {
        guard let f = fopen(path, "w") else {
            throw SourceFileError(file: path, offset: nil, message: "cannot create quarantine file")
        }
        file = f
        self.path = path
    }

    deinit { fclose(file) }

    public func write(_ record: QuarantinedRecord) throws {
        var line = "{\"source\":"
        JSONText.appendQuoted(record.source, to: &line)
        line += ",\"position\":"
        switch record.position {
        case .line(let l): line += "{\"line\":\(l)}"
        case .avro(let b, let r): line += "{\"block\":\(b),\"record\":\(r)}"
        }
        line += ",\"raw\":"
        JSONText.appendQuoted(record.raw, to: &line)
        line += ",\"reason\":"
        JSONText.appendQuoted(record.reason, to: &line)
        if let field = record.field {
            line += ",\"field\":"
            JSONText.appendQuoted(field, to: &line)
        }
        line += "}\n"
        guard fputs(line, file) >= 0 else {
            throw SourceFileError(file: path, offset: nil, message: "cannot write quarantine record")
        }
        count += 1
    }

    public func flush() throws { fflush(file) }
}
