#ifndef LODESTAR_CBLAS_SHIM_H
#define LODESTAR_CBLAS_SHIM_H
// Debian's OpenBLAS (libopenblas-dev): cblas.h plus the openblas_* control functions.
#include <cblas.h>

// LAPACK Fortran symbols exported by Debian's libopenblas (it is built with LAPACK; no LAPACKE).
// Column-major, arguments by pointer, as Fortran passes them.
void sposv_(const char *uplo, const int *n, const int *nrhs, float *a, const int *lda,
            float *b, const int *ldb, int *info);
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info);
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void spotrs_(const char *uplo, const int *n, const int *nrhs, const float *a, const int *lda,
             float *b, const int *ldb, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);

// DYNAMIC_ARCH builds (Debian's) pick CPU kernels once at load time and fall back to generic ones (Prescott) on CPUs
// OpenBLAS 0.3.21 does not know. These exported (weakly linked here, so other builds still link) entry points let
// LinearAlgebra re-run the selection after setting OPENBLAS_CORETYPE. Returns 0 when the build lacks them.
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));
static inline int lodestar_openblas_reselect_core(void) {
    if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit) return 0;
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    return 1;
}
// ---------------------------------------------------------------------------------------------------------------
// The C library's allocator, which LinearAlgebra's buffers (and every Swift array) come from: hands freed heap pages
// back to the system (glibc's malloc_trim; a no-op returning 0 elsewhere). Reached only through FreedMemory.
#if defined(__GLIBC__)
#include <malloc.h>
static inline int lodestar_release_free_memory(void) { return malloc_trim(0); }
#else
static inline int lodestar_release_free_memory(void) { return 0; }
#endif

