import LearningEvents

/// Reads one events table into ``EventBatch``es: the batch driver shared by the Avro, NDJSON and CSV decoders.
/// A file that stops early returns its last rows with ``EventBatch/failure`` set, then nil.
final class EventFileReader {
    let decoder: any RowDecoder
    let builder: EventBatchBuilder
    let metrics: ReaderMetrics
    private var done = false

    init(decoder: any RowDecoder, builder: EventBatchBuilder, metrics: ReaderMetrics) {
        self.decoder = decoder
        self.builder = builder
        self.metrics = metrics
    }

    /// The next batch of at most about `maxRows` rows (valid and quarantined), or nil at the end of the file.
    func nextBatch(maxRows: Int) async -> EventBatch? {
        if done { return nil }
        builder.batch.reserve(maxRows)
        do {
            while builder.pending < maxRows {
                if try await !decoder.decodeRows(into: builder, maxRows: maxRows) {
                    done = true
                    break
                }
            }
        } catch let error as SourceFileError {
            builder.batch.failure = error
            done = true
        } catch {
            builder.batch.failure = SourceFileError(file: builder.file, offset: decoder.offset, message: "\(error)")
            done = true
        }
        let batch = builder.take()
        metrics.record(valid: batch.count, quarantined: batch.quarantined.count, failed: batch.failure != nil)
        if batch.count == 0 && batch.quarantined.isEmpty && batch.failure == nil { return nil }
        return batch
    }
}
