// Facts about the host (CPU, memory, OS), gathered once per run and stored with every result.
// Library and GPU facts come from the backends' providers (gpubench/backends/registry.hpp).
#pragma once

#include <cstddef>
#include <string>

#include "gpubench/core/record.hpp"

namespace gpubench {

std::string gpubench_version();

// What the platform layer knows of this machine. The clock may be measured (a short loop), so it
// is gathered once: host_facts() and every backend share the same numbers.
struct HostFacts {
  std::string hostname;
  std::string os;
  CpuInfo cpu;              // model, cores, SIMD, clock and the peak estimate
  int default_threads = 1;  // the CPUs this process may run on
};

// Gathered on the first call, the same object for the rest of the process.
const HostFacts& host_facts();

CpuInfo collect_cpu_info();
// Peak = cores x SIMD lanes x 2 (FMA) x FMA units x clock; fills peak_* and peak_note.
void estimate_cpu_peak(CpuInfo& cpu);

// Makes the measured FMA peak the CPU's peak (the model moves to model_peak_gflops_fp32 as a
// cross-check) and says so in peak_note. A failed measurement leaves the model in place.
struct CpuPeakMeasurement;
void use_measured_peak(CpuInfo& cpu, const CpuPeakMeasurement& m);

// Threads to use by default: the CPUs this process may run on.
int default_cpu_threads();

// Free host memory (MemAvailable), bytes; 0 when unknown.
std::size_t available_host_memory();

// The current time as ISO 8601 UTC ("2026-01-02T03:04:05Z"), for SystemInfo.start_time.
std::string utc_timestamp();

}  // namespace gpubench
