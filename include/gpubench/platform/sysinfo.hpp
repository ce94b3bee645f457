// Facts about the machine, gathered once per run and stored with every result.
#pragma once

#include <string>

#include "gpubench/core/record.hpp"

namespace gpubench {

std::string gpubench_version();

// CPU model, cores, SIMD, clock and peak estimate; OpenBLAS build; GPUs where CUDA is built.
// `threads` is the OpenBLAS thread count the run will use (0 = all cores).
SystemInfo collect_system_info(const std::string& command_line, int threads);

CpuInfo collect_cpu_info();
// Peak = cores x SIMD lanes x 2 (FMA) x FMA units x clock; fills peak_* and peak_note.
void estimate_cpu_peak(CpuInfo& cpu);

// Free host memory (MemAvailable), bytes; 0 when unknown.
std::size_t available_host_memory();

// Implemented in src/cuda (or as a stub): fills cuda_built, cuda_status, versions and gpus.
void collect_gpu_info(SystemInfo& info);

}  // namespace gpubench
