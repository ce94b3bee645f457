// The per-architecture peak table, checked against published data-sheet numbers.
#include <gtest/gtest.h>

#include "gpubench/backends/gpu_peaks.hpp"

using namespace gpubench;

namespace {
constexpr int kH100Sms = 132;
double tflops(DType d, double mhz, int major = 9, int minor = 0, int sms = kH100Sms) {
  auto g = gpu_peak_gflops(major, minor, sms, mhz, d);
  EXPECT_TRUE(g.has_value()) << to_string(d);
  return g.value_or(0) / 1000;
}
}  // namespace

TEST(GpuPeaks, H100MatchesDataSheet) {
  EXPECT_NEAR(tflops(DType::fp32, 1980), 66.9, 0.1);
  EXPECT_NEAR(tflops(DType::fp64, 1980), 66.9, 0.1);   // fp64 tensor cores (67 TFLOPS)
  EXPECT_NEAR(tflops(DType::bf16, 1830), 989.4, 0.5);  // dense, quoted at 1.83 GHz
  EXPECT_NEAR(tflops(DType::fp16, 1830), 989.4, 0.5);
  EXPECT_NEAR(tflops(DType::tf32, 1830), 494.7, 0.5);
}

TEST(GpuPeaks, A100AndV100MatchDataSheets) {
  EXPECT_NEAR(tflops(DType::fp32, 1410, 8, 0, 108), 19.5, 0.1);
  EXPECT_NEAR(tflops(DType::fp64, 1410, 8, 0, 108), 19.5, 0.1);
  EXPECT_NEAR(tflops(DType::tf32, 1410, 8, 0, 108), 155.9, 0.2);
  EXPECT_NEAR(tflops(DType::bf16, 1410, 8, 0, 108), 311.9, 0.2);
  EXPECT_NEAR(tflops(DType::fp32, 1530, 7, 0, 80), 15.7, 0.1);
  EXPECT_NEAR(tflops(DType::fp64, 1530, 7, 0, 80), 7.8, 0.1);
  EXPECT_NEAR(tflops(DType::fp16, 1530, 7, 0, 80), 125.3, 0.2);
}

TEST(GpuPeaks, ScalesWithSmsAndClock) {
  const double one = *gpu_peak_gflops(9, 0, 1, 1000, DType::fp32);
  EXPECT_DOUBLE_EQ(one, 256.0);  // 256 FLOP/clk x 1 GHz
  EXPECT_DOUBLE_EQ(*gpu_peak_gflops(9, 0, 2, 2000, DType::fp32), 4 * one);
}

TEST(GpuPeaks, UnknownIsNeverGuessed) {
  EXPECT_FALSE(gpu_flops_per_clock_per_sm(7, 0, DType::bf16));   // Volta has no bf16
  EXPECT_FALSE(gpu_flops_per_clock_per_sm(7, 0, DType::tf32));
  EXPECT_FALSE(gpu_flops_per_clock_per_sm(8, 6, DType::fp16));   // GeForce vs pro: SKU decides
  EXPECT_FALSE(gpu_flops_per_clock_per_sm(6, 1, DType::fp32));   // Pascal is not in the table
  EXPECT_FALSE(gpu_flops_per_clock_per_sm(13, 0, DType::fp32));  // a future architecture
  EXPECT_FALSE(gpu_peak_gflops(9, 0, 0, 1980, DType::fp32));     // no SMs known
  EXPECT_FALSE(gpu_peak_gflops(9, 0, 132, 0, DType::fp32));      // no clock known
  EXPECT_TRUE(gpu_flops_per_clock_per_sm(8, 9, DType::fp32));
}

TEST(GpuPeaks, ArchitectureNames) {
  EXPECT_EQ(gpu_architecture_name(9, 0), "Hopper");
  EXPECT_EQ(gpu_architecture_name(8, 9), "Ada");
  EXPECT_EQ(gpu_architecture_name(8, 6), "Ampere");
  EXPECT_EQ(gpu_architecture_name(7, 5), "Turing");
  EXPECT_EQ(gpu_architecture_name(12, 0), "Blackwell");
  EXPECT_EQ(gpu_architecture_name(3, 5), "unknown");
}

TEST(GpuPeaks, Bandwidth) {
  // H100 SXM: HBM3 reported as 2619 MHz on a 5120-bit bus -> 3.35 TB/s.
  EXPECT_NEAR(*gpu_peak_bandwidth_gbs(2619, 5120), 3352, 1);
  EXPECT_FALSE(gpu_peak_bandwidth_gbs(0, 5120));
  EXPECT_FALSE(gpu_peak_bandwidth_gbs(2619, 0));
}
