// Step 7, warp tiling: the configuration used by the kernel:warptile backend. The kernel itself
// is in sgemm_warptile.cuh; bench/tune_warptile.sh times candidate configurations on the GPU
// machine and the winner is fixed here.
#include "kernels.hpp"
#include "sgemm_warptile.cuh"

namespace gpubench::kernels {

// BM, BN, BK, WM, WN, WNITER, TM, TN, THREADS. The fastest of bench/tune_warptile.sh's candidates
// at n = 4096 on the GPU machine (an H200; the H100 has the same SMs and clocks): 83.6% of cuBLAS
// SGEMM against 75.9% for siboehm's A6000 choice (128x128 blocks, 8x4 per thread); the smaller
// 64x128 block tile also gives twice the blocks at n = 1024. See bench/results/tune_warptile_*.
using WarptileChosen = WarptileConfig<64, 128, 16, 32, 64, 1, 4, 4, 128>;

void launch_sgemm_warptile(int M, int N, int K, const float* A, const float* B, float* C,
                           cudaStream_t stream) {
  launch_sgemm_warptile_config<WarptileChosen>(M, N, K, A, B, C, stream);
}

}  // namespace gpubench::kernels
