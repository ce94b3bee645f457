// Step 1, naive: one thread per element of C, each reading a row of A and a column of B straight
// from global memory. Threads are laid out so that neighbours in a warp (threadIdx.x) take
// neighbouring *rows*: their loads of A are K floats apart and their stores to C are N floats
// apart, so every warp access touches 32 different cache lines. This is the baseline the ladder
// improves on. (After siboehm/SGEMM_CUDA kernel 1.)
#include "common.cuh"
#include "kernels.hpp"

namespace gpubench::kernels {
namespace {

__global__ void sgemm_naive(int M, int N, int K, const float* A, const float* B, float* C) {
  const int row = blockIdx.x * blockDim.x + threadIdx.x;
  const int col = blockIdx.y * blockDim.y + threadIdx.y;
  if (row >= M || col >= N) return;
  float acc = 0.f;
  for (int k = 0; k < K; ++k) acc += A[size_t(row) * K + k] * B[size_t(k) * N + col];
  C[size_t(row) * N + col] = acc;
}

}  // namespace

void launch_sgemm_naive(int M, int N, int K, const float* A, const float* B, float* C,
                        cudaStream_t stream) {
  const dim3 block(32, 32);
  const dim3 grid(ceil_div(M, 32), ceil_div(N, 32));
  sgemm_naive<<<grid, block, 0, stream>>>(M, N, K, A, B, C);
}

}  // namespace gpubench::kernels