// ---------------------------------------------------------------------------------------------------------------
// Sparse rank-one accumulation (the sparse half of iALS's conjugate-gradient products), reached only through
// LinearAlgebra's SparseKernels. For each row j in [row_begin, row_end) of a CSR matrix (row_start, idx, vals) and
// each entry e with vals[e] > 0:
//     y = F[idx[e]];  out[j] += (sa * v + (sb * v + tb) * dot(y, in[j])) * y
// `in` and `out` hold one f-long row per CSR row of the range; `active`, when not NULL, skips rows whose flag is 0.
// Returns the number of entries whose index was outside [0, f_rows) (those are skipped). Three variants: AVX-512,
// AVX2+FMA (selected by the caller after checking the CPU) and portable C.
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static inline long lodestar_rank1_generic(int f, const long *row_start, long row_begin, long row_end,
                                          const int32_t *idx, const float *vals, const float *F, long f_rows,
                                          const float *in, float *out, const uint8_t *active,
                                          float sa, float sb, float tb) {
    long bad = 0;
    for (long r = row_begin; r < row_end; r++) {
        long j = r - row_begin;
        if (active && !active[j]) continue;
        const float *x = in + j * f;
        float *o = out + j * f;
        for (long e = row_start[r]; e < row_start[r + 1]; e++) {
            float v = vals[e];
            if (!(v > 0)) continue;
            int32_t i = idx[e];
            if (i < 0 || i >= f_rows) { bad++; continue; }
            const float *y = F + (long)i * f;
            float d = 0;
            for (int k = 0; k < f; k++) d += y[k] * x[k];
            float c = sa * v + (sb * v + tb) * d;
            for (int k = 0; k < f; k++) o[k] += c * y[k];
        }
    }
    return bad;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static inline long lodestar_rank1_avx2(int f, const long *row_start, long row_begin, long row_end,
                                       const int32_t *idx, const float *vals, const float *F, long f_rows,
                                       const float *in, float *out, const uint8_t *active,
                                       float sa, float sb, float tb) {
    long bad = 0;
    int f8 = f & ~7;
    for (long r = row_begin; r < row_end; r++) {
        long j = r - row_begin;
        if (active && !active[j]) continue;
        const float *x = in + j * f;
        float *o = out + j * f;
        long end = row_start[r + 1];
        for (long e = row_start[r]; e < end; e++) {
            if (e + 4 < end) {
                int32_t ip = idx[e + 4];
                if (ip >= 0 && ip < f_rows) {
                    const char *p = (const char *)(F + (long)ip * f);
                    for (int k = 0; k < f * 4; k += 64) _mm_prefetch(p + k, _MM_HINT_T0);
                }
            }
            float v = vals[e];
            if (!(v > 0)) continue;
            int32_t i = idx[e];
            if (i < 0 || i >= f_rows) { bad++; continue; }
            const float *y = F + (long)i * f;
            __m256 acc = _mm256_setzero_ps();
            int k = 0;
            for (; k < f8; k += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(y + k), _mm256_loadu_ps(x + k), acc);
            __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
            h = _mm_add_ps(h, _mm_movehl_ps(h, h));
            h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
            float d = _mm_cvtss_f32(h);
            for (; k < f; k++) d += y[k] * x[k];
            float c = sa * v + (sb * v + tb) * d;
            __m256 cv = _mm256_set1_ps(c);
            k = 0;
            for (; k < f8; k += 8)
                _mm256_storeu_ps(o + k, _mm256_fmadd_ps(cv, _mm256_loadu_ps(y + k), _mm256_loadu_ps(o + k)));
            for (; k < f; k++) o[k] += c * y[k];
        }
    }
    return bad;
}

__attribute__((target("avx512f")))
static inline long lodestar_rank1_avx512(int f, const long *row_start, long row_begin, long row_end,
                                         const int32_t *idx, const float *vals, const float *F, long f_rows,
                                         const float *in, float *out, const uint8_t *active,
                                         float sa, float sb, float tb) {
    long bad = 0;
    int f16 = f & ~15;
    for (long r = row_begin; r < row_end; r++) {
        long j = r - row_begin;
        if (active && !active[j]) continue;
        const float *x = in + j * f;
        float *o = out + j * f;
        long end = row_start[r + 1];
        for (long e = row_start[r]; e < end; e++) {
            if (e + 4 < end) {
                int32_t ip = idx[e + 4];
                if (ip >= 0 && ip < f_rows) {
                    const char *p = (const char *)(F + (long)ip * f);
                    for (int k = 0; k < f * 4; k += 64) _mm_prefetch(p + k, _MM_HINT_T0);
                }
            }
            float v = vals[e];
            if (!(v > 0)) continue;
            int32_t i = idx[e];
            if (i < 0 || i >= f_rows) { bad++; continue; }
            const float *y = F + (long)i * f;
            __m512 acc = _mm512_setzero_ps();
            int k = 0;
            for (; k < f16; k += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(y + k), _mm512_loadu_ps(x + k), acc);
            float d = _mm512_reduce_add_ps(acc);
            for (; k < f; k++) d += y[k] * x[k];
            float c = sa * v + (sb * v + tb) * d;
            __m512 cv = _mm512_set1_ps(c);
            k = 0;
            for (; k < f16; k += 16)
                _mm512_storeu_ps(o + k, _mm512_fmadd_ps(cv, _mm512_loadu_ps(y + k), _mm512_loadu_ps(o + k)));
            for (; k < f; k++) o[k] += c * y[k];
        }
    }
    return bad;
}
#endif

/// level: 2 = AVX-512, 1 = AVX2+FMA, 0 = portable.
static inline long lodestar_rank1(int level, int f, const long *row_start, long row_begin, long row_end,
                                  const int32_t *idx, const float *vals, const float *F, long f_rows,
                                  const float *in, float *out, const uint8_t *active, float sa, float sb, float tb) {
#if defined(__x86_64__)
    if (level >= 2) return lodestar_rank1_avx512(f, row_start, row_begin, row_end, idx, vals, F, f_rows, in, out,
                                                 active, sa, sb, tb);
    if (level == 1) return lodestar_rank1_avx2(f, row_start, row_begin, row_end, idx, vals, F, f_rows, in, out,
                                               active, sa, sb, tb);
#endif
    return lodestar_rank1_generic(f, row_start, row_begin, row_end, idx, vals, F, f_rows, in, out, active,
                                  sa, sb, tb);
}
#endif
