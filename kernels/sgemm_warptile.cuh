// Step 7, warp tiling (the kernel template; sgemm_warptile.cu picks the configuration and
// bench/tune_warptile.cu searches over them).
//
// The idea it adds: a third level of tiling between the block and the thread. Each warp owns a
// WM x WN region of the block tile and walks it in WMITER x WNITER sub-tiles; inside a sub-tile a
// thread owns TM x TN results. A warp's shared-memory reads then cover a small, contiguous region
// (fewer bank conflicts, more broadcast), and the register working set per warp is explicit.
// On top of steps 5-6 it also double-buffers: the next K-tile's global loads are issued into
// registers before the current tile is computed and stored to the other shared buffer after it,
// so global latency hides behind arithmetic and one __syncthreads() per tile suffices. Blocks
// run in grouped order (kGroupM block rows at a time) so that the blocks resident at once share
// rows of A and columns of B in L2 instead of streaming all of B from memory per block row.
// Interior blocks load without bounds checks (below). (Structure after siboehm/SGEMM_CUDA
// kernels 10-11; parameters re-tuned for the H100 by bench/tune_warptile.sh.)
#pragma once

#include "common.cuh"

namespace gpubench::kernels {

inline constexpr int kWarptileGroupM = 8;

// One configuration of the warp-tiled kernel. Every size is a compile-time constant.
// MIN_BLOCKS is __launch_bounds__'s minimum resident blocks per SM, a search knob: it caps the
// registers per thread so that more warps fit, at the price of spills (it gained at most a few
// percent in bench/tune_warptile.sh's rounds, and the chosen configurations leave it at 1).
template <int BM_, int BN_, int BK_, int WM_, int WN_, int WNITER_, int TM_, int TN_,
          int THREADS_, int MIN_BLOCKS_ = 1>
struct WarptileConfig {
  static constexpr int BM = BM_, BN = BN_, BK = BK_, WM = WM_, WN = WN_, WNITER = WNITER_;
  static constexpr int TM = TM_, TN = TN_, THREADS = THREADS_, MIN_BLOCKS = MIN_BLOCKS_;
  static constexpr int WMITER = (WM * WN) / (32 * TM * TN * WNITER);
  static constexpr int WSUBM = WM / WMITER, WSUBN = WN / WNITER;
  static constexpr int APAD = 4;  // As row padding: halves bank conflicts of the transposed store
  static constexpr int LOADS_A = BM * BK / (4 * THREADS), LOADS_B = BK * BN / (4 * THREADS);
  static_assert((BM / WM) * (BN / WN) == THREADS / 32, "one warp tile per warp");
  static_assert(WMITER >= 1 && WM % WMITER == 0 && WN % WNITER == 0, "warp sub-tiles");
  static_assert((WSUBM / TM) * (WSUBN / TN) == 32, "a warp's 32 threads cover a sub-tile");
  static_assert(TM % 4 == 0 && TN % 4 == 0, "float4 register loads");
  static_assert(LOADS_A >= 1 && LOADS_B >= 1 && BM * BK % (4 * THREADS) == 0 &&
                    BK * BN % (4 * THREADS) == 0, "whole float4 loads per thread");
  static_assert(THREADS % (BK / 4) == 0 && THREADS % (BN / 4) == 0, "load grid");
};

template <class Cfg>
__global__ void __launch_bounds__(Cfg::THREADS, Cfg::MIN_BLOCKS)
    sgemm_warptile(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B,
                   float* __restrict__ C) {
  constexpr int BM = Cfg::BM, BN = Cfg::BN, BK = Cfg::BK, WM = Cfg::WM, WN = Cfg::WN;
  constexpr int TM = Cfg::TM, TN = Cfg::TN, WMITER = Cfg::WMITER, WNITER = Cfg::WNITER;
  constexpr int WSUBM = Cfg::WSUBM, WSUBN = Cfg::WSUBN, ASTRIDE = BM + Cfg::APAD;
  constexpr int LOADS_A = Cfg::LOADS_A, LOADS_B = Cfg::LOADS_B;
  constexpr int ROW_STRIDE_A = Cfg::THREADS / (BK / 4), ROW_STRIDE_B = Cfg::THREADS / (BN / 4);

  __shared__ alignas(16) float As[2][BK * ASTRIDE];  // transposed: As[k * ASTRIDE + m]
  __shared__ alignas(16) float Bs[2][BK * BN];

  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
  const int warp_row = warp / (BN / WN), warp_col = warp % (BN / WN);
  const int thread_row = lane / (WSUBN / TN), thread_col = lane % (WSUBN / TN);
  // Grouped order: linear block b walks down kWarptileGroupM block rows, then one column right.
  const int tiles_m = ceil_div(M, BM), tiles_n = ceil_div(N, BN);
  const int per_group = kWarptileGroupM * tiles_n;
  const int first_m = int(blockIdx.x) / per_group * kWarptileGroupM;
  const int group_rows = min(tiles_m - first_m, kWarptileGroupM), in_group = int(blockIdx.x) % per_group;
  const int block_row = (first_m + in_group % group_rows) * BM;
  const int block_col = (in_group / group_rows) * BN;
  const int a_row = tid / (BK / 4), a_col4 = tid % (BK / 4);
  const int b_row = tid / (BN / 4), b_col4 = tid % (BN / 4);
  const float4 zero = make_float4(0.f, 0.f, 0.f, 0.f);

  float4 pre_a[LOADS_A], pre_b[LOADS_B];
  // This thread's first float4 of A and of B; later loads are fixed strides away.
  const float* a_src = A + size_t(block_row + a_row) * K + a_col4 * 4;
  const float* b_src = B + size_t(b_row) * N + block_col + b_col4 * 4;
  const size_t a_stride = size_t(ROW_STRIDE_A) * K, b_stride = size_t(ROW_STRIDE_B) * N;
  // Interior blocks (all but the bottom and right edges) load without bounds checks: one branch
  // per K-tile instead of a check per load. The checks cost issue slots and registers in a kernel
  // whose limit is issuing FFMAs; without them the 128x128 configuration went from 75% to 94% of
  // cuBLAS at n = 4096 (rounds 2-3 of the search).
  const bool full_mn = block_row + BM <= M && block_col + BN <= N;
  // Global -> registers for the K-tile at k0; zero outside the matrix (K, N multiples of 4 make
  // each float4 wholly inside or outside).
  auto load_tile = [&](int k0) {
    if (full_mn && k0 + BK <= K) {
#pragma unroll
      for (int l = 0; l < LOADS_A; ++l)
        pre_a[l] = *reinterpret_cast<const float4*>(a_src + l * a_stride + k0);
#pragma unroll
      for (int l = 0; l < LOADS_B; ++l)
        pre_b[l] = *reinterpret_cast<const float4*>(b_src + l * b_stride + size_t(k0) * N);
      return;
    }
#pragma unroll
    for (int l = 0; l < LOADS_A; ++l) {
      const int r = block_row + a_row + l * ROW_STRIDE_A, k = k0 + a_col4 * 4;
      pre_a[l] = (r < M && k < K) ? *reinterpret_cast<const float4*>(&A[size_t(r) * K + k]) : zero;
    }
#pragma unroll
    for (int l = 0; l < LOADS_B; ++l) {
      const int k = k0 + b_row + l * ROW_STRIDE_B, c = block_col + b_col4 * 4;
      pre_b[l] = (k < K && c < N) ? *reinterpret_cast<const float4*>(&B[size_t(k) * N + c]) : zero;
    }
  };
  auto store_tile = [&](int buf) {
#pragma unroll
    for (int l = 0; l < LOADS_A; ++l) {
      const int m = a_row + l * ROW_STRIDE_A;
      As[buf][(a_col4 * 4 + 0) * ASTRIDE + m] = pre_a[l].x;
      As[buf][(a_col4 * 4 + 1) * ASTRIDE + m] = pre_a[l].y;
      As[buf][(a_col4 * 4 + 2) * ASTRIDE + m] = pre_a[l].z;
      As[buf][(a_col4 * 4 + 3) * ASTRIDE + m] = pre_a[l].w;
    }
#pragma unroll
    for (int l = 0; l < LOADS_B; ++l)
      *reinterpret_cast<float4*>(&Bs[buf][(b_row + l * ROW_STRIDE_B) * BN + b_col4 * 4]) = pre_b[l];
  };

  float acc[WMITER * TM][WNITER * TN] = {};
  float reg_m[WMITER * TM], reg_n[WNITER * TN];
  const int num_tiles = ceil_div(K, BK);
  load_tile(0);
  store_tile(0);
  __syncthreads();
  for (int t = 0; t < num_tiles; ++t) {
    const int buf = t & 1;
    if (t + 1 < num_tiles) load_tile((t + 1) * BK);  // in flight while we compute
    const float* as = As[buf] + warp_row * WM + thread_row * TM;
    const float* bs = Bs[buf] + warp_col * WN + thread_col * TN;
#pragma unroll
    for (int k = 0; k < BK; ++k) {
#pragma unroll
      for (int wm = 0; wm < WMITER; ++wm)
#pragma unroll
        for (int i = 0; i < TM; i += 4)
          *reinterpret_cast<float4*>(&reg_m[wm * TM + i]) =
              *reinterpret_cast<const float4*>(&as[k * ASTRIDE + wm * WSUBM + i]);
#pragma unroll
      for (int wn = 0; wn < WNITER; ++wn)
#pragma unroll
        for (int j = 0; j < TN; j += 4)
          *reinterpret_cast<float4*>(&reg_n[wn * TN + j]) =
              *reinterpret_cast<const float4*>(&bs[k * BN + wn * WSUBN + j]);
#pragma unroll
      for (int i = 0; i < WMITER * TM; ++i)
#pragma unroll
        for (int j = 0; j < WNITER * TN; ++j) acc[i][j] += reg_m[i] * reg_n[j];
    }
    if (t + 1 < num_tiles) store_tile(buf ^ 1);
    __syncthreads();
  }

#pragma unroll
  for (int wm = 0; wm < WMITER; ++wm)
#pragma unroll
    for (int i = 0; i < TM; ++i) {
      const int row = block_row + warp_row * WM + wm * WSUBM + thread_row * TM + i;
#pragma unroll
      for (int wn = 0; wn < WNITER; ++wn)
#pragma unroll
        for (int j = 0; j < TN; j += 4) {
          const int col = block_col + warp_col * WN + wn * WSUBN + thread_col * TN + j;
          const float* v = &acc[wm * TM + i][wn * TN + j];
          if (row < M && col < N)
            *reinterpret_cast<float4*>(&C[size_t(row) * N + col]) =
                make_float4(v[0], v[1], v[2], v[3]);
        }
    }
}

template <class Cfg>
void launch_sgemm_warptile_config(int M, int N, int K, const float* A, const float* B, float* C,
                                  cudaStream_t stream) {
  const int blocks = ceil_div(N, Cfg::BN) * ceil_div(M, Cfg::BM);
  sgemm_warptile<Cfg><<<blocks, Cfg::THREADS, 0, stream>>>(M, N, K, A, B, C);
}

}  // namespace gpubench::kernels
