// The C ABI of the CPU GEMM entry points `gpubench capture` intercepts, as the libraries export
// them (cblas.h, the Fortran BLAS with gfortran's hidden character lengths, MKL's batched forms):
// declared once for the capture library, which defines them, and for the test program that calls
// them. Integer arguments are CBLAS's enums (CBLAS_ORDER, CBLAS_TRANSPOSE).
#pragma once

#include <cstddef>

extern "C" {
void cblas_sgemm(int, int, int, int, int, int, float, const float*, int, const float*, int,
                 float, float*, int);
void cblas_dgemm(int, int, int, int, int, int, double, const double*, int, const double*, int,
                 double, double*, int);
void cblas_sgemm_batch_strided(int, int, int, int, int, int, float, const float*, int, long long,
                               const float*, int, long long, float, float*, int, long long, int);
void cblas_dgemm_batch_strided(int, int, int, int, int, int, double, const double*, int,
                               long long, const double*, int, long long, double, double*, int,
                               long long, int);
void cblas_sgemm_batch(int, const int*, const int*, const int*, const int*, const int*,
                       const float*, const float**, const int*, const float**, const int*,
                       const float*, float**, const int*, int, const int*);
void cblas_dgemm_batch(int, const int*, const int*, const int*, const int*, const int*,
                       const double*, const double**, const int*, const double**, const int*,
                       const double*, double**, const int*, int, const int*);
void sgemm_(const char*, const char*, const int*, const int*, const int*, const float*,
            const float*, const int*, const float*, const int*, const float*, float*, const int*,
            std::size_t, std::size_t);
void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*,
            const double*, const int*, const double*, const int*, const double*, double*,
            const int*, std::size_t, std::size_t);
}
