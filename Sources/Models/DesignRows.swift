public import LinearAlgebra

/// The rows of a logistic regression's design, each the concatenation of a *shared* part (a row of `shared`,
/// which several design rows may reference) and a per-row part (a row of `own`).
///
/// Person-period data repeat an enrolment's features at a landmark for every week it is followed from there; only the
/// time columns change from week to week. Stored this way, 2.06M person-period rows of a 200k-learner tenant take the
/// features once per (landmark, enrolment) plus four time columns and a row number per week: about 45 MB instead of
/// 197 MB as a dense matrix. A dense matrix is the case with no per-row part and every row its own shared row.
///
/// ```swift
/// let design = try DesignRows(shared: features, sharedRow: [0, 0, 1], own: time)   // 3 rows: features 0, 0, 1
/// let model = try LogisticRegression.fit(design: design, labels: y)
/// ```
public struct DesignRows: Sendable {
    /// Rows referenced by the design's rows (their first `shared.columns` values).
    public let shared: Matrix<Float>
    /// For each design row, its row of `shared` (nil: row `i` is `shared`'s row `i`).
    public let sharedRow: [Int32]?
    /// Each design row's own values (its last `own.columns` values); `own.rows` is the number of design rows.
    public let own: Matrix<Float>

    /// A dense design: the rows of `x`.
    public init(_ x: Matrix<Float>) {
        shared = x
        sharedRow = nil
        own = Matrix(rows: x.rows, columns: 0)
    }

    /// Rows `[shared[sharedRow[i]], own[i]]`.
    public init(shared: Matrix<Float>, sharedRow: [Int32], own: Matrix<Float>) throws {
        guard shared.isWellFormed, own.isWellFormed, sharedRow.count == own.rows else {
            throw ModelsError.shapeMismatch("\(sharedRow.count) row references for \(own.rows) rows of own values")
        }
        if let bad = sharedRow.first(where: { $0 < 0 || Int($0) >= shared.rows }) {
            throw ModelsError.shapeMismatch("row reference \(bad) outside the \(shared.rows) shared rows")
        }
        self.shared = shared
        self.sharedRow = sharedRow
        self.own = own
    }

    /// Number of design rows.
    public var rows: Int { sharedRow == nil ? shared.rows : own.rows }
    /// Values per design row.
    public var columns: Int { shared.columns + own.columns }
    public var shapeDescription: String {
        sharedRow == nil ? shared.shapeDescription : "\(rows)×\(columns) (\(shared.rows) shared rows of \(shared.columns) + \(own.columns) own)"
    }

    /// Every stored value is finite.
    var isFinite: Bool {
        !shared.elements.contains { !$0.isFinite } && !own.elements.contains { !$0.isFinite }
    }

    /// Calls `body` with a function that copies design row `r` into `destination` (`columns` values).
    func withRowCopier<T>(_ body: ((_ r: Int, _ destination: UnsafeMutablePointer<Float>) -> Void) throws -> T) rethrows -> T {
        let f1 = shared.columns, f2 = own.columns
        return try shared.elements.withUnsafeBufferPointer { sb in
            try own.elements.withUnsafeBufferPointer { ob in
                try body { r, dst in
                    let row = sharedRow.map { Int($0[r]) } ?? r
                    if f1 > 0 { dst.update(from: sb.baseAddress! + row * f1, count: f1) }
                    if f2 > 0 { (dst + f1).update(from: ob.baseAddress! + r * f2, count: f2) }
                }
            }
        }
    }

    /// The design as a dense matrix (tests and small data).
    public func dense() -> Matrix<Float> {
        var m = Matrix<Float>(rows: rows, columns: columns)
        let d = columns
        withRowCopier { copy in
            m.elements.withUnsafeMutableBufferPointer { mb in
                for r in 0..<rows where d > 0 { copy(r, mb.baseAddress! + r * d) }
            }
        }
        return m
    }
}
