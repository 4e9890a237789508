/// Bounds that keep a reader's work and memory in proportion to its input, whatever the bytes say.
///
/// ```swift
/// let source = ExportSource(["exports/"], limits: ReaderLimits(maxQuarantinedRowsPerFile: 1_000))
/// ```
public struct ReaderLimits: Sendable, Hashable {
    /// Refused rows kept per file; one more fails the file with the count (its earlier rows stay).
    public var maxQuarantinedRowsPerFile: Int
    /// The longest NDJSON line or CSV record, in bytes; a longer NDJSON line is quarantined unread, a longer CSV
    /// record fails the file (its end cannot be found reliably).
    public var maxRecordBytes: Int
    /// Avro records that encode to zero bytes (every column null-typed) accepted per file before it fails: their
    /// count is not bounded by the block's size.
    public var maxZeroByteRecords: Int

    /// Limits with the defaults: 100,000 quarantined rows per file, 32 MiB records, 4,096 zero-byte Avro records.
    public init(maxQuarantinedRowsPerFile: Int = 100_000, maxRecordBytes: Int = 32 << 20, maxZeroByteRecords: Int = 4_096) {
        self.maxQuarantinedRowsPerFile = max(0, maxQuarantinedRowsPerFile)
        self.maxRecordBytes = min(max(1 << 10, maxRecordBytes), 1 << 30)
        self.maxZeroByteRecords = max(0, maxZeroByteRecords)
    }
}
