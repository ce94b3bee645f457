#include "gpubench/backends/gpu_peaks.hpp"

#include <fmt/format.h>

namespace gpubench {

std::string gpu_architecture_name(int cc_major, int cc_minor) {
  switch (cc_major) {
    case 7: return cc_minor >= 5 ? "Turing" : "Volta";
    case 8: return cc_minor == 9 ? "Ada" : "Ampere";
    case 9: return "Hopper";
    case 10:
    case 12: return "Blackwell";
    default: return "unknown";
  }
}

// Sources: NVIDIA architecture whitepapers and data sheets, cross-checked as peak = SMs x rate x
// clock: V100 SXM2 80 SMs at 1.53 GHz (15.7 fp32, 7.8 fp64, 125 fp16 TFLOPS); A100 108 SMs at
// 1.41 GHz (19.5 fp32 and fp64 tensor, 156 tf32, 312 fp16/bf16); H100 SXM 132 SMs (66.9 fp32 and
// 67 fp64 tensor at 1.98 GHz, 495 tf32 and 989 bf16 at 1.83 GHz); B200 148 SMs (2.25 PFLOPS dense
// bf16, 1.1 tf32). GeForce/professional splits (7.5, 8.6, 8.9, 12.0 tensor rates) stay unknown.
// fp8 and int8 (dense, one rate for every fp8 mix and output; int8 in operations per second):
// A100 624 TOPS int8 = 108 x 4096 x 1.41 GHz, no fp8; H100 SXM 1979 TFLOPS fp8 and 1979 TOPS
// int8 = 132 x 8192 x 1.83 GHz (the H200 is the same GH100 chip, 132 SMs); B200 4.5 PFLOPS fp8
// and 4.5 POPS int8 dense, 2x Hopper per SM. Volta has neither; Turing and Ada split by product.
std::optional<double> gpu_flops_per_clock_per_sm(int cc_major, int cc_minor, DType d) {
  const int cc = cc_major * 10 + cc_minor;
  if (is_fp8(d) || is_int8(d)) {
    const bool fp8 = is_fp8(d);
    switch (cc) {
      case 80: return fp8 ? std::nullopt : std::optional<double>(4096);
      case 90: return 8192;
      case 100: return 16384;
      default: return std::nullopt;
    }
  }
  switch (cc) {
    case 70:  // Volta V100: 64 fp32, 32 fp64 lanes; 8 tensor cores x 64 fp16 FMA (fp32 acc. too)
      switch (d) {
        case DType::fp64: return 64;
        case DType::fp32: return 128;
        case DType::fp16: return 1024;
        default: return std::nullopt;  // no tf32 or bf16 on Volta
      }
    case 75:  // Turing: 64 fp32 lanes, fp64 at 1/32
      switch (d) {
        case DType::fp64: return 4;
        case DType::fp32: return 128;
        default: return std::nullopt;  // fp16 with fp32 accumulation: full or half rate by SKU
      }
    case 80:  // A100: 64 fp32 lanes; fp64 through DMMA tensor cores (what cuBLAS DGEMM uses)
      switch (d) {
        case DType::fp64: return 128;
        case DType::fp32: return 128;
        case DType::tf32: return 1024;
        case DType::fp16:
        case DType::bf16: return 2048;
        default: return std::nullopt;
      }
    case 86:  // GA10x, Ada: 128 fp32 lanes, fp64 at 1/64; tensor rates depend on the product
    case 89:
    case 120:  // consumer/workstation Blackwell, same split
      switch (d) {
        case DType::fp64: return 4;
        case DType::fp32: return 256;
        default: return std::nullopt;
      }
    case 87:  // Jetson Orin: 128 fp32 lanes; its fp64 and tensor rates are not published per SM
      if (d == DType::fp32) return 256;
      return std::nullopt;
    case 90:  // H100/H200: 128 fp32 lanes, fp64 tensor cores at 2x the fp64 lanes
      switch (d) {
        case DType::fp64: return 256;
        case DType::fp32: return 256;
        case DType::tf32: return 2048;
        case DType::fp16:
        case DType::bf16: return 4096;
        default: return std::nullopt;
      }
    case 100:  // B200: tensor cores at 2x Hopper per SM; its fp64 rate is not settled enough
      switch (d) {
        case DType::fp32: return 256;
        case DType::tf32: return 4096;
        case DType::fp16:
        case DType::bf16: return 8192;
        default: return std::nullopt;
      }
    default: return std::nullopt;
  }
}

std::optional<double> gpu_peak_gflops(int cc_major, int cc_minor, int sms, double sm_clock_mhz,
                                      DType d) {
  if (sms <= 0 || !(sm_clock_mhz > 0)) return std::nullopt;
  const auto rate = gpu_flops_per_clock_per_sm(cc_major, cc_minor, d);
  if (!rate) return std::nullopt;
  return double(sms) * *rate * sm_clock_mhz * 1e6 / 1e9;
}

std::optional<double> gpu_peak_bandwidth_gbs(double memory_clock_mhz, int bus_width_bits) {
  if (!(memory_clock_mhz > 0) || bus_width_bits <= 0) return std::nullopt;
  return memory_clock_mhz * 1e6 * 2.0 * (bus_width_bits / 8.0) / 1e9;
}

std::optional<Layout> only_gpu_layout(DType d, int cc_major, int cc_minor) {
  const int cc = cc_major * 10 + cc_minor;
  const int first = is_fp8(d) ? 89 : is_int8(d) ? 75 : 0;  // the first GPUs with the kernels
  if (first == 0 || cc < first || cc >= 100) return std::nullopt;
  return Layout::nt;
}

std::string only_gpu_layout_note(DType d, const GpuInfo& gpu) {
  const auto only = only_gpu_layout(d, gpu.cc_major, gpu.cc_minor);
  if (!only) return {};
  return fmt::format(
      "{} runs in layout {} (B stored N x K), the only one cuBLASLt's {} kernels take on {} "
      "(compute capability {}.{}); --layout nn is refused there",
      to_string(d), to_string(*only), is_int8(d) ? "int8" : "fp8", gpu.name, gpu.cc_major,
      gpu.cc_minor);
}

}  // namespace gpubench
