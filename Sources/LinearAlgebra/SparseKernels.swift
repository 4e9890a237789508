import CBLAS

/// Kernels mixing a sparse row structure with dense factor rows: the sparse half of iALS's conjugate-gradient
/// products. Implemented in C with AVX-512 and AVX2 variants chosen once from the CPU's features, behind shape checks.
public enum SparseKernels {
    /// Coefficients of ``accumulateRank1(rows:rowStart:indices:values:factors:input:output:active:coefficients:)``:
    /// an entry of weight `v` adds `(a · v + (b · v + c) · (y · x)) · y`.
    public struct Rank1Coefficients: Sendable, Equatable {
        /// Weight of the constant term (`a · v`), of the weighted dot term (`b · v`) and the dot term's offset (`c`).
        public var a: Float, b: Float, c: Float
        /// Coefficients `(a, b, c)`.
        public init(a: Float, b: Float, c: Float) {
            self.a = a
            self.b = b
            self.c = c
        }
    }

    /// For each CSR row `r` in `rows` (row `j = r − rows.lowerBound` of `input` and `output`) and each stored entry
    /// `e` of it with a positive weight `v`, with `y = factors[indices[e]]` and `x = input[j]`:
    /// `output[j] += (a·v + (b·v + c)·(y·x)) · y`. Rows whose `active` flag is false are skipped.
    ///
    /// Throws on shape mismatches and on column indices outside `factors`' rows.
    public static func accumulateRank1(
        rows: Range<Int>, rowStart: [Int], indices: [Int32], values: [Float], factors: Matrix<Float>,
        input: Matrix<Float>, output: inout Matrix<Float>, active: [Bool]? = nil, coefficients k: Rank1Coefficients
    ) throws {
        try accumulateRank1(rows: rows, rowStart: rowStart, indices: indices, values: values, factors: factors,
                            input: input, output: &output, active: active, coefficients: k, level: kernelLevel)
    }

    /// The same with an explicit kernel variant (tests run every variant the CPU supports).
    static func accumulateRank1(
        rows: Range<Int>, rowStart: [Int], indices: [Int32], values: [Float], factors: Matrix<Float>,
        input: Matrix<Float>, output: inout Matrix<Float>, active: [Bool]?, coefficients k: Rank1Coefficients,
        level: Int32
    ) throws {
        let f = factors.columns, n = rows.count
        guard rows.lowerBound >= 0, rows.upperBound < rowStart.count, indices.count == values.count,
              input.columns == f, output.columns == f, input.rows == n, output.rows == n,
              factors.isWellFormed, input.isWellFormed, output.isWellFormed, active.map({ $0.count == n }) ?? true
        else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "accumulateRank1",
                details: "rows \(rows) of \(rowStart.count - 1), factors \(factors.shapeDescription), input "
                    + "\(input.shapeDescription), output \(output.shapeDescription)")
        }
        if n == 0 || f == 0 { return }
        guard rowStart[rows.lowerBound] >= 0, rowStart[rows.upperBound] <= indices.count,
              rows.allSatisfy({ rowStart[$0] <= rowStart[$0 + 1] })
        else {
            throw LinearAlgebraError.shapeMismatch(operation: "accumulateRank1", details: "row starts out of range")
        }
        let flags: [UInt8]? = active.map { $0.map { $0 ? 1 : 0 } }
        let bad = rowStart.withUnsafeBufferPointer { rs in
            indices.withUnsafeBufferPointer { ix in
                values.withUnsafeBufferPointer { vs in
                    factors.elements.withUnsafeBufferPointer { fs in
                        input.elements.withUnsafeBufferPointer { xs in
                            output.elements.withUnsafeMutableBufferPointer { os in
                                withOptionalPointer(flags) { ap in
                                    lodestar_rank1(
                                        level, Int32(f), rs.baseAddress, rows.lowerBound, rows.upperBound,
                                        ix.baseAddress, vs.baseAddress, fs.baseAddress, factors.rows,
                                        xs.baseAddress, os.baseAddress, ap, k.a, k.b, k.c)
                                }
                            }
                        }
                    }
                }
            }
        }
        if bad > 0 {
            throw LinearAlgebraError.shapeMismatch(
                operation: "accumulateRank1", details: "\(bad) column indices outside 0..<\(factors.rows)")
        }
    }

    /// 2 for AVX-512, 1 for AVX2 + FMA, 0 for portable code; decided once from the CPU flags.
    static let kernelLevel: Int32 = {
        let flags = BLASCore.cpuFlags()
        if flags.contains("avx512f") { return 2 }
        if flags.contains("avx2") && flags.contains("fma") { return 1 }
        return 0
    }()

    private static func withOptionalPointer<R>(_ a: [UInt8]?, _ body: (UnsafePointer<UInt8>?) -> R) -> R {
        guard let a else { return body(nil) }
        return a.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
