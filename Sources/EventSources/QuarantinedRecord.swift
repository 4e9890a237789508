/// A row that could not become an event (or course): where it came from, its raw text (bounded), and why.
public struct QuarantinedRecord: Sendable, Hashable, CustomStringConvertible {
    /// The longest raw excerpt kept, in bytes.
    public static let rawLimit = 1024

    /// The file or object (`path` or `gs://bucket/object`).
    public let source: String
    public let position: RecordPosition
    /// The raw record (a JSON or CSV line; for Avro, the record rendered as JSON), cut at ``rawLimit`` bytes.
    public let raw: String
    /// Why it was refused: a ``LearningEvents/ValidationError`` description or a parse error.
    public let reason: String
    /// The field concerned, when the reason is about one field.
    public let field: String?

    /// A record; `raw` is cut to ``rawLimit`` bytes.
    public init(source: String, position: RecordPosition, raw: String, reason: String, field: String? = nil) {
        self.source = source
        self.position = position
        self.raw = raw.utf8.count > Self.rawLimit ? Self.cut(raw) : raw
        self.reason = reason
        self.field = field
    }

    /// A record whose raw text is the first ``rawLimit`` bytes of `bytes` (invalid UTF-8 is replaced).
    init(source: String, position: RecordPosition, rawBytes: UnsafeRawBufferPointer, reason: String, field: String? = nil) {
        let cut = UnsafeRawBufferPointer(rebasing: rawBytes[..<min(rawBytes.count, Self.rawLimit)])
        var text = String(decoding: cut, as: UTF8.self)
        if rawBytes.count > Self.rawLimit { text += "…" }
        self.init(source: source, position: position, raw: text, reason: reason, field: field)
    }

    private static func cut(_ s: String) -> String {
        var n = 0
        var out = ""
        for ch in s {
            n += ch.utf8.count
            if n > rawLimit { break }
            out.append(ch)
        }
        return out + "…"
    }

    public var description: String { "\(source): \(position): \(reason)" }
}
