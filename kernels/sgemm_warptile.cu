// Step 7, warp tiling: the configurations used by the kernel:warptile backend. The kernel itself
// is in sgemm_warptile.cuh; bench/tune_warptile.sh times candidate configurations on the GPU
// machine and the winners are fixed here.
#include <cuda_runtime.h>

#include <map>
#include <mutex>

#include "kernels.hpp"
#include "sgemm_warptile.cuh"

namespace gpubench::kernels {

namespace {

// BM, BN, BK, WM, WN, WNITER, TM, TN, THREADS. Round 4 of bench/tune_warptile.sh on the GPU
// machine (an H200; the H100 has the same 132 SMs and clocks), bench/results/tune_warptile_*:
// 128x128 blocks of 4 warps, each warp 64x64 in 4 sub-tiles, 8x4 x 4 = 128 results per thread:
// 94% of cuBLAS SGEMM at n = 2048 and 4096, 95% at 8192.
using WarptileLarge = WarptileConfig<128, 128, 16, 64, 64, 4, 8, 4, 128>;
// 64x128 blocks, 4x4 x 4 = 64 results per thread: half the work per block and fewer registers
// (3 blocks per SM against 2), so its last wave wastes less where the large tile's is mostly
// empty (n = 1024: 96% of cuBLAS against 36%).
using WarptileSmall = WarptileConfig<64, 128, 16, 32, 64, 1, 4, 4, 128>;
// Each one's throughput when every SM is full (n = 8192 in round 4, TFLOPS): what a wave of it
// costs relative to the other.
constexpr double kLargeTflops = 48.6, kSmallTflops = 45.9;

struct Occupancy {
  int sms = 0, large_blocks = 0, small_blocks = 0;  // SMs, resident blocks per SM
};

// Per device, asked of the runtime once (the launch path runs once per timed multiplication).
Occupancy occupancy_of_current_device() {
  static std::mutex mutex;
  static std::map<int, Occupancy> cache;
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) return {};
  std::lock_guard lock(mutex);
  if (auto it = cache.find(device); it != cache.end()) return it->second;
  Occupancy o;
  if (cudaDeviceGetAttribute(&o.sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess ||
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(
          &o.large_blocks, sgemm_warptile<WarptileLarge>, WarptileLarge::THREADS, 0) !=
          cudaSuccess ||
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(
          &o.small_blocks, sgemm_warptile<WarptileSmall>, WarptileSmall::THREADS, 0) !=
          cudaSuccess) {
    cudaGetLastError();
    return {};
  }
  return cache[device] = o;
}

// Relative time of an M x N problem in a configuration: the blocks run in waves of
// (SMs x resident blocks); each wave costs its blocks' work at the configuration's full-SM rate,
// however empty the last one is (an SM with one block of two left is not twice as fast).
template <class Cfg>
double wave_cost(int M, int N, int sms, int blocks_per_sm, double tflops) {
  const int tiles = ceil_div(M, Cfg::BM) * ceil_div(N, Cfg::BN);
  const int waves = ceil_div(tiles, sms * blocks_per_sm);
  return double(waves) * blocks_per_sm * Cfg::BM * Cfg::BN / tflops;
}

}  // namespace

void launch_sgemm_warptile(int M, int N, int K, const float* A, const float* B, float* C,
                           cudaStream_t stream) {
  const Occupancy o = occupancy_of_current_device();
  const bool large =
      o.sms > 0 && o.large_blocks > 0 && o.small_blocks > 0 &&
      wave_cost<WarptileLarge>(M, N, o.sms, o.large_blocks, kLargeTflops) <=
          wave_cost<WarptileSmall>(M, N, o.sms, o.small_blocks, kSmallTflops);
  if (large)
    launch_sgemm_warptile_config<WarptileLarge>(M, N, K, A, B, C, stream);
  else
    launch_sgemm_warptile_config<WarptileSmall>(M, N, K, A, B, C, stream);
}

}  // namespace gpubench::kernels
