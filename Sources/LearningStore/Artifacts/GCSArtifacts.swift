import Foundation
public import GoogleCloud
import MongoStore
public import LearningEvents

/// Artifacts in a GCS bucket: object `<prefix>/<tenant>/<kind>/<version>/<file>` (`LODESTAR_ARTIFACTS=gs://bucket/prefix`).
/// Large objects go up through a resumable upload session.
public struct GCSArtifacts: ArtifactBackend {
    public let client: GCSClient
    public let bucket: String
    /// Object-name prefix without a trailing slash (may be empty).
    public let prefix: String

    public init(client: GCSClient, bucket: String, prefix: String) {
        self.client = client
        self.bucket = bucket
        var p = prefix
        while p.hasSuffix("/") { p.removeLast() }
        while p.hasPrefix("/") { p.removeFirst() }
        self.prefix = p
    }

    /// Parses `gs://bucket[/prefix]`; nil when `url` is not of that form.
    public static func parse(_ url: String) -> (bucket: String, prefix: String)? {
        guard url.hasPrefix("gs://") else { return nil }
        let rest = url.dropFirst(5)
        let bucket = String(rest.prefix { $0 != "/" })
        guard !bucket.isEmpty, bucket.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else { return nil }
        return (bucket, String(rest.dropFirst(bucket.count)))
    }

    public var location: String { prefix.isEmpty ? "gs://\(bucket)" : "gs://\(bucket)/\(prefix)" }

    func objectName(_ path: String) -> String { prefix.isEmpty ? path : "\(prefix)/\(path)" }

    public func put(_ key: ArtifactKey, bytes: [UInt8]) async throws {
        try await client.upload(bucket: bucket, name: objectName(key.path), data: Data(bytes))
    }

    public func get(_ key: ArtifactKey, maxBytes: Int) async throws -> [UInt8]? {
        try await client.download(bucket: bucket, name: objectName(key.path), maxBytes: maxBytes).map { [UInt8]($0) }
    }

    public func delete(_ key: ArtifactKey) async throws {
        try await client.delete(bucket: bucket, name: objectName(key.path))
    }

    public func versions(tenant: TenantID, kind: ModelKind) async throws -> Set<String> {
        let base = objectName("\(tenant.rawValue)/\(kind.rawValue)/")
        var out = Set<String>()
        for object in try await client.list(bucket: bucket, prefix: base) {
            let rest = object.name.dropFirst(base.count)
            if let slash = rest.firstIndex(of: "/") { out.insert(String(rest[..<slash])) }
        }
        return out
    }
}
