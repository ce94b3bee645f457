// The project's own CUDA matmul kernels: C = A * B with A (M x K), B (K x N) and C (M x N), all
// row-major and densely packed (leading dimensions K, N and N). Each launch function enqueues one
// multiplication on `stream` and returns at once; a launch error is left for the caller's
// cudaGetLastError (GPUBENCH_CUDA_CHECK_LAUNCH).
//
// The FP32 functions form a ladder: each step adds one idea to the one before (see each .cu).
// Steps from "vectorized" on read A and B with 16-byte loads and need K and N multiples of 4
// (kVectorMultiple); every other size is handled, edges included.
#pragma once

#include <cuda_runtime.h>
#include <string>

#include <cuda_bf16.h>

namespace gpubench::kernels {

inline constexpr int kVectorMultiple = 4;  // K % 4 == 0 and N % 4 == 0 for the float4 steps

void launch_sgemm_naive(int M, int N, int K, const float* A, const float* B, float* C,
                        cudaStream_t stream);
void launch_sgemm_coalesced(int M, int N, int K, const float* A, const float* B, float* C,
                            cudaStream_t stream);
void launch_sgemm_smem(int M, int N, int K, const float* A, const float* B, float* C,
                       cudaStream_t stream);
void launch_sgemm_tile1d(int M, int N, int K, const float* A, const float* B, float* C,
                         cudaStream_t stream);
void launch_sgemm_tile2d(int M, int N, int K, const float* A, const float* B, float* C,
                         cudaStream_t stream);
void launch_sgemm_vectorized(int M, int N, int K, const float* A, const float* B, float* C,
                             cudaStream_t stream);
void launch_sgemm_warptile(int M, int N, int K, const float* A, const float* B, float* C,
                           cudaStream_t stream);

// Hopper BF16: TMA loads into 128-byte-swizzled shared memory, wgmma with fp32 accumulation, a
// producer warpgroup feeding two consumer warpgroups through mbarriers, a persistent grid.
// C is written as bf16 (the storage type of the dtype). Needs compute capability 9.0 (the code
// is built for sm_90a only), K and N multiples of kWgmmaMultiple (TMA wants 16-byte row strides)
// and 16-byte-aligned A, B and C. M is free. Unlike the FP32 launchers it returns its error:
// cudaErrorInvalidValue for a shape or alignment it cannot take, cudaErrorNotSupported without
// the driver's TMA entry point, else the launch's own status.
inline constexpr int kWgmmaMultiple = 8;
cudaError_t launch_bf16_wgmma(int M, int N, int K, const __nv_bfloat16* A,
                              const __nv_bfloat16* B, __nv_bfloat16* C, cudaStream_t stream);

// Why launch_bf16_wgmma cannot run on `device` ("" when it can): the compute capability, or a
// driver without the tensor-map entry point.
std::string bf16_wgmma_unavailable_reason(int device);

}  // namespace gpubench::kernels
