import Foundation

/// Writes a version's artifact folder: `model.bin` (the Models artifact: schema version, shapes, checksum),
/// `card.json` (data window, metrics, hyperparameters, feature schema) for people, and `features.json` (the risk
/// model's feature schema) — files 0600 and folders 0700, since they describe a tenant's learners.
enum ArtifactWriter {
    static let filePermissions: Int16 = 0o600
    static let folderPermissions: Int16 = 0o700

    static func write(to dir: URL, document: ModelVersionDocument, tenant: String, artifacts: VersionArtifacts) throws {
        let fm = FileManager.default
        // Every level under models/ (tenant, kind, version) is private.
        try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: folderPermissions])
        for folder in [dir, dir.deletingLastPathComponent(), dir.deletingLastPathComponent().deletingLastPathComponent()] {
            try? fm.setAttributes([.posixPermissions: folderPermissions], ofItemAtPath: folder.path)
        }
        if let model = artifacts.model { try save(Data(model), to: dir.appendingPathComponent("model.bin")) }
        struct Card: Encodable {
            let tenant: String
            let kind: String
            let version: String
            let trained_at: Date
            let data_window_start: Date?
            let data_window_end: Date?
            let metrics: [String: Double]
            let hyperparameters: [String: String]
            let feature_schema: FeatureSchema?
            let notes: [String]?
            let data: String
            let details: [String: [String]]?
        }
        let card = Card(tenant: tenant, kind: document.kind.rawValue, version: document.version, trained_at: document.trained_at,
                        data_window_start: document.data_window_start, data_window_end: document.data_window_end,
                        metrics: document.metrics, hyperparameters: document.hyperparameters,
                        feature_schema: document.feature_schema, notes: document.notes, data: artifacts.summary,
                        details: artifacts.details.isEmpty ? nil : artifacts.details)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.dateEncodingStrategy = .iso8601
        try save(try enc.encode(card), to: dir.appendingPathComponent("card.json"))
        if let schema = document.feature_schema {
            try save(try enc.encode(schema), to: dir.appendingPathComponent("features.json"))
        }
    }

    /// Writes atomically (temporary file, then rename) with 0600 from the start.
    static func save(_ data: Data, to url: URL) throws {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: tmp.path, contents: data, attributes: [.posixPermissions: filePermissions]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp.path])
        }
        do {
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: tmp, to: url)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }
}
