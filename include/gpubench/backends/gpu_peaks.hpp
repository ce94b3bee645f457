// Theoretical GPU peaks from the architecture: SMs x dense FLOP per clock per SM x SM clock, and
// memory bandwidth from the memory clock and bus width. Pure functions, testable without a GPU.
#pragma once

#include <optional>
#include <string>

#include "gpubench/core/dtype.hpp"
#include "gpubench/core/record.hpp"
#include "gpubench/core/shape.hpp"

namespace gpubench {

// Marketing name of a compute capability ("Hopper" for 9.0), or "unknown".
std::string gpu_architecture_name(int cc_major, int cc_minor);

// Dense (no sparsity) FLOP per clock per SM on the path cuBLAS takes for the dtype: tensor cores
// for tf32/fp16/bf16 (fp32 accumulation) and for fp64 where the SM has fp64 tensor cores (8.0,
// 9.0); the CUDA cores otherwise. nullopt when the hardware lacks the dtype or the rate is not
// known for certain (e.g. the product line decides it: GeForce parts run fp32-accumulating tensor
// math at half the rate of their data-centre siblings), so no peak is ever a guess.
std::optional<double> gpu_flops_per_clock_per_sm(int cc_major, int cc_minor, DType d);

// SMs x FLOP/clk/SM x clock, in GFLOPS, at the given SM clock (gpubench uses the maximum SM clock
// the device reports; data sheets quote tensor peaks at a lower boost clock, e.g. the H100 SXM's
// 989 TFLOPS bf16 at 1.83 GHz). nullopt when the rate is unknown or the inputs are not positive.
std::optional<double> gpu_peak_gflops(int cc_major, int cc_minor, int sms, double sm_clock_mhz,
                                      DType d);

// Memory clock (MHz, as the CUDA attribute reports it) x bus width x 2 (double data rate, which
// holds for GDDR and HBM as reported), in GB/s; nullopt when either input is zero.
std::optional<double> gpu_peak_bandwidth_gbs(double memory_clock_mhz, int bus_width_bits);

// The one layout cuBLASLt's kernels of `d` take on a GPU of compute capability major.minor, when
// they take only one: fp8 (8.9 up to 10.0) and int8 (7.5 up to 10.0) run the TN format alone,
// which is row-major nt (B stored N x K), as every framework calls them. nullopt: any layout, or
// the dtype does not run on that GPU at all (its own reason, not the layout's).
std::optional<Layout> only_gpu_layout(DType d, int cc_major, int cc_minor);
// What a run that chose no --layout says when `d` runs in that one layout on `gpu`.
std::string only_gpu_layout_note(DType d, const GpuInfo& gpu);

}  // namespace gpubench
