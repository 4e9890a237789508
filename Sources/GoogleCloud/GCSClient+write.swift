public import Foundation

extension GCSClient {
    /// Objects larger than this are uploaded with a resumable upload session, in parts of ``resumablePartSize``.
    public static let resumableThreshold = 8 << 20
    /// Bytes per part of a resumable upload (a multiple of 256 KiB, as the API requires).
    public static let resumablePartSize = 8 << 20

    /// Uploads `data` as object `name` of `bucket` (replacing any object of that name) and returns its metadata.
    ///
    /// Up to ``resumableThreshold`` bytes go in one `uploadType=media` request (retried whole on transient
    /// errors: an upload of the same bytes under the same name is idempotent); larger objects open a resumable
    /// session and send parts of ``resumablePartSize``; a part that fails transiently is sent again at the
    /// offset the session reports. The object exists only once its last byte is accepted.
    @discardableResult
    public func upload(bucket: String, name: String, data: Data, contentType: String = "application/octet-stream")
        async throws -> GCSObject
    {
        let call = "storage.objects.insert gs://\(bucket)/\(name)"
        let q = "name=\(Self.escape(name))"
        if data.count <= Self.resumableThreshold {
            guard let url = URL(string: "\(base)/upload/storage/v1/b/\(Self.escape(bucket))/o?uploadType=media&\(q)") else {
                throw GoogleCloudError(call: call, kind: .invalidArgument, message: "cannot build an upload URL")
            }
            let response = try await http.send(
                HTTPRequest(method: "POST", url: url, headers: ["Content-Type": contentType], body: data, maxResponseBytes: 1 << 20),
                call: call, accepting: [200, 201])
            return try Self.uploadedObject(response, name: name, size: data.count, call: call)
        }
        guard let start = URL(string: "\(base)/upload/storage/v1/b/\(Self.escape(bucket))/o?uploadType=resumable&\(q)") else {
            throw GoogleCloudError(call: call, kind: .invalidArgument, message: "cannot build an upload URL")
        }
        let opened = try await http.send(
            HTTPRequest(method: "POST", url: start,
                        headers: ["Content-Type": "application/json", "X-Upload-Content-Type": contentType,
                                  "X-Upload-Content-Length": String(data.count)],
                        body: Data("{}".utf8), maxResponseBytes: 1 << 20),
            call: call, accepting: [200, 201])
        guard let location = opened.headers["location"], let session = URL(string: location) else {
            throw GoogleCloudError(call: call, kind: .invalidResponse, message: "the resumable upload answer has no Location")
        }
        var offset = 0
        var stalls = 0
        while true {
            let end = min(data.count, offset + Self.resumablePartSize)
            let part = data.subdata(in: offset..<end)
            let request = HTTPRequest(method: "PUT", url: session,
                                      headers: ["Content-Range": "bytes \(offset)-\(end - 1)/\(data.count)"],
                                      body: part, maxResponseBytes: 1 << 20)
            let response = try await http.perform(request, call: call)
            switch response.status {
            case 200, 201:
                return try Self.uploadedObject(response, name: name, size: data.count, call: call)
            case 308:
                // `Range: bytes=0-N` says what the session holds; resume after it.
                let held = response.headers["range"].flatMap { r -> Int? in
                    guard let dash = r.lastIndex(of: "-"), let n = Int(r[r.index(after: dash)...]) else { return nil }
                    return n + 1
                } ?? 0
                guard held <= data.count else {
                    throw GoogleCloudError(call: call, kind: .invalidResponse, message: "the session holds \(held) of \(data.count) bytes")
                }
                if held <= offset {
                    stalls += 1
                    guard stalls < 5 else {
                        throw GoogleCloudError(call: call, kind: .shortRead, message: "the session accepted nothing after byte \(offset)")
                    }
                } else { stalls = 0 }
                offset = held
            default:
                throw GoogleCloudError(call: call, kind: .http(status: response.status),
                                       message: CloudHTTPClient.errorMessage(response), attempts: response.attempts)
            }
        }
    }

    static func uploadedObject(_ response: HTTPResponse, name: String, size: Int, call: String) throws -> GCSObject {
        struct Item: Decodable { let name: String?; let size: String?; let generation: String? }
        let item = try? JSONDecoder().decode(Item.self, from: response.body)
        if let s = item?.size, Int64(s) != Int64(size) {
            throw GoogleCloudError(call: call, kind: .sizeMismatch, message: "uploaded \(size) bytes, the object has \(s)")
        }
        return GCSObject(name: item?.name ?? name, size: Int64(size), generation: item?.generation)
    }

    /// Deletes object `name`; false when it did not exist.
    @discardableResult
    public func delete(bucket: String, name: String) async throws -> Bool {
        let call = "storage.objects.delete gs://\(bucket)/\(name)"
        guard let url = URL(string: "\(base)/storage/v1/b/\(Self.escape(bucket))/o/\(Self.escape(name))") else {
            throw GoogleCloudError(call: call, kind: .invalidArgument, message: "cannot build a URL")
        }
        let response = try await http.send(HTTPRequest(method: "DELETE", url: url, maxResponseBytes: 1 << 20), call: call,
                                           accepting: [200, 204, 404])
        return response.status != 404
    }

    /// The whole of object `name`, or nil when it does not exist: one `alt=media` GET (retried on transient errors),
    /// read no further than `maxBytes` (a larger object throws `.responseTooLarge`). Callers that know what the bytes
    /// must be check them (the artifact store checks size and SHA-256).
    public func download(bucket: String, name: String, maxBytes: Int) async throws -> Data? {
        let call = "storage.objects.get(media) gs://\(bucket)/\(name)"
        guard let url = URL(string: "\(base)/download/storage/v1/b/\(Self.escape(bucket))/o/\(Self.escape(name))?alt=media") else {
            throw GoogleCloudError(call: call, kind: .invalidArgument, message: "cannot build a download URL")
        }
        let response = try await http.send(HTTPRequest(url: url, maxResponseBytes: max(1, maxBytes)), call: call, accepting: [200, 404])
        return response.status == 404 ? nil : response.body
    }
}
