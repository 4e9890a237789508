/// A raw base address shared by the threads of one `parallelFor` call.
///
/// @unchecked Sendable: every block writes a disjoint range of rows, and `parallelFor` joins all threads before the
/// owning array's `withUnsafe…` scope ends, so no two threads touch the same element and the pointer never outlives
/// the buffer.
struct SharedRows: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
}

/// A read-only base address shared by the threads of one `parallelFor` call.
///
/// @unchecked Sendable: the buffer is only read while `parallelFor` runs, inside the owning array's `withUnsafe…`
/// scope.
struct SharedReadOnly<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
}
