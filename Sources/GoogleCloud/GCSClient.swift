public import Foundation

/// A Google Cloud Storage JSON API client: list objects (following `nextPageToken`), read an object's metadata, and
/// read exact byte ranges. Authentication, retries (429, 5xx, resets, timeouts with backoff) and token refresh come
/// from its ``CloudHTTPClient``; build one with ``GoogleCloudConfiguration/storageClient(credentials:transport:clock:)``.
///
/// ```swift
/// let gcs = GCSClient(endpoint: URL(string: "http://127.0.0.1:9023")!)   // an emulator, no auth
/// for object in try await gcs.list(bucket: "exports", prefix: "events/") {
///     let reader = gcs.reader(bucket: "exports", object: object)
///     while let chunk = try await reader.next() { consume(chunk) }
/// }
/// ```
public struct GCSClient: Sendable {
    /// Google's endpoint.
    public static let googleEndpoint = URL(string: "https://storage.googleapis.com")!

    /// The API root (Google's endpoint or an emulator's `http://host:port`).
    public let endpoint: URL
    /// Authentication, retries, transport.
    public let http: CloudHTTPClient
    /// Bytes per ranged GET when streaming an object (memory per open object stays near this).
    public var rangeSize: Int
    /// The largest list page accepted.
    public var maxListPageBytes = 32 << 20
    /// The most list pages followed.
    public var maxListPages = 100_000

    /// A client over `http`.
    public init(endpoint: URL = GCSClient.googleEndpoint, http: CloudHTTPClient, rangeSize: Int = 8 << 20) {
        self.endpoint = endpoint
        self.http = http
        self.rangeSize = max(1, rangeSize)
    }

    /// A client for `endpoint` with `credentials` (none by default: an emulator).
    public init(endpoint: URL, credentials: any AccessTokenProvider = NoCredentials(),
                transport: any HTTPTransport = URLSessionTransport.shared, retry: RetryPolicy = .default,
                clock: CloudClock = .system, rangeSize: Int = 8 << 20)
    {
        self.init(endpoint: endpoint,
                  http: CloudHTTPClient(transport: transport, credentials: credentials, retry: retry, clock: clock),
                  rangeSize: rangeSize)
    }

    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    var base: String {
        let s = endpoint.absoluteString
        return s.hasSuffix("/") ? String(s.dropLast()) : s
    }

    struct ListPage: Decodable {
        struct Item: Decodable {
            let name: String?
            let size: String?
            let generation: String?
        }
        let items: [Item]?
        let nextPageToken: String?
    }

    /// All objects of `bucket` whose names start with `prefix`, following `nextPageToken` until the last page.
    public func list(bucket: String, prefix: String) async throws -> [GCSObject] {
        let call = "storage.objects.list gs://\(bucket)/\(prefix)"
        var out: [GCSObject] = []
        var pageToken: String?
        var pages = 0
        repeat {
            var q = "prefix=\(Self.escape(prefix))&maxResults=1000&fields=\(Self.escape("items(name,size,generation),nextPageToken"))"
            if let pageToken { q += "&pageToken=\(Self.escape(pageToken))" }
            guard let url = URL(string: "\(base)/storage/v1/b/\(Self.escape(bucket))/o?\(q)") else {
                throw GoogleCloudError(call: call, kind: .invalidArgument, message: "cannot build a list URL")
            }
            let response = try await http.send(HTTPRequest(url: url, maxResponseBytes: maxListPageBytes), call: call)
            let page: ListPage
            do { page = try JSONDecoder().decode(ListPage.self, from: response.body) } catch {
                throw GoogleCloudError(call: call, kind: .invalidResponse, message: "list page is not the expected JSON")
            }
            for item in page.items ?? [] {
                guard let name = item.name else { continue }
                let size = try item.size.map { s -> Int64 in
                    guard let v = Int64(s), v >= 0 else {
                        throw GoogleCloudError(call: call, kind: .invalidResponse, message: "object '\(name)' has size '\(s.prefix(30))'")
                    }
                    return v
                }
                out.append(GCSObject(name: name, size: size, generation: item.generation))
            }
            let next = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
            if let next, next == pageToken {
                throw GoogleCloudError(call: call, kind: .invalidResponse, message: "the same page token came back twice")
            }
            pageToken = next
            pages += 1
            guard pages < maxListPages else {
                throw GoogleCloudError(call: call, kind: .invalidResponse, message: "more than \(maxListPages) list pages")
            }
        } while pageToken != nil
        return out
    }

    /// The metadata of one object (name, size, generation).
    public func object(bucket: String, name: String) async throws -> GCSObject {
        let call = "storage.objects.get gs://\(bucket)/\(name)"
        guard let url = URL(string: "\(base)/storage/v1/b/\(Self.escape(bucket))/o/\(Self.escape(name))?fields=name,size,generation")
        else { throw GoogleCloudError(call: call, kind: .invalidArgument, message: "cannot build a URL") }
        let response = try await http.send(HTTPRequest(url: url, maxResponseBytes: 1 << 20), call: call)
        guard let item = try? JSONDecoder().decode(ListPage.Item.self, from: response.body) else {
            throw GoogleCloudError(call: call, kind: .invalidResponse, message: "object metadata is not the expected JSON")
        }
        guard let s = item.size, let size = Int64(s), size >= 0 else {
            throw GoogleCloudError(call: call, kind: .invalidResponse, message: "object metadata has no valid size")
        }
        return GCSObject(name: item.name ?? name, size: size, generation: item.generation)
    }

