/// A dense, contiguous, row-major matrix.
///
/// Element `(i, j)` lives at `elements[i * columns + j]`. The wrappers in ``BLAS`` and ``Cholesky`` check shapes and
/// throw ``LinearAlgebraError`` rather than trap.
///
/// ```swift
/// var a = Matrix<Float>(rows: 2, columns: 3)
/// a[0, 1] = 2
/// let g = try BLAS.gram(a)   // 3×3, aᵀa
/// ```
public struct Matrix<Scalar: BLASScalar>: Sendable, Equatable, Codable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Row-major storage; its count must stay `rows * columns` (wrappers check and throw otherwise).
    public var elements: [Scalar]

    /// A `rows × columns` matrix filled with `value` (zero by default).
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        self.rows = max(0, rows)
        self.columns = max(0, columns)
        self.elements = Array(repeating: value, count: self.rows * self.columns)
    }

    /// A matrix over existing row-major elements; throws when `elements.count != rows * columns`.
    public init(rows: Int, columns: Int, elements: [Scalar]) throws {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Matrix.init", details: "\(elements.count) elements for \(rows)×\(columns)")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix whose element `(i, j)` is `generator(i, j)`.
    @inlinable
    public init(rows: Int, columns: Int, generator: (Int, Int) throws -> Scalar) rethrows {
        self.init(rows: rows, columns: columns)
        for i in 0..<self.rows {
            for j in 0..<self.columns { elements[i * self.columns + j] = try generator(i, j) }
        }
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        Matrix(rows: n, columns: n) { i, j in i == j ? 1 : 0 }
    }

    /// Element `(i, j)`; indices out of range trap like an array subscript.
    @inlinable
    public subscript(i: Int, j: Int) -> Scalar {
        get { elements[i * columns + j] }
        set { elements[i * columns + j] = newValue }
    }

    /// Row `i` as an array slice of the storage.
    @inlinable
    public func row(_ i: Int) -> ArraySlice<Scalar> {
        elements[(i * columns)..<((i + 1) * columns)]
    }

    /// Replaces row `i` with `values`; throws when the count differs from `columns`.
    public mutating func setRow(_ i: Int, _ values: some Collection<Scalar>) throws {
        guard values.count == columns, i >= 0, i < rows else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Matrix.setRow", details: "row \(i) of \(rows), \(values.count) values for \(columns) columns")
        }
        elements.replaceSubrange((i * columns)..<((i + 1) * columns), with: values)
    }

    /// The transpose (a copy).
    public func transposed() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { t.elements[j * rows + i] = elements[i * columns + j] }
        }
        return t
    }

    /// `true` when the storage count matches the shape.
    @inlinable
    public var isWellFormed: Bool { elements.count == rows * columns }

    /// The shape as `rows×columns`, for messages.
    public var shapeDescription: String { "\(rows)×\(columns)" }
}

extension Matrix {
    /// Throws when the storage count no longer matches the shape (someone resized `elements`).
    func checkWellFormed(_ operation: String) throws {
        guard isWellFormed else {
            throw LinearAlgebraError.shapeMismatch(
                operation: operation, details: "storage holds \(elements.count) elements for \(shapeDescription)")
        }
    }
}
