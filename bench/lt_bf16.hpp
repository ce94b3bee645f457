// One row-major bf16 GEMM, C = A B (M x K times K x N, no transposes), through cuBLASLt and
// cublasGemmEx as gpubench's cublas backend lays out an nn case: column-major C^T = B^T A^T, B the
// first operand, fp32 compute. Shared by the bench programs that time gpubench's "default" call
// (cuBLASLt's heuristic's first algorithm) beside what torch.mm calls (cublasGemmEx):
// cublas_launch_modes.cu, ncu_one_call.cu, torch_inprocess.cu and window_order.cu. Each function
// returns the first status that failed, for the caller's own check.
#pragma once

#include <cublasLt.h>
#include <cublas_v2.h>

namespace bench {

struct LtBf16 {
  int m = 0, n = 0, k = 0;
  cublasLtHandle_t lt = nullptr;
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t x = nullptr, y = nullptr, c = nullptr;  // B^T, A^T, C^T

  // The handle, the descriptor and the three layouts.
  cublasStatus_t create(int rows, int cols, int depth) {
    m = rows, n = cols, k = depth;
    cublasStatus_t st = cublasLtCreate(&lt);
    if (st == CUBLAS_STATUS_SUCCESS) st = cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F);
    if (st == CUBLAS_STATUS_SUCCESS) st = cublasLtMatrixLayoutCreate(&x, CUDA_R_16BF, n, k, n);
    if (st == CUBLAS_STATUS_SUCCESS) st = cublasLtMatrixLayoutCreate(&y, CUDA_R_16BF, k, m, k);
    if (st == CUBLAS_STATUS_SUCCESS) st = cublasLtMatrixLayoutCreate(&c, CUDA_R_16BF, n, m, n);
    return st;
  }

  // Up to `count` algorithms in the heuristic's order for `workspace_bytes` of workspace (the
  // first is the library's default choice); `found` says how many.
  cublasStatus_t heuristic(size_t workspace_bytes, int count, cublasLtMatmulHeuristicResult_t* out,
                           int* found) const {
    cublasLtMatmulPreference_t p = nullptr;
    cublasStatus_t st = cublasLtMatmulPreferenceCreate(&p);
    if (st == CUBLAS_STATUS_SUCCESS)
      st = cublasLtMatmulPreferenceSetAttribute(p, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                &workspace_bytes, sizeof workspace_bytes);
    if (st == CUBLAS_STATUS_SUCCESS)
      st = cublasLtMatmulAlgoGetHeuristic(lt, desc, x, y, c, c, p, count, out, found);
    if (p) cublasLtMatmulPreferenceDestroy(p);
    return st;
  }

  // One C = A B with `algo` on `stream`.
  cublasStatus_t run(const cublasLtMatmulAlgo_t& algo, const void* a, const void* b, void* out,
                     void* workspace, size_t workspace_bytes, cudaStream_t stream) const {
    const float one = 1, zero = 0;
    return cublasLtMatmul(lt, desc, &one, b, x, a, y, &zero, out, c, out, c, &algo, workspace,
                          workspace_bytes, stream);
  }
};

// The same C = A B as torch.mm calls it: cublasGemmEx with the default tensor-op algorithm.
inline cublasStatus_t gemm_ex_bf16(cublasHandle_t h, int m, int n, int k, const void* a,
                                   const void* b, void* out) {
  const float one = 1, zero = 0;
  return cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &one, b, CUDA_R_16BF, n, a,
                      CUDA_R_16BF, k, &zero, out, CUDA_R_16BF, n, CUBLAS_COMPUTE_32F,
                      CUBLAS_GEMM_DEFAULT_TENSOR_OP);
}

}  // namespace bench
