// "Do I need a GPU?" answered from measurements: where the GPU overtakes the CPU (with and
// without host-device copies), the speedups, whether the GPU pays for its price, and a roofline
// note per shape. compute_verdict is a pure function of Results; output/report_analysis.hpp
// prints its result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

// Where a GPU-over-CPU ratio first exceeds a threshold (1 for "faster", the price ratio for "pays
// off") across the measured square sizes, in increasing order. Sizes that were not measured are
// never invented: a crossover lies "between" two measured sizes.
struct Crossover {
  enum class Kind {
    no_data,  // no size had both a CPU and a GPU number
    never,    // not ahead at the largest compared size (maybe at some smaller ones: ahead_at)
    always,   // ahead at every compared size
    between,  // behind at `below`, ahead at `above` and every larger compared size
  };
  Kind kind = Kind::no_data;
  std::int64_t below = 0, above = 0;
  std::int64_t smallest = 0, largest = 0;  // the compared range
  std::vector<std::int64_t> ahead_at;      // sizes ahead below the crossover (noise, caches)
};

// `ahead[i]` says whether the GPU was ahead at sizes[i]; sizes ascending.
Crossover find_crossover(const std::vector<std::int64_t>& sizes, const std::vector<bool>& ahead);

// One square size where both devices have an ok row.
struct SizePoint {
  std::int64_t n = 0;
  double cpu_gflops = 0;
  std::string cpu_backend;
  double gpu_gflops = 0;  // kernel only, best GPU row
  std::string gpu_backend;
  // Best end-to-end GFLOPS (copies included) per host memory kind ("pinned", "pageable").
  std::vector<std::pair<std::string, double>> e2e_gflops;
  // Work per joule of the two rows above, where their telemetry read the power; the reason where
  // the CPU's could not be (a VM, a counter readable by root only).
  std::optional<double> cpu_gflops_per_watt, gpu_gflops_per_watt;
  std::string cpu_energy_unavailable;
  double speedup() const { return gpu_gflops / cpu_gflops; }
  std::optional<double> e2e_speedup(const std::string& host_memory) const;
};

// The host memory kinds ("pinned", "pageable") of the points' end-to-end rows, in first-seen order.
std::vector<std::string> host_memory_kinds(const std::vector<SizePoint>& points);

// GFLOP per dollar at `usd_per_hour`: GFLOPS x 3600 s / price of that hour.
double gflop_per_usd(double gflops, double usd_per_hour);

struct DtypeVerdict {
  std::string host;  // the host that measured it (Results can hold several)
  DType dtype = DType::fp32;
  DType cpu_dtype = DType::fp32;  // tf32 GPU rows compare with the CPU's fp32 rows
  std::vector<SizePoint> points;  // ascending n
  std::vector<std::int64_t> unpaired;  // square sizes measured on one side only (or not ok there)
  std::string why_no_comparison;       // set when points is empty
  Crossover kernel;                    // GPU kernel-only vs CPU
  std::vector<std::pair<std::string, Crossover>> with_copies;  // per host memory kind
  // With pricing: where GPU GFLOP/$ beats CPU GFLOP/$ (speedup > price ratio).
  std::optional<Crossover> price_kernel;
  std::vector<std::pair<std::string, Crossover>> price_with_copies;
  std::optional<SizePoint> peak;  // the point of the highest kernel-only speedup
};

// The roofline position of one device for one shape and dtype.
struct RooflineDevice {
  std::string label;  // "CPU", "GPU 0"
  std::optional<double> peak_gflops, bandwidth_gbs;
  std::optional<double> ridge() const;  // FLOP per byte where memory and compute limits meet
  // "memory" | "compute" | "unknown"
  std::string bound(double intensity) const;
};

struct RooflineNote {
  Shape shape;
  DType dtype = DType::fp32;
  double intensity = 0;  // 2MNK / bytes of A, B and C, each moved once
  std::vector<RooflineDevice> devices;
};

// FLOP per byte moved at minimum: 2MNK / ((MK + KN + MN) x element bytes).
double arithmetic_intensity(const Shape& s, DType d);

// Which CPU library is fastest at one square size and dtype (OpenBLAS, BLIS, MKL).
struct CpuLibrarySize {
  std::int64_t n = 0;
  std::vector<std::pair<std::string, double>> gflops;  // each library's best ok row, run order
  std::string best;
  double best_gflops = 0;
  double runner_up_gflops = 0;  // the next library's; 0 when only one ran at this size
};

// The CPU libraries compared for one dtype on one host, where more than one has ok rows.
struct CpuLibraryVerdict {
  std::string host;
  DType dtype = DType::fp32;
  std::vector<std::string> libraries;  // in run order
  std::vector<CpuLibrarySize> sizes;   // ascending n, sizes where at least two libraries ran
};

struct Verdict {
  std::vector<DtypeVerdict> dtypes;
  std::vector<CpuLibraryVerdict> cpu_libraries;  // empty unless several CPU libraries ran
  std::vector<RooflineNote> roofline;
  std::optional<Pricing> pricing;
  std::vector<std::string> hosts;
};

// True when the results have ok rows from both a CPU and a GPU backend, or from several CPU
// libraries at the same shape and dtype: the verdict has something to say.
bool verdict_applies(const Results& r);

Verdict compute_verdict(const Results& r);

}  // namespace gpubench
