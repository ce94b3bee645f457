// One cublasLtMatmul (heuristic[0], 32 MiB workspace, as gpubench's default) and one cublasGemmEx of a
// bf16 GEMM, for Nsight Compute's launch statistics (bench/wave3f_gpu_call1.sh): nvcc -O2 -arch=sm_90
// -o /tmp/one_lt bench/ncu_one_call.cu -lcublasLt -lcublas; /tmp/one_lt M N K
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cstdio>
#include <cstdlib>
#define CK(x) do { auto e = (x); if ((int)e != 0) { printf("%s failed %d line %d\n", #x, (int)e, __LINE__); exit(1);} } while (0)
int main(int argc, char** argv) {
  int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]);
  cudaStream_t s; CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  void *a, *b, *c, *ws; size_t wsb = 32u << 20;
  CK(cudaMalloc(&a, size_t(m) * k * 2)); CK(cudaMalloc(&b, size_t(k) * n * 2)); CK(cudaMalloc(&c, size_t(m) * n * 2)); CK(cudaMalloc(&ws, wsb));
  CK(cudaMemset(a, 0x3c, size_t(m) * k * 2)); CK(cudaMemset(b, 0x3c, size_t(k) * n * 2));
  cublasLtHandle_t lt; CK(cublasLtCreate(&lt));
  cublasLtMatmulDesc_t d; CK(cublasLtMatmulDescCreate(&d, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  cublasLtMatrixLayout_t lx, ly, lc;
  CK(cublasLtMatrixLayoutCreate(&lx, CUDA_R_16BF, n, k, n)); CK(cublasLtMatrixLayoutCreate(&ly, CUDA_R_16BF, k, m, k)); CK(cublasLtMatrixLayoutCreate(&lc, CUDA_R_16BF, n, m, n));
  cublasLtMatmulPreference_t p; CK(cublasLtMatmulPreferenceCreate(&p));
  CK(cublasLtMatmulPreferenceSetAttribute(p, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &wsb, sizeof wsb));
  cublasLtMatmulHeuristicResult_t r[1]; int found = 0;
  CK(cublasLtMatmulAlgoGetHeuristic(lt, d, lx, ly, lc, lc, p, 1, r, &found));
  float one = 1, zero = 0;
  cublasHandle_t h; CK(cublasCreate(&h)); CK(cublasSetStream(h, s)); CK(cublasSetWorkspace(h, ws, wsb));
  CK(cublasLtMatmul(lt, d, &one, b, lx, a, ly, &zero, c, lc, c, lc, &r[0].algo, ws, wsb, s));
  CK(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &one, b, CUDA_R_16BF, n, a, CUDA_R_16BF, k, &zero, c, CUDA_R_16BF, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT_TENSOR_OP));
  CK(cudaStreamSynchronize(s));
  printf("%dx%dx%d done\n", m, n, k);
}
