// Step 2, global-memory coalescing: the same arithmetic as step 1, but consecutive threads of a
// warp now take consecutive *columns* of C. A warp's 32 loads of B (and stores to C) fall in one or
// two 128-byte lines and are served as one transaction, and its loads of A are the same address
// (a broadcast). Only the thread-to-element mapping changed. (After siboehm/SGEMM_CUDA kernel 2.)
#include "common.cuh"
#include "kernels.hpp"

namespace gpubench::kernels {
namespace {

constexpr int kTile = 32;

__global__ void sgemm_coalesced(int M, int N, int K, const float* A, const float* B, float* C) {
  const int row = blockIdx.y * kTile + threadIdx.x / kTile;
  const int col = blockIdx.x * kTile + threadIdx.x % kTile;
  if (row >= M || col >= N) return;
  float acc = 0.f;
  for (int k = 0; k < K; ++k) acc += A[size_t(row) * K + k] * B[size_t(k) * N + col];
  C[size_t(row) * N + col] = acc;
}

}  // namespace

void launch_sgemm_coalesced(int M, int N, int K, const float* A, const float* B, float* C,
                            cudaStream_t stream) {
  const dim3 grid(ceil_div(N, kTile), ceil_div(M, kTile));
  sgemm_coalesced<<<grid, kTile * kTile, 0, stream>>>(M, N, K, A, B, C);
}

}  // namespace gpubench::kernels
