// A workload's answer (--shapes with counts: a captured program, a suite): per dtype, the time
// one pass of its whole GEMM set takes on the fastest CPU row and the fastest GPU row, the
// speedup, and which shapes dominate. Records carry their case's calls (Record::workload_calls).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

// One backend on one device running the whole set: sum over cases of calls x median time.
struct WorkloadRow {
  std::string backend;
  std::string library;  // the backend's library as people name it (its provider's display name)
  DeviceKind device_kind = DeviceKind::cpu;
  int device_index = -1;
  std::string device_name;
  std::string host;
  int rank = 0;
  double seconds = 0;                        // per pass, kernel only (CPU: the call itself)
  std::optional<double> end_to_end_seconds;  // per pass with copies, when every case has it
};

// A case's part of a pass on a row.
struct WorkloadShare {
  Shape shape;
  std::int64_t calls = 0;
  double seconds = 0;  // calls x median time
  double share = 0;    // of the row's pass, 0..1
};

struct WorkloadTotal {
  DType dtype = DType::fp32;
  int cases = 0;            // distinct shapes of this dtype
  std::int64_t calls = 0;   // GEMM calls per pass
  double flop = 0;          // per pass
  std::optional<WorkloadRow> cpu, gpu;  // the fastest row of each kind that ran every case
  std::optional<double> speedup;             // cpu / gpu kernel-only time per pass
  std::optional<double> speedup_end_to_end;  // cpu / gpu time with copies
  std::vector<WorkloadShare> dominant;  // the largest shares on the GPU row (else CPU), <= 3
  int incomplete_rows = 0;  // rows left out: some case was not measured ok on them
};

// Empty when no record has workload calls.
std::vector<WorkloadTotal> compute_workload(const Results& r);

}  // namespace gpubench
