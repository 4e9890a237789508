/// Errors thrown by the LinearAlgebra wrappers. Shapes come from callers, so a mismatch is an error, never a trap.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The operands' shapes do not fit the operation.
    case shapeMismatch(operation: String, details: String)
    /// The matrix handed to a Cholesky solve is not (numerically) positive definite; `minor` is the order of the
    /// leading minor that failed (LAPACK's `info`).
    case notPositiveDefinite(minor: Int)
    /// A dimension does not fit BLAS's 32-bit integers.
    case dimensionTooLarge(Int)
    /// LAPACK rejected an argument (negative `info`); a bug in the wrapper if it ever happens.
    case lapackArgument(routine: String, info: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, details): return "\(operation): shape mismatch (\(details))"
        case let .notPositiveDefinite(minor):
            return "Cholesky: matrix is not positive definite (leading minor of order \(minor) failed)"
        case let .dimensionTooLarge(n): return "dimension \(n) exceeds BLAS's 32-bit limit"
        case let .lapackArgument(routine, info): return "\(routine): illegal argument \(-info)"
        }
    }
}
