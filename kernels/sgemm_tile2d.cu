// Step 5, 2D register tiling: a block computes a 128x128 tile of C with 256 threads, each thread
// an 8x8 sub-tile. Per k it loads 8 values of A and 8 of B into registers and does 64 FMAs with
// them (an outer product), so each shared-memory load feeds 8 FMAs in both directions.
// (After siboehm/SGEMM_CUDA kernel 5.)
#include "common.cuh"
#include "kernels.hpp"

namespace gpubench::kernels {
namespace {

constexpr int BM = 128, BN = 128, BK = 8, TM = 8, TN = 8;
constexpr int kThreads = (BM / TM) * (BN / TN);  // 256
constexpr int kLoadsA = BM * BK / kThreads, kLoadsB = BK * BN / kThreads;

__global__ void __launch_bounds__(kThreads)
    sgemm_tile2d(int M, int N, int K, const float* A, const float* B, float* C) {
  __shared__ float As[BM * BK];
  __shared__ float Bs[BK * BN];
  const int tid = threadIdx.x;
  const int thread_col = tid % (BN / TN), thread_row = tid / (BN / TN);
  const int block_row = blockIdx.y * BM, block_col = blockIdx.x * BN;

  float acc[TM][TN] = {};
  float reg_a[TM], reg_b[TN];
  for (int k0 = 0; k0 < K; k0 += BK) {
    // Strided loops: thread tid loads elements tid, tid + 256, ... of each tile (coalesced).
#pragma unroll
    for (int l = 0; l < kLoadsA; ++l) {
      const int idx = tid + l * kThreads, r = idx / BK, c = idx % BK;
      const int ar = block_row + r, ak = k0 + c;
      As[r * BK + c] = (ar < M && ak < K) ? A[size_t(ar) * K + ak] : 0.f;
    }
#pragma unroll
    for (int l = 0; l < kLoadsB; ++l) {
      const int idx = tid + l * kThreads, r = idx / BN, c = idx % BN;
      const int bk = k0 + r, bc = block_col + c;
      Bs[r * BN + c] = (bk < K && bc < N) ? B[size_t(bk) * N + bc] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
#pragma unroll
      for (int i = 0; i < TM; ++i) reg_a[i] = As[(thread_row * TM + i) * BK + k];
#pragma unroll
      for (int j = 0; j < TN; ++j) reg_b[j] = Bs[k * BN + thread_col * TN + j];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] += reg_a[i] * reg_b[j];
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int row = block_row + thread_row * TM + i;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int col = block_col + thread_col * TN + j;
      if (row < M && col < N) C[size_t(row) * N + col] = acc[i][j];
    }
  }
}

}  // namespace

void launch_sgemm_tile2d(int M, int N, int K, const float* A, const float* B, float* C,
                         cudaStream_t stream) {
  const dim3 grid(ceil_div(N, BN), ceil_div(M, BM));
  sgemm_tile2d<<<grid, kThreads, 0, stream>>>(M, N, K, A, B, C);
}

}  // namespace gpubench::kernels
