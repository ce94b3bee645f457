// Step 7, warp tiling: the configuration used by the kernel:warptile backend. The kernel itself
// is in sgemm_warptile.cuh; bench/tune_warptile.sh times candidate configurations on the GPU
// machine and the winner is fixed here.
#include "kernels.hpp"
#include "sgemm_warptile.cuh"

namespace gpubench::kernels {

// BM, BN, BK, WM, WN, WNITER, TM, TN, THREADS. Chosen on the H100 by bench/tune_warptile.sh
// (see bench/results/).
using WarptileChosen = WarptileConfig<128, 128, 16, 64, 64, 4, 8, 4, 128>;

void launch_sgemm_warptile(int M, int N, int K, const float* A, const float* B, float* C,
                           cudaStream_t stream) {
  launch_sgemm_warptile_config<WarptileChosen>(M, N, K, A, B, C, stream);
}

}  // namespace gpubench::kernels
