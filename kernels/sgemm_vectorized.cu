// Step 6, vectorised memory access: step 5 with 16-byte accesses everywhere. Global loads of A and
// B and stores of C move float4s (a quarter of the instructions). A is stored *transposed* in
// shared memory (As[k][m]) so that a thread's 8 values of A for one k are contiguous and come in
// as two float4 shared loads, like its 8 values of B. Needs K and N multiples of 4 so that every
// float4 is 16-byte aligned and lies wholly inside or outside the matrix.
// (After siboehm/SGEMM_CUDA kernel 6.)
#include "common.cuh"
#include "kernels.hpp"

namespace gpubench::kernels {
namespace {

constexpr int BM = 128, BN = 128, BK = 8, TM = 8, TN = 8;
constexpr int kThreads = (BM / TM) * (BN / TN);  // 256
static_assert(BM * BK / 4 == kThreads && BK * BN / 4 == kThreads, "one float4 of A and B each");

__global__ void __launch_bounds__(kThreads)
    sgemm_vectorized(int M, int N, int K, const float* A, const float* B, float* C) {
  __shared__ alignas(16) float As[BK * BM];  // transposed: As[k * BM + m]
  __shared__ alignas(16) float Bs[BK * BN];
  const int tid = threadIdx.x;
  const int thread_col = tid % (BN / TN), thread_row = tid / (BN / TN);
  const int block_row = blockIdx.y * BM, block_col = blockIdx.x * BN;
  const int a_row = tid / (BK / 4), a_col4 = tid % (BK / 4);
  const int b_row = tid / (BN / 4), b_col4 = tid % (BN / 4);
  const float4 zero = make_float4(0.f, 0.f, 0.f, 0.f);

  float acc[TM][TN] = {};
  float reg_a[TM], reg_b[TN];
  for (int k0 = 0; k0 < K; k0 += BK) {
    const int ar = block_row + a_row, ak = k0 + a_col4 * 4;
    const float4 a = (ar < M && ak < K)
                         ? *reinterpret_cast<const float4*>(&A[size_t(ar) * K + ak]) : zero;
    As[(a_col4 * 4 + 0) * BM + a_row] = a.x;
    As[(a_col4 * 4 + 1) * BM + a_row] = a.y;
    As[(a_col4 * 4 + 2) * BM + a_row] = a.z;
    As[(a_col4 * 4 + 3) * BM + a_row] = a.w;
    const int bk = k0 + b_row, bc = block_col + b_col4 * 4;
    *reinterpret_cast<float4*>(&Bs[b_row * BN + b_col4 * 4]) =
        (bk < K && bc < N) ? *reinterpret_cast<const float4*>(&B[size_t(bk) * N + bc]) : zero;
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
#pragma unroll
      for (int i = 0; i < TM; i += 4)
        *reinterpret_cast<float4*>(&reg_a[i]) =
            *reinterpret_cast<const float4*>(&As[k * BM + thread_row * TM + i]);
#pragma unroll
      for (int j = 0; j < TN; j += 4)
        *reinterpret_cast<float4*>(&reg_b[j]) =
            *reinterpret_cast<const float4*>(&Bs[k * BN + thread_col * TN + j]);
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
    for (int j = 0; j < TN; j += 4) {
      const int col = block_col + thread_col * TN + j;
      if (row < M && col < N)
        *reinterpret_cast<float4*>(&C[size_t(row) * N + col]) =
            make_float4(acc[i][j], acc[i][j + 1], acc[i][j + 2], acc[i][j + 3]);
    }
  }
}

}  // namespace

void launch_sgemm_vectorized(int M, int N, int K, const float* A, const float* B, float* C,
                             cudaStream_t stream) {
  const dim3 grid(ceil_div(N, BN), ceil_div(M, BM));
  sgemm_vectorized<<<grid, kThreads, 0, stream>>>(M, N, K, A, B, C);
}

}  // namespace gpubench::kernels
