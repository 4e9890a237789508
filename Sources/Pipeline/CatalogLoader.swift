import EventSources
import LearningEvents

/// Reads the `courses` export into a `Catalog`; bad catalog rows are refused with their reasons.
enum CatalogLoader {
    static func load(_ locations: [String], storage: RemoteStorage = RemoteStorage()) async throws -> Catalog {
        guard !locations.isEmpty else { return Catalog() }
        let result = try await CourseSource(locations, gcs: storage.gcs).read()
        if let failure = result.failures.first { throw failure }
        return Catalog(result.courses)
    }
}
