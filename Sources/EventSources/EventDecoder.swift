/// A decoder of one export file into ``EventBatch``es. One task owns it.
protocol EventDecoder: AnyObject {
    /// The next batch of at most about `maxRows` rows (valid and quarantined), or nil at the end of the file.
    /// A file that stops early returns its last rows with ``EventBatch/failure`` set, then nil.
    func nextBatch(maxRows: Int) async -> EventBatch?
}
