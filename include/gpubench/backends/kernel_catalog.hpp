// The project's own CUDA kernels (kernels/) as the registry lists them: names, one-line
// descriptions and what each can take. Plain data, so a build without CUDA lists them too.
#pragma once

#include <array>
#include <string_view>

#include "gpubench/core/dtype.hpp"

namespace gpubench {

struct KernelInfo {
  std::string_view name;         // registry name, "kernel:<step>"
  std::string_view description;  // what the step adds, for `gpubench info`
  DType dtype;                   // the one dtype it multiplies
  int kn_multiple;               // K and N must be multiples of this (1 = any shape)
  bool needs_hopper;             // wgmma/TMA code built for sm_90a: compute capability 9.0 only
};

// In ladder order; the group name for --backends is "kernels".
inline constexpr std::array<KernelInfo, 8> kKernelCatalog{{
    {"kernel:naive", "own SGEMM 1: one thread per element, uncoalesced", DType::fp32, 1, false},
    {"kernel:coalesced", "own SGEMM 2: coalesced global-memory access", DType::fp32, 1, false},
    {"kernel:smem", "own SGEMM 3: 32x32 shared-memory tiles", DType::fp32, 1, false},
    {"kernel:tile1d", "own SGEMM 4: 1D register tiling (8 results/thread)", DType::fp32, 1,
     false},
    {"kernel:tile2d", "own SGEMM 5: 2D register tiling (8x8 results/thread)", DType::fp32, 1,
     false},
    {"kernel:vectorized", "own SGEMM 6: float4 loads, transposed A tile", DType::fp32, 4, false},
    {"kernel:warptile", "own SGEMM 7: warp tiling + double buffering, tuned for H100",
     DType::fp32, 4, false},
    {"kernel:wgmma_bf16", "own Hopper BF16: TMA + wgmma, warp-specialised, persistent, TMA stores",
     DType::bf16, 8, true},
}};

}  // namespace gpubench
