// The project's own CUDA kernels (kernels/) as the registry lists them: names, one-line
// descriptions, what each can take and its launcher. A build without CUDA lists them too, with
// no launcher: their rows say why they cannot run.
#pragma once

#include <array>
#include <string_view>

#include "gpubench/core/dtype.hpp"

namespace gpubench {

// One launch: device pointers and the stream (a cudaStream_t), untyped so that this header
// compiles without CUDA. A, B and C are row-major in the kernel's dtype.
struct KernelLaunch {
  int m, n, k;
  const void* a;
  const void* b;
  void* c;
  void* stream;
};
// Enqueues one multiplication; returns the CUDA error code of the launch (0: cudaSuccess).
using KernelLauncher = int (*)(const KernelLaunch&);

#ifdef GPUBENCH_HAVE_CUDA
// Defined in src/backends/cuda/backend_kernels.cpp over kernels/kernels.hpp.
namespace kernel_launchers {
int sgemm_naive(const KernelLaunch&);
int sgemm_coalesced(const KernelLaunch&);
int sgemm_smem(const KernelLaunch&);
int sgemm_tile1d(const KernelLaunch&);
int sgemm_tile2d(const KernelLaunch&);
int sgemm_vectorized(const KernelLaunch&);
int sgemm_warptile(const KernelLaunch&);
int bf16_wgmma(const KernelLaunch&);
}  // namespace kernel_launchers
#define GPUBENCH_KERNEL_LAUNCHER(fn) &kernel_launchers::fn
#else
#define GPUBENCH_KERNEL_LAUNCHER(fn) nullptr
#endif

struct KernelInfo {
  std::string_view name;         // registry name, "kernel:<step>"
  std::string_view description;  // what the step adds, for `gpubench info`
  DType dtype;                   // the one dtype it multiplies
  int kn_multiple;               // K and N must be multiples of this (1 = any shape)
  bool needs_hopper;             // wgmma/TMA code built for sm_90a: compute capability 9.0 only
  KernelLauncher launch;         // null in a build without CUDA
};

// In ladder order; the group name for --backends is "kernels".
inline constexpr std::array<KernelInfo, 8> kKernelCatalog{{
    {"kernel:naive", "own SGEMM 1: one thread per element, uncoalesced", DType::fp32, 1, false,
     GPUBENCH_KERNEL_LAUNCHER(sgemm_naive)},
    {"kernel:coalesced", "own SGEMM 2: coalesced global-memory access", DType::fp32, 1, false,
     GPUBENCH_KERNEL_LAUNCHER(sgemm_coalesced)},
    {"kernel:smem", "own SGEMM 3: 32x32 shared-memory tiles", DType::fp32, 1, false,
     GPUBENCH_KERNEL_LAUNCHER(sgemm_smem)},
    {"kernel:tile1d", "own SGEMM 4: 1D register tiling (8 results/thread)", DType::fp32, 1, false,
     GPUBENCH_KERNEL_LAUNCHER(sgemm_tile1d)},
    {"kernel:tile2d", "own SGEMM 5: 2D register tiling (8x8 results/thread)", DType::fp32, 1, false,
     GPUBENCH_KERNEL_LAUNCHER(sgemm_tile2d)},
    {"kernel:vectorized", "own SGEMM 6: float4 loads, transposed A tile", DType::fp32, 4, false,
     GPUBENCH_KERNEL_LAUNCHER(sgemm_vectorized)},
    {"kernel:warptile", "own SGEMM 7: warp tiling + double buffering, tuned for H100", DType::fp32,
     4, false, GPUBENCH_KERNEL_LAUNCHER(sgemm_warptile)},
    {"kernel:wgmma_bf16", "own Hopper BF16: TMA + wgmma, warp-specialised, persistent, TMA stores",
     DType::bf16, 8, true, GPUBENCH_KERNEL_LAUNCHER(bf16_wgmma)},
}};

#undef GPUBENCH_KERNEL_LAUNCHER

}  // namespace gpubench
