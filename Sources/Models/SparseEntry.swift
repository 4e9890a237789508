/// One stored entry of a ``SparseMatrix`` row.
public struct SparseEntry: Sendable, Equatable {
    /// Column index.
    public let column: Int
    /// Stored weight.
    public let weight: Float
}
