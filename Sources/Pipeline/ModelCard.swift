import Foundation

/// Writes a version's artifact folder: `model.bin` (the Models artifact: schema version, shapes, checksum) and
/// `card.json` (data window, metrics, hyperparameters) for people.
enum ModelCard {
    static func write(to dir: URL, document: ModelVersionDocument, tenant: String, summary: String, artifact: [UInt8]?) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if let artifact { try Data(artifact).write(to: dir.appendingPathComponent("model.bin"), options: .atomic) }
        struct Card: Encodable {
            let tenant: String
            let kind: String
            let version: String
            let trained_at: Date
            let data_window_start: Date?
            let data_window_end: Date?
            let metrics: [String: Double]
            let hyperparameters: [String: String]
            let data: String
        }
        let card = Card(tenant: tenant, kind: document.kind, version: document.version, trained_at: document.trained_at,
                        data_window_start: document.data_window_start, data_window_end: document.data_window_end,
                        metrics: document.metrics, hyperparameters: document.hyperparameters, data: summary)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.dateEncodingStrategy = .iso8601
        try enc.encode(card).write(to: dir.appendingPathComponent("card.json"), options: .atomic)
    }
}
