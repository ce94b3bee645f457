// Step 7, warp tiling: the configurations used by the kernel:warptile backend. The kernel itself
// is in sgemm_warptile.cuh; bench/tune_warptile.sh times candidate configurations on the GPU
// machine and the winners are fixed here.
#include <cuda_runtime.h>

#include "kernels.hpp"
#include "sgemm_warptile.cuh"

namespace gpubench::kernels {

// BM, BN, BK, WM, WN, WNITER, TM, TN, THREADS. Round 4 of bench/tune_warptile.sh on the GPU
// machine (an H200; the H100 has the same 132 SMs and clocks), bench/results/tune_warptile_*:
// 128x128 blocks of 4 warps, each warp 64x64 in 4 sub-tiles, 8x4 results per thread x 4 = 64
// accumulators: 94% of cuBLAS SGEMM at n = 2048 and 4096, 95% at 8192.
using WarptileLarge = WarptileConfig<128, 128, 16, 64, 64, 4, 8, 4, 128>;
// 64x128 blocks, 4x4 x 4 per thread: twice the blocks, for problems where 128x128 blocks would
// leave SMs idle (n = 1024 gives only 64 of them): 96% of cuBLAS at 1024 against 36% for the
// large tile.
using WarptileSmall = WarptileConfig<64, 128, 16, 32, 64, 1, 4, 4, 128>;

void launch_sgemm_warptile(int M, int N, int K, const float* A, const float* B, float* C,
                           cudaStream_t stream) {
  int device = 0, sms = 132;
  if (cudaGetDevice(&device) == cudaSuccess)
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
  const int large_tiles =
      ceil_div(M, WarptileLarge::BM) * ceil_div(N, WarptileLarge::BN);
  if (large_tiles >= sms)
    launch_sgemm_warptile_config<WarptileLarge>(M, N, K, A, B, C, stream);
  else
    launch_sgemm_warptile_config<WarptileSmall>(M, N, K, A, B, C, stream);
}

}  // namespace gpubench::kernels
