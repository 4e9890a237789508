/// A floating-point type BLAS and LAPACK compute with: `Float` (the `s` routines) or `Double` (the `d` routines).
///
/// The conformances are closed: only `Float` and `Double` conform, and the wrappers pick the routine by type.
public protocol BLASScalar: BinaryFloatingPoint, Sendable, Codable {
    /// `true` for `Double`, `false` for `Float`; the wrappers dispatch on it.
    static var isDoublePrecision: Bool { get }
}

extension Float: BLASScalar {
    /// `false`: `Float` uses the single-precision (`s`) routines.
    @inlinable public static var isDoublePrecision: Bool { false }
}

extension Double: BLASScalar {
    /// `true`: `Double` uses the double-precision (`d`) routines.
    @inlinable public static var isDoublePrecision: Bool { true }
}
