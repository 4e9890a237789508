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
#endif
