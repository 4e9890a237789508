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
#endif
