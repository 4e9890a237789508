public import Foundation
import MongoStore
public import LearningEvents

/// Artifacts in a local folder, `<root>/<tenant>/<kind>/<version>/<file>`: files 0600 and folders 0700 (they
/// describe a tenant's learners), written atomically. For one machine (development, tests): replicas share no disk.
public struct FolderArtifacts: ArtifactBackend {
    public let root: URL

    public init(root: URL) { self.root = root }

    public var location: String { root.path }

    /// The folder of a version.
    public func directory(tenant: TenantID, kind: ModelKind, version: String) -> URL {
        root.appendingPathComponent(tenant.rawValue).appendingPathComponent(kind.rawValue).appendingPathComponent(version)
    }

    func url(_ key: ArtifactKey) -> URL { directory(tenant: key.tenant, kind: key.kind, version: key.version).appendingPathComponent(key.file.rawValue) }

    public func put(_ key: ArtifactKey, bytes: [UInt8]) async throws {
        let dir = directory(tenant: key.tenant, kind: key.kind, version: key.version)
        let fm = FileManager.default
        try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: ArtifactWriter.folderPermissions])
        for folder in [dir, dir.deletingLastPathComponent(), dir.deletingLastPathComponent().deletingLastPathComponent()] {
            try? fm.setAttributes([.posixPermissions: ArtifactWriter.folderPermissions], ofItemAtPath: folder.path)
        }
        try ArtifactWriter.save(Data(bytes), to: url(key))
    }

    public func get(_ key: ArtifactKey, maxBytes: Int) async throws -> [UInt8]? {
        let path = url(key).path
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        guard data.count <= maxBytes else { throw LearningStoreError.artifactTooLarge(path: key.path, limit: maxBytes) }
        return [UInt8](data)
    }

    public func delete(_ key: ArtifactKey) async throws {
        let u = url(key)
        if FileManager.default.fileExists(atPath: u.path) { try FileManager.default.removeItem(at: u) }
        let dir = u.deletingLastPathComponent()
        if (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.isEmpty == true { try? FileManager.default.removeItem(at: dir) }
    }

    /// Removes the version's folder with whatever it holds (a dead run's temporary files included).
    public func deleteVersion(tenant: TenantID, kind: ModelKind, version: String) async throws {
        let dir = directory(tenant: tenant, kind: kind, version: version)
        if FileManager.default.fileExists(atPath: dir.path) { try FileManager.default.removeItem(at: dir) }
    }

    public func versions(tenant: TenantID, kind: ModelKind) async throws -> Set<String> {
        let dir = root.appendingPathComponent(tenant.rawValue).appendingPathComponent(kind.rawValue)
        return Set(((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") })
    }
}
