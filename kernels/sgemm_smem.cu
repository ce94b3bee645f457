// Step 3, shared-memory tiling: a block computes a 32x32 tile of C. It walks K in steps of 32,
// each time loading a 32x32 tile of A and of B into shared memory once (coalesced, zero-filled
// past the matrix edges), then every thread reads its row and column from shared memory. Each
// element loaded from global memory is now reused 32 times. (After siboehm/SGEMM_CUDA kernel 3.)
#include "common.cuh"
#include "kernels.hpp"

namespace gpubench::kernels {
namespace {

constexpr int kTile = 32;

__global__ void sgemm_smem(int M, int N, int K, const float* A, const float* B, float* C) {
  __shared__ float As[kTile][kTile];
  __shared__ float Bs[kTile][kTile];
  const int ty = threadIdx.x / kTile, tx = threadIdx.x % kTile;
  const int row = blockIdx.y * kTile + ty;
  const int col = blockIdx.x * kTile + tx;
  float acc = 0.f;
  for (int k0 = 0; k0 < K; k0 += kTile) {
    As[ty][tx] = (row < M && k0 + tx < K) ? A[size_t(row) * K + k0 + tx] : 0.f;
    Bs[ty][tx] = (k0 + ty < K && col < N) ? B[size_t(k0 + ty) * N + col] : 0.f;
    __syncthreads();
#pragma unroll
    for (int k = 0; k < kTile; ++k) acc += As[ty][k] * Bs[k][tx];
    __syncthreads();
  }
  if (row < M && col < N) C[size_t(row) * N + col] = acc;
}

}  // namespace

void launch_sgemm_smem(int M, int N, int K, const float* A, const float* B, float* C,
                       cudaStream_t stream) {
  const dim3 grid(ceil_div(N, kTile), ceil_div(M, kTile));
  sgemm_smem<<<grid, kTile * kTile, 0, stream>>>(M, N, K, A, B, C);
}

}  // namespace gpubench::kernels
