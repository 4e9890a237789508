public import Foundation

/// An HTTP answer: status, header fields (names lower-cased) and the whole body (bounded by the request).
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    public var body: Data
    /// How many attempts ``CloudHTTPClient`` made to get this answer.
    public internal(set) var attempts = 1

    /// A response; header names are lower-cased.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    /// The first `limit` bytes of the body as text, for error messages.
    public func bodyExcerpt(_ limit: Int = 300) -> String {
        String(decoding: body.prefix(limit), as: UTF8.self)
    }
}
