// The CPU's floating-point peak, measured rather than looked up: a table of "FMA units per core"
// is wrong for AMD Zen 4 (AVX-512 on 256-bit units: 32 fp32 FLOP per cycle, not 64), for Intel
// parts with one 512-bit unit, and on aarch64. An FMA-throughput loop on the widest vector ISA
// the CPU runs, with enough independent accumulators to hide the FMA latency, gives the rate at
// the clock the CPU really holds under that load; a dependent integer-multiply chain gives the
// clock (3 cycles a step on every x86 core of the last 15 years, and never folded at rename the
// way add-immediate chains are on recent Intel cores).
#pragma once

#include <string>

namespace gpubench {

struct CpuPeakMeasurement {
  std::string isa;  // "avx512", "avx2+fma", "neon", "scalar": the loop that ran
  double clock_ghz = 0;  // one core, integer-multiply chain; 0 where not measurable
  // One core running the loop alone.
  double core_gflops_fp32 = 0, core_gflops_fp64 = 0;
  // core_gflops / clock_ghz: FLOP per cycle per core; 0 where the clock is unknown.
  double flop_per_cycle_fp32 = 0, flop_per_cycle_fp64 = 0;
  // Every thread of `threads` running the loop at once: the all-core peak.
  int threads = 0;
  double all_gflops_fp32 = 0, all_gflops_fp64 = 0;
  double seconds = 0;  // how long the whole measurement took
};

// Measures the clock and the FMA throughput of one core and of `threads` threads at once (0: one
// per CPU this process may run on). Takes well under a second.
CpuPeakMeasurement measure_cpu_peak(int threads = 0);

// One core's clock in GHz from a dependent imul chain; 0 on CPUs without the chain (not x86-64).
double measure_core_clock_ghz();

}  // namespace gpubench
