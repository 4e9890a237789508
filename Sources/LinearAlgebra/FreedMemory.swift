import CBLAS

/// Hands memory the process has freed back to the operating system. glibc's allocator keeps freed blocks of its heaps
/// (one arena per thread that allocated) for reuse, so after a phase that allocated and freed many small and
/// mid-sized buffers on several threads (the recommender's search, the aggregation's per-batch arrays) the resident
/// size stays near its high-water mark while the next phase allocates afresh. This releases the free pages of every
/// arena (`malloc_trim(0)`); a no-op where the C library is not glibc.
public enum FreedMemory {
    /// Releases free heap pages to the operating system (milliseconds; call between phases, not in loops).
    public static func release() {
        _ = lodestar_release_free_memory()
    }
}
