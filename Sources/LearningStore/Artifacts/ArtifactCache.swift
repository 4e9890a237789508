public import Foundation
import Synchronization

/// A replica's local cache of artifact files, one file per SHA-256 (`<folder>/<sha256>`), bounded in bytes: after
/// each insert the least recently used entries (by modification time, touched on every hit) are evicted until the
/// total fits. Entries are verified when read (a damaged entry is deleted and counts as a miss), so the cache can
/// never serve bytes other than the ones recorded in `model_versions`.
///
/// Several processes may share a folder (they write atomically by renaming a private temporary file); replicas of a
/// deployment each have their own (an `emptyDir`).
public final class ArtifactCache: Sendable {
    public let folder: URL
    public let maxBytes: Int64
    private let lock = Mutex(())

    public init(folder: URL, maxBytes: Int64) {
        self.folder = folder
        self.maxBytes = max(0, maxBytes)
    }

    func url(_ sha256: String) -> URL { folder.appendingPathComponent(sha256) }

    /// The cached bytes of `sha256`, verified, or nil.
    public func get(sha256: String, bytes expected: Int64) -> [UInt8]? {
        guard ArtifactDigest.isHex(sha256) else { return nil }
        let u = url(sha256)
        guard let handle = FileHandle(forReadingAtPath: u.path) else { return nil }
        let data = (try? handle.read(upToCount: Int(expected) + 1)) ?? nil
        try? handle.close()
        guard let data, Int64(data.count) == expected else {
            try? FileManager.default.removeItem(at: u)
            return nil
        }
        let bytes = [UInt8](data)
        guard ArtifactDigest.hex(bytes) == sha256 else {
            try? FileManager.default.removeItem(at: u)
            return nil
        }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: u.path)
        return bytes
    }

    /// Keeps `bytes` (whose SHA-256 the caller verified) and evicts old entries beyond ``maxBytes``.
    public func put(sha256: String, bytes: [UInt8]) {
        guard ArtifactDigest.isHex(sha256), Int64(bytes.count) <= maxBytes else { return }
        let fm = FileManager.default
        try? fm.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: ArtifactWriter.folderPermissions])
        try? ArtifactWriter.save(Data(bytes), to: url(sha256))
        lock.withLock { _ in evict() }
    }

    /// Bytes held now.
    public var totalBytes: Int64 { entries().reduce(0) { $0 + $1.size } }

    private func entries() -> [(url: URL, size: Int64, date: Date)] {
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
        let urls = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys)) ?? []
        return urls.compactMap { u in
            guard ArtifactDigest.isHex(u.lastPathComponent), let v = try? u.resourceValues(forKeys: Set(keys)) else { return nil }
            return (u, Int64(v.fileSize ?? 0), v.contentModificationDate ?? .distantPast)
        }
    }

    private func evict() {
        var all = entries().sorted { $0.date < $1.date }
        var total = all.reduce(Int64(0)) { $0 + $1.size }
        while total > maxBytes, !all.isEmpty {
            let e = all.removeFirst()
            try? FileManager.default.removeItem(at: e.url)
            total -= e.size
        }
    }
}
