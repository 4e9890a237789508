public import Foundation

/// A minimal Google Cloud Storage JSON API client: list objects (following `nextPageToken`) and read an object in
/// bounded ranges. Honours `STORAGE_EMULATOR_HOST` (no authentication there).
///
/// Production endpoints need an OAuth 2 access token: pass one, or set `GCS_ACCESS_TOKEN` (for example from
/// `gcloud auth print-access-token`). Minting tokens from a service-account key (`GOOGLE_APPLICATION_CREDENTIALS`)
/// is not implemented; ``fromEnvironment()`` says so instead of failing obscurely.
public struct GCSClient: Sendable {
    /// An object as listed.
    public struct Object: Sendable, Hashable {
        public let name: String
        public let size: Int64?
    }

    /// A GCS request that failed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    public let endpoint: URL
    public let accessToken: String?
    let transport: any HTTPTransport
    /// Bytes per ranged GET when streaming an object.
    public var rangeSize: Int

    /// A client for `endpoint` (e.g. the emulator's `http://127.0.0.1:PORT`).
    public init(endpoint: URL, accessToken: String? = nil, transport: any HTTPTransport = URLSessionTransport(),
                rangeSize: Int = 8 << 20)
    {
        self.endpoint = endpoint
        self.accessToken = accessToken
        self.transport = transport
        self.rangeSize = rangeSize
    }

    /// The client the environment describes: `STORAGE_EMULATOR_HOST`, else Google's endpoint with `GCS_ACCESS_TOKEN`.
    public static func fromEnvironment() throws -> GCSClient {
        let env = ProcessInfo.processInfo.environment
        if let host = env["STORAGE_EMULATOR_HOST"], !host.isEmpty {
            let withScheme = host.hasPrefix("http") ? host : "http://" + host
            guard let url = URL(string: withScheme) else { throw Failure(message: "bad STORAGE_EMULATOR_HOST '\(host)'") }
            return GCSClient(endpoint: url)
        }
        guard let token = env["GCS_ACCESS_TOKEN"], !token.isEmpty else {
            throw Failure(
                message: "gs:// sources need STORAGE_EMULATOR_HOST (emulator) or GCS_ACCESS_TOKEN (an OAuth access "
                    + "token, e.g. `gcloud auth print-access-token`); service-account keys "
                    + "(GOOGLE_APPLICATION_CREDENTIALS) are not supported yet")
        }
        return GCSClient(endpoint: URL(string: "https://storage.googleapis.com")!, accessToken: token)
    }

    var headers: [String: String] { accessToken.map { ["Authorization": "Bearer \($0)"] } ?? [:] }

    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// All objects of `bucket` whose names start with `prefix`, following `nextPageToken` until the last page.
    public func list(bucket: String, prefix: String) async throws -> [Object] {
        var out: [Object] = []
        var pageToken: String?
        var pages = 0
        repeat {
            var q = "prefix=\(Self.escape(prefix))&maxResults=1000&fields=items(name,size),nextPageToken"
            if let pageToken { q += "&pageToken=\(Self.escape(pageToken))" }
            let base = endpoint.absoluteString.hasSuffix("/") ? String(endpoint.absoluteString.dropLast()) : endpoint.absoluteString
            guard let url = URL(string: "\(base)/storage/v1/b/\(Self.escape(bucket))/o?\(q)") else {
                throw Failure(message: "cannot build a list URL for bucket '\(bucket)'")
            }
            let (status, body) = try await transport.get(url, headers: headers)
            guard status == 200 else {
                throw Failure(message: "listing gs://\(bucket)/\(prefix): HTTP \(status): \(String(decoding: body.prefix(300), as: UTF8.self))")
            }
            guard let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw Failure(message: "listing gs://\(bucket)/\(prefix): response is not a JSON object")
            }
            for item in json["items"] as? [[String: Any]] ?? [] {
                guard let name = item["name"] as? String else { continue }
                let size = (item["size"] as? String).flatMap { Int64($0) } ?? (item["size"] as? Int).map { Int64($0) }
                out.append(Object(name: name, size: size))
            }
            let next = json["nextPageToken"] as? String
            if let next, next == pageToken { throw Failure(message: "GCS returned the same page token twice") }
            pageToken = next
            pages += 1
            guard pages < 100_000 else { throw Failure(message: "more than 100000 list pages") }
        } while pageToken != nil && !(pageToken!.isEmpty)
        return out
    }

    /// The media URL of an object.
    func mediaURL(bucket: String, object: String) -> URL? {
        let base = endpoint.absoluteString.hasSuffix("/") ? String(endpoint.absoluteString.dropLast()) : endpoint.absoluteString
        return URL(string: "\(base)/download/storage/v1/b/\(Self.escape(bucket))/o/\(Self.escape(object))?alt=media")
    }
}

/// Streams a GCS object with `Range` requests of ``GCSClient/rangeSize`` bytes: memory stays bounded by one range.
final class GCSObjectSource: ByteSource {
    let name: String
    let client: GCSClient
    let bucket: String
    let object: String
    private var size: Int64?
    private var position: Int64 = 0
    private var pending = Data()
    private var pendingOffset = 0
    private var finished = false

    init(client: GCSClient, bucket: String, object: String, size: Int64?) {
        self.client = client
        self.bucket = bucket
        self.object = object
        self.size = size
        name = "gs://\(bucket)/\(object)"
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if pendingOffset >= pending.count {
            if finished { return 0 }
            if let size, position >= size { return 0 }
            guard let url = client.mediaURL(bucket: bucket, object: object) else {
                throw SourceFileError(file: name, offset: position, message: "cannot build a download URL")
            }
            var headers = client.headers
            headers["Range"] = "bytes=\(position)-\(position + Int64(client.rangeSize) - 1)"
            let (status, body) = try await client.transport.get(url, headers: headers)
            if status == 416 { return 0 }
            guard status == 200 || status == 206 else {
                throw SourceFileError(file: name, offset: position, message: "download failed: HTTP \(status)")
            }
            if status == 200 {
                // The server ignored Range and sent the whole object from the start.
                pending = position == 0 ? body : body.dropFirst(Int(position))
                finished = true
            } else {
                pending = body
                if body.count < client.rangeSize { finished = true }
            }
            pendingOffset = 0
            if pending.isEmpty { return 0 }
        }
        let n = min(buffer.count, pending.count - pendingOffset)
        pending.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + pendingOffset, byteCount: n)
        }
        pendingOffset += n
        position += Int64(n)
        return n
    }
}
