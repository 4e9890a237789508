public import EventSources

extension RefreshJob {
    /// The tenants with at least one valid event in `source` (one columnar pass; what `--all` would cover). The
    /// scheduler expands a job's `tenants: all` with it into one run per tenant.
    public static func tenants(inExport source: [String], storage: RemoteStorage = RemoteStorage()) async throws -> [String] {
        var symbols = SymbolTable()
        var seen = Set<UInt32>()
        for try await batch in ExportSource(source, gcs: storage.gcs).batches() {
            symbols.absorb(batch)
            for i in 0..<batch.count { seen.insert(batch.tenants[i]) }
        }
        return seen.compactMap { symbols[$0] }.sorted()
    }
}
