public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one HTTP call the GCS client makes (GET with headers), behind a protocol so tests can fake the server
/// (e.g. to check `nextPageToken` paging, which the emulator ignores).
public protocol HTTPTransport: Sendable {
    /// Performs a GET; returns the status code and the whole body (callers ask for bounded ranges).
    func get(_ url: URL, headers: [String: String]) async throws -> (status: Int, body: Data)
}

/// ``HTTPTransport`` over Foundation's `URLSession`.
public struct URLSessionTransport: HTTPTransport {
    /// A transport on an ephemeral session.
    public init() {}

    public func get(_ url: URL, headers: [String: String]) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
