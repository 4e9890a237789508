/// A job file that cannot be used: the file, the line and the field, and why.
public struct JobFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based; 0 when the problem is the whole file (unreadable, empty).
    public let line: Int
    /// The YAML key (`schedule`, `retries.initial`, `params.factors`), or `-` for the file itself.
    public let field: String
    public let message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `jobs/nightly.yaml:3: schedule: minute: '61' ...`
    public var description: String { "\(file):\(line): \(field): \(message)" }
}
