/// A compressed sparse row (CSR) matrix of `Float` weights. The column-oriented (CSC) view of a matrix is the CSR of
/// its ``transposed()``.
public struct SparseMatrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Row `r`'s entries are at `rowStart[r]..<rowStart[r + 1]`; `rowStart.count == rows + 1`.
    public let rowStart: [Int]
    /// Column index of each entry, ascending within a row.
    public let columnIndices: [Int32]
    /// Weight of each entry.
    public let values: [Float]

    /// Number of stored entries.
    public var nonZeroCount: Int { values.count }

    /// A CSR matrix from its arrays; validates lengths, monotone row starts and column ranges (columns are sorted and
    /// duplicates summed if needed).
    public init(rows: Int, columns: Int, rowStart: [Int], columnIndices: [Int32], values: [Float]) throws {
        guard rows >= 0, columns >= 0, rowStart.count == rows + 1, rowStart.first == 0,
              rowStart.last == columnIndices.count, columnIndices.count == values.count
        else {
            throw ModelsError.shapeMismatch(
                "CSR arrays: \(rows) rows needs \(rows + 1) row starts (got \(rowStart.count)), "
                    + "\(columnIndices.count) indices, \(values.count) values")
        }
        for r in 0..<rows where rowStart[r] > rowStart[r + 1] {
            throw ModelsError.shapeMismatch("CSR row starts decrease at row \(r)")
        }
        if let bad = columnIndices.first(where: { $0 < 0 || Int($0) >= columns }) {
            throw ModelsError.shapeMismatch("CSR column index \(bad) outside 0..<\(columns)")
        }
        var sorted = true
        for r in 0..<rows where rowStart[r + 1] - rowStart[r] > 1 {
            for e in (rowStart[r] + 1)..<rowStart[r + 1] where columnIndices[e - 1] >= columnIndices[e] {
                sorted = false
                break
            }
            if !sorted { break }
        }
        if sorted {
            self.rows = rows
            self.columns = columns
            self.rowStart = rowStart
            self.columnIndices = columnIndices
            self.values = values
        } else {
            var triplets: [(Int, Int, Float)] = []
            triplets.reserveCapacity(values.count)
            for r in 0..<rows {
                for e in rowStart[r]..<rowStart[r + 1] { triplets.append((r, Int(columnIndices[e]), values[e])) }
            }
            self = try SparseMatrix(rows: rows, columns: columns, triplets: triplets)
        }
    }

    /// A CSR matrix from `(row, column, weight)` triplets; duplicates are summed.
    public init(rows: Int, columns: Int, triplets: some Collection<(Int, Int, Float)>) throws {
        guard rows >= 0, columns >= 0, columns <= Int(Int32.max) else {
            throw ModelsError.shapeMismatch("dimensions \(rows)×\(columns) out of range")
        }
        var counts = [Int](repeating: 0, count: rows + 1)
        for (r, c, _) in triplets {
            guard r >= 0, r < rows, c >= 0, c < columns else {
                throw ModelsError.shapeMismatch("triplet (\(r), \(c)) outside \(rows)×\(columns)")
            }
            counts[r + 1] += 1
        }
        for r in 0..<rows { counts[r + 1] += counts[r] }
        var fill = counts
        var cols = [Int32](repeating: 0, count: triplets.count)
        var vals = [Float](repeating: 0, count: triplets.count)
        for (r, c, w) in triplets {
            cols[fill[r]] = Int32(c)
            vals[fill[r]] = w
            fill[r] += 1
        }
        // Sort each row by column and sum duplicates.
        var outStart = [Int](repeating: 0, count: rows + 1)
        var outCols: [Int32] = []
        var outVals: [Float] = []
        outCols.reserveCapacity(cols.count)
        outVals.reserveCapacity(vals.count)
        for r in 0..<rows {
            let lo = counts[r], hi = counts[r + 1]
            let order = (lo..<hi).sorted { cols[$0] < cols[$1] || (cols[$0] == cols[$1] && $0 < $1) }
            for e in order {
                if outCols.count > outStart[r], outCols.last == cols[e] {
                    outVals[outVals.count - 1] += vals[e]
                } else {
                    outCols.append(cols[e])
                    outVals.append(vals[e])
                }
            }
            outStart[r + 1] = outCols.count
        }
        self.rows = rows
        self.columns = columns
        self.rowStart = outStart
        self.columnIndices = outCols
        self.values = outVals
    }

    /// Number of entries in row `r`.
    @inlinable
    public func count(inRow r: Int) -> Int { rowStart[r + 1] - rowStart[r] }

    /// Row `r`'s entries.
    public func entries(inRow r: Int) -> [SparseEntry] {
        (rowStart[r]..<rowStart[r + 1]).map { SparseEntry(column: Int(columnIndices[$0]), weight: values[$0]) }
    }

    /// The transpose (the CSC view of this matrix as CSR), in O(nnz).
    public func transposed() -> SparseMatrix {
        var start = [Int](repeating: 0, count: columns + 1)
        for c in columnIndices { start[Int(c) + 1] += 1 }
        for c in 0..<columns { start[c + 1] += start[c] }
        var fill = start
        var cols = [Int32](repeating: 0, count: values.count)
        var vals = [Float](repeating: 0, count: values.count)
        for r in 0..<rows {
            for e in rowStart[r]..<rowStart[r + 1] {
                let c = Int(columnIndices[e])
                cols[fill[c]] = Int32(r)
                vals[fill[c]] = values[e]
                fill[c] += 1
            }
        }
        // Rows are visited in order, so each transposed row is already sorted.
        return SparseMatrix(unchecked: columns, rows, start, cols, vals)
    }

    /// Builds without validation (internal: callers guarantee the invariants).
    init(unchecked rows: Int, _ columns: Int, _ rowStart: [Int], _ columnIndices: [Int32], _ values: [Float]) {
        self.rows = rows
        self.columns = columns
        self.rowStart = rowStart
        self.columnIndices = columnIndices
        self.values = values
    }
}
