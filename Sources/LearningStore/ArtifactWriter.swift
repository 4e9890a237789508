import Foundation

/// A version's artifact files: `model.bin` (the Models artifact: schema version, shapes, checksum), `card.json`
/// (data window, metrics, hyperparameters, feature schema) for people, and `features.json` (the risk model's feature
/// schema). Local copies are written 0600 in folders 0700, since they describe a tenant's learners.
enum ArtifactWriter {
    static let filePermissions: Int16 = 0o600
    static let folderPermissions: Int16 = 0o700

    /// The files of a version, in the order they are stored.
    static func files(document: ModelVersionDocument, tenant: String, artifacts: VersionArtifacts) throws
        -> [(ArtifactKey.ArtifactFile, [UInt8])]
    {
        var out: [(ArtifactKey.ArtifactFile, [UInt8])] = []
        if let model = artifacts.model { out.append((.model, model)) }
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
        out.append((.card, [UInt8](try enc.encode(card))))
        if let schema = document.feature_schema { out.append((.features, [UInt8](try enc.encode(schema)))) }
        if let popularity = artifacts.popularity {
            let compact = JSONEncoder()
            compact.outputFormatting = [.sortedKeys]
            out.append((.popularity, [UInt8](try compact.encode(popularity))))
        }
        return out
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
