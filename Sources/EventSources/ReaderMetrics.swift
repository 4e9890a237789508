import CoreMetrics

/// The readers' swift-metrics counters, dimensioned by `format` (`avro`, `ndjson`, `csv`) and `table` (`events`,
/// `courses`):
///
/// - `lodestar_export_rows_read_total`: rows read, valid and quarantined;
/// - `lodestar_export_rows_quarantined_total`: rows refused;
/// - `lodestar_export_files_failed_total`: files that stopped early (truncated, corrupt, too many refused rows).
///
/// Counters go to the bootstrapped `MetricsSystem` unless a factory is given (tests pass their own).
struct ReaderMetrics {
    let rowsRead: Counter
    let rowsQuarantined: Counter
    let filesFailed: Counter

    init(format: ExportFormat, table: TableKind, factory: (any MetricsFactory)?) {
        let dims = [("format", format.rawValue), ("table", table.rawValue)]
        let f = factory ?? MetricsSystem.factory
        rowsRead = Counter(label: "lodestar_export_rows_read_total", dimensions: dims, factory: f)
        rowsQuarantined = Counter(label: "lodestar_export_rows_quarantined_total", dimensions: dims, factory: f)
        filesFailed = Counter(label: "lodestar_export_files_failed_total", dimensions: dims, factory: f)
    }

    /// Counts what one batch (or one file's worth of courses) held.
    func record(valid: Int, quarantined: Int, failed: Bool) {
        if valid + quarantined > 0 { rowsRead.increment(by: Int64(valid + quarantined)) }
        if quarantined > 0 { rowsQuarantined.increment(by: Int64(quarantined)) }
        if failed { filesFailed.increment() }
    }
}
