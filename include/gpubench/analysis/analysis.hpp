// Results in, Analysis out: every number the printers show that is not in a Record, computed once,
// so that the table, markdown, CSV and the JSON files agree. Printers read Results + Analysis only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gpubench/analysis/verdict.hpp"
#include "gpubench/analysis/workload.hpp"
#include "gpubench/core/record.hpp"

namespace gpubench {

// A GPU that reached notably less than the median GPU on one case (same backend, dtype, shape).
struct SlowDevice {
  std::string host;
  int rank = 0;
  int device_index = -1;
  std::string pci_bus_id;
  std::string backend;
  Shape shape;
  DType dtype = DType::fp32;
  double gflops = 0;
  double median_gflops = 0;  // of every GPU that ran the case
  double pct_below = 0;      // 100 * (1 - gflops / median_gflops)
};

// Compares the GPUs (across devices, ranks and hosts) case by case; names every one more than
// `threshold_pct` below the case's median. Cases measured on fewer than two GPUs are not compared.
std::vector<SlowDevice> find_slow_devices(const Results& r, double threshold_pct = 5.0);

// How many distinct GPUs (host, rank, device) have ok rows: the summary says whether any
// comparison took place.
int count_compared_devices(const Results& r);

// The derived numbers of one record; each is absent where it does not apply.
struct RecordAnalysis {
  // GFLOPS over the best ok CPU row of the same shape and dtype (tf32 against the CPU's fp32) on
  // the same host and rank, whichever CPU library ran it; GPU rows only.
  std::optional<double> speedup_vs_cpu;
  std::string cpu_backend;  // the CPU library speedup_vs_cpu is over ("blis")
  // For the project's own kernels: GFLOPS as a percentage of the vendor library's row of the same
  // case on the same device (the reference chosen by role, see BackendRole).
  std::optional<double> pct_of_reference;
  std::string reference_backend;  // the backend pct_of_reference is a share of ("cublas")
  // GFLOPS x 3600 / the device's price per hour, when the run was priced; ok rows only.
  std::optional<double> gflop_per_usd;
  // How far below the median GPU of its case this row is, when it is a slow GPU (SlowDevice).
  std::optional<double> pct_below_median_gpu;
};

struct Analysis {
  std::vector<RecordAnalysis> records;  // one per Results::records, in the same order
  std::vector<SlowDevice> slow_devices;
  int compared_devices = 0;  // GPUs compared for slow_devices; below 2 means no comparison
  double slow_threshold_pct = 5.0;  // how far below a case's median GPU makes a GPU slow
  // Set when the results have ok CPU and GPU rows: "do I need a GPU?" has an answer (with the
  // roofline notes and, when priced, GFLOP per dollar).
  std::optional<Verdict> verdict;
  // --shapes with counts: per dtype, one pass of the workload on the best CPU and GPU rows.
  std::vector<WorkloadTotal> workload;

  // Ok CPU rows from more than one CPU library (OpenBLAS, BLIS, MKL): the speedups name theirs.
  bool several_cpu_libraries = false;

  // Whether any record has the number: printers show a column only when it has something in it.
  bool any_speedup() const;
  // Whether the "vs CPU" cells name the CPU library they are over (several were measured).
  bool speedups_name_cpu_library() const;
  bool any_pct_of_reference() const;
  bool any_gflop_per_usd() const;
  // "% cuBLAS": the reference library's name as people write it, one word when every row shares it.
  std::string reference_title() const;
};

Analysis analyse(const Results& r);

}  // namespace gpubench
