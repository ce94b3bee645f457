// Step 4, 1D register tiling: a block computes a 64x64 tile of C with 512 threads, each thread a
// column strip of 8 results kept in registers. In the inner loop one value of B (from shared
// memory) is reused for 8 multiply-adds, so shared-memory traffic per FMA drops about 8x and the
// kernel starts to be limited by arithmetic rather than by loads. (After siboehm/SGEMM_CUDA
// kernel 4.)
#include "common.cuh"
#include "kernels.hpp"

namespace gpubench::kernels {
namespace {

constexpr int BM = 64, BN = 64, BK = 8, TM = 8;
constexpr int kThreads = BM * BN / TM;  // 512
static_assert(BM * BK == kThreads && BK * BN == kThreads, "one A and one B element per thread");

__global__ void __launch_bounds__(kThreads)
    sgemm_tile1d(int M, int N, int K, const float* A, const float* B, float* C) {
  __shared__ float As[BM * BK];
  __shared__ float Bs[BK * BN];
  const int tid = threadIdx.x;
  const int thread_col = tid % BN, thread_row = tid / BN;
  const int block_row = blockIdx.y * BM, block_col = blockIdx.x * BN;
  const int a_row = tid / BK, a_col = tid % BK;
  const int b_row = tid / BN, b_col = tid % BN;

  float acc[TM] = {};
  for (int k0 = 0; k0 < K; k0 += BK) {
    const int ar = block_row + a_row, ak = k0 + a_col;
    As[a_row * BK + a_col] = (ar < M && ak < K) ? A[size_t(ar) * K + ak] : 0.f;
    const int bk = k0 + b_row, bc = block_col + b_col;
    Bs[b_row * BN + b_col] = (bk < K && bc < N) ? B[size_t(bk) * N + bc] : 0.f;
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      const float b = Bs[k * BN + thread_col];
#pragma unroll
      for (int i = 0; i < TM; ++i) acc[i] += As[(thread_row * TM + i) * BK + k] * b;
    }
    __syncthreads();
  }
  const int col = block_col + thread_col;
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int row = block_row + thread_row * TM + i;
    if (row < M && col < N) C[size_t(row) * N + col] = acc[i];
  }
}

}  // namespace

void launch_sgemm_tile1d(int M, int N, int K, const float* A, const float* B, float* C,
                         cudaStream_t stream) {
  const dim3 grid(ceil_div(N, BN), ceil_div(M, BM));
  sgemm_tile1d<<<grid, kThreads, 0, stream>>>(M, N, K, A, B, C);
}

}  // namespace gpubench::kernels
