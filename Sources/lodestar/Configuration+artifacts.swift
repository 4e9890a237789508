import ArgumentParser
import EventSources
import Foundation
import LearningStore
import MongoStore

extension Configuration {
    /// The GCS access every entry point shares (sources, the artifact store): resolved from the configuration once
    /// per process, and only when some location is `gs://` (so a broken credentials file does not stop work on
    /// local files). `locations` are the sources the caller will read; the artifact store is added here.
    func storage(reading locations: [String]) throws -> RemoteStorage {
        try remoteStorage(for: locations + [artifacts])
    }

    /// The shared artifact store named by ``artifacts`` with this replica's cache in ``modelsDirectory``.
    func artifactStore(db: MongoDatabase, storage: RemoteStorage) throws -> ArtifactStore {
        let models = URL(fileURLWithPath: modelsDirectory)
        let cache = ArtifactCache(folder: models.appendingPathComponent(".artifact-cache"), maxBytes: Int64(artifactCacheMB) << 20)
        if artifacts == "mongodb" {
            return ArtifactStore(backend: GridFSArtifacts(db: db), cache: cache, legacyFolder: models)
        }
        if artifacts.hasPrefix("gs://") {
            guard let (bucket, prefix) = GCSArtifacts.parse(artifacts) else {
                throw ValidationError("LODESTAR_ARTIFACTS / --artifacts '\(artifacts)' is not gs://bucket[/prefix]")
            }
            guard let gcs = storage.gcs else { throw RemoteStorage.NotConfigured() }
            return ArtifactStore(backend: GCSArtifacts(client: gcs, bucket: bucket, prefix: prefix), cache: cache, legacyFolder: models)
        }
        guard !artifacts.contains("://") else {
            throw ValidationError("LODESTAR_ARTIFACTS / --artifacts '\(artifacts)': expected mongodb, gs://bucket/prefix or a folder")
        }
        let root = URL(fileURLWithPath: artifacts)
        return ArtifactStore(backend: FolderArtifacts(root: root), cache: nil,
                             legacyFolder: root.standardizedFileURL == models.standardizedFileURL ? nil : models)
    }
}

/// `--artifacts` (overrides LODESTAR_ARTIFACTS).
struct ArtifactOptions: ParsableArguments {
    @Option(help: "Shared artifact store: mongodb (GridFS, default), gs://bucket/prefix, or a folder (overrides LODESTAR_ARTIFACTS).")
    var artifacts: String?
}
