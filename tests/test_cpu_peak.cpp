// The measured CPU peak: plausible on whatever CPU runs the tests (the exact figure is a benchmark
// claim, made in bench/, not here).
#include <gtest/gtest.h>

#include "gpubench/platform/cpu_peak.hpp"
#include "gpubench/platform/cpuinfo.hpp"

using namespace gpubench;

TEST(CpuPeak, FlopPerCycleIsPlausibleAndTheWholeMeasurementIsShort) {
  // An emulator's FMA rate is the translator's: gpubench does not measure it (cpuinfo.hpp).
  if (!running_emulated().empty()) GTEST_SKIP() << kNotMeasuredEmulated << ": " << running_emulated();
  const CpuPeakMeasurement m = measure_cpu_peak();
  EXPECT_FALSE(m.isa.empty());
  EXPECT_GT(m.core_gflops_fp32, 0);
  EXPECT_GT(m.core_gflops_fp64, 0);
  EXPECT_GE(m.threads, 1);
  EXPECT_GT(m.all_gflops_fp32, 0);
  EXPECT_LT(m.seconds, 5.0);  // "well under a second" on an idle machine; slack for a busy CI
#if defined(__x86_64__)
  ASSERT_GT(m.clock_ghz, 0.2);
  EXPECT_LT(m.clock_ghz, 7.0);
  // From a core without vector FMA (a few FLOP per cycle) to two 512-bit FMA units (64); 256
  // leaves room for wider cores to come, not for a lane or accumulator miscount.
  EXPECT_GE(m.flop_per_cycle_fp32, 4.0);
  EXPECT_LE(m.flop_per_cycle_fp32, 256.0);
  // fp64 lanes are half as many as fp32 lanes.
  EXPECT_NEAR(m.flop_per_cycle_fp64 / m.flop_per_cycle_fp32, 0.5, 0.2);
#endif
}

TEST(CpuPeak, RunsTheWidestVectorLoop) {
  // Which loop ran, not how fast: this runs under emulation too, where it executes the SVE loop
  // on the vectors qemu offers (512 bits by default).
  const CpuPeakMeasurement m = measure_cpu_peak(1);
#if defined(__aarch64__)
  const int sve = sve_vector_bits();
  EXPECT_EQ(m.isa, sve > 128 ? "sve " + std::to_string(sve) + "-bit" : std::string("neon"));
#elif defined(__x86_64__)
  EXPECT_TRUE(m.isa == "avx512" || m.isa == "avx2+fma" || m.isa == "scalar") << m.isa;
#endif
  EXPECT_GT(m.core_gflops_fp32, 0);
  EXPECT_GT(m.all_gflops_fp64, 0);
  EXPECT_EQ(m.threads, 1);
}