    /// Exactly the bytes `range` of an object (a ranged `alt=media` GET).
    ///
    /// Throws ``GoogleCloudError`` of kind `.shortRead` when the server sends other bytes than asked (fewer, more,
    /// or a `Content-Range` that starts elsewhere) and `.sizeMismatch` when its `Content-Range` total differs from
    /// `expectedSize` (the object changed since it was listed). Transient failures are retried by ``http``.
    public func read(bucket: String, object: String, range: Range<Int64>, expectedSize: Int64? = nil,
                     generation: String? = nil) async throws -> Data
    {
        let call = "storage.objects.get(media) gs://\(bucket)/\(object)"
        let count = range.upperBound - range.lowerBound
        guard range.lowerBound >= 0, count > 0, count <= Int64(Int32.max) else {
            throw GoogleCloudError(call: call, kind: .invalidArgument, message: "bad range \(range)")
        }
        var q = "alt=media"
        if let generation { q += "&generation=\(Self.escape(generation))" }
        guard let url = URL(string: "\(base)/download/storage/v1/b/\(Self.escape(bucket))/o/\(Self.escape(object))?\(q)") else {
            throw GoogleCloudError(call: call, kind: .invalidArgument, message: "cannot build a download URL")
        }
        let request = HTTPRequest(url: url, headers: ["Range": "bytes=\(range.lowerBound)-\(range.upperBound - 1)"],
                                  maxResponseBytes: Int(count) + 1)
        let response: HTTPResponse
        do {
            response = try await http.send(request, call: call, accepting: [200, 206])
        } catch let e as GoogleCloudError {
            if case .responseTooLarge = e.kind {
                throw GoogleCloudError(call: call, kind: .shortRead,
                                       message: "asked for \(count) bytes at offset \(range.lowerBound), the server sent more",
                                       attempts: e.attempts)
            }
            throw e
        }
        let at = "at offset \(range.lowerBound)"
        if response.status == 200 {
            // The server ignored Range: acceptable only when the whole object is exactly the range asked for.
            guard range.lowerBound == 0, Int64(response.body.count) == count, expectedSize.map({ $0 == count }) ?? true else {
                throw GoogleCloudError(call: call, kind: .shortRead,
                                       message: "asked for bytes \(range.lowerBound)..<\(range.upperBound), got the whole object (\(response.body.count) bytes) with status 200")
            }
            return response.body
        }
        if let cr = response.headers["content-range"] {
            guard let (start, end, total) = Self.parseContentRange(cr) else {
                throw GoogleCloudError(call: call, kind: .invalidResponse, message: "unreadable Content-Range '\(cr.prefix(80))' \(at)")
            }
            if let expectedSize, let total, total != expectedSize {
                throw GoogleCloudError(call: call, kind: .sizeMismatch,
                                       message: "object is \(total) bytes now, \(expectedSize) when listed (changed while read?)")
            }
            guard start == range.lowerBound, end == range.upperBound - 1 else {
                throw GoogleCloudError(call: call, kind: .shortRead,
                                       message: "asked for bytes \(range.lowerBound)-\(range.upperBound - 1), Content-Range says \(start)-\(end)")
            }
        }
        guard Int64(response.body.count) == count else {
            throw GoogleCloudError(call: call, kind: .shortRead,
                                   message: "asked for \(count) bytes \(at), got \(response.body.count)")
        }
        return response.body
    }

    /// `bytes START-END/TOTAL` (TOTAL may be `*`).
    static func parseContentRange(_ text: String) -> (Int64, Int64, Int64?)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("bytes ") else { return nil }
        let rest = t.dropFirst(6)
        let parts = rest.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let se = parts[0].split(separator: "-", maxSplits: 1)
        guard se.count == 2, let s = Int64(se[0]), let e = Int64(se[1]), s >= 0, e >= s else { return nil }
        if parts[1] == "*" { return (s, e, nil) }
        guard let total = Int64(parts[1]), total > e else { return nil }
        return (s, e, total)
    }

    /// A reader that streams `object` in ranges of ``rangeSize`` bytes.
    public func reader(bucket: String, object: GCSObject) -> GCSObjectReader {
        GCSObjectReader(client: self, bucket: bucket, object: object.name, size: object.size, generation: object.generation)
    }

    /// A reader that streams `object` in ranges of ``rangeSize`` bytes (size and generation fetched when not given).
    public func reader(bucket: String, object: String, size: Int64? = nil, generation: String? = nil) -> GCSObjectReader {
        GCSObjectReader(client: self, bucket: bucket, object: object, size: size, generation: generation)
    }
}
