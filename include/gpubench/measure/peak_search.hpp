// `gpubench peak`: the maximum achievable matmul rate, searched over an M x N x K grid within a
// time budget. Each candidate shape is measured briefly through the runner (verification on); the
// best few are then re-measured with the full timing policy. The order of candidates:
//   1. diagonal: the "cubes" at doubling sizes (1024, 2048, 4096, ...), smallest first;
//   2. pattern: a compass search in grid-index space from the best shape so far -- each dimension
//      one step up and down, and all three together -- moving while a neighbour is >= 0.5% faster,
//      halving the step (in grid points) when none is, down to one grid step;
//   3. fill: the unmeasured shapes around the best, nearest first (cheapest first at each
//   distance),
//      while time is left.
// Each candidate's cost is predicted from what was measured so far (the rate of the nearest shape
// and the overhead of making inputs and verifying, which grows with the operands); one that would
// not fit the time left is passed over. A watchdog stops a running case at the budget's end.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gpubench/backends/registry.hpp"
#include "gpubench/core/record.hpp"
#include "gpubench/measure/runner.hpp"

namespace gpubench {

// The grid's defaults: 1024..16384 by 1024 in each dimension (16^3 = 4096 shapes). mamf-finder's
// own examples use 0..16384 by 1024 (its stop excluded) and 0..20480 by 256.
inline constexpr GridRange kDefaultPeakRange{1024, 16384, 1024};

// The values of a range, START..STOP with STOP included. START 0 means STEP (as mamf-finder's).
// Throws UsageError naming `option` for STEP < 1, STOP < START or a value beyond 2^31 - 1.
std::vector<std::int64_t> grid_values(const GridRange& r, const std::string& option);

// The indices of `count` sorted grid values that the diagonal and the coarse steps use: the
// values nearest to the first times 1, 2, 4, 8, ... and the last one.
std::vector<int> doubling_indices(const std::vector<std::int64_t>& values);

struct PeakOptions {
  GridRange m = kDefaultPeakRange, n = kDefaultPeakRange, k = kDefaultPeakRange;
  Layout layout = Layout::nn;
  // --layout not given: a dtype the GPU takes in one layout only (fp8 and int8 on Hopper: nt,
  // cuBLASLt's TN) searches in it, told through `note`.
  bool layout_chosen = true;
  std::function<void(const std::string&)> note;
  std::vector<DType> dtypes{DType::fp32};
  double budget_seconds = 60;
  // When the budget started (the command's start): everything after it counts.
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  int remeasure = 3;  // shapes re-measured with `full` timing, best search rate first
  RunOptions search;  // the short timing of each candidate (its shapes, dtypes and stop: ours)
  RunOptions full;    // the re-measuring timing
  const std::atomic<bool>* interrupt = nullptr;  // Ctrl-C: stop, keep the best so far
};

// The search's timing of one candidate: 1 warm-up run, then on a GPU the burst window alone
// (mamf-finder's: up to 50 warm-up runs, the mean of up to 100, within 0.75 s), on the CPU >= 3
// samples and >= 20 ms; verified.
RunOptions peak_search_timing(const RunOptions& base);

// What the search tells as it goes (progress lines, saving). Calls come from the caller's thread.
class PeakObserver {
 public:
  virtual ~PeakObserver() = default;
  virtual void search_started(const PeakSearch& /*s*/) {}
  // A candidate was measured: `s.points.back()` is it.
  virtual void point_measured(const PeakSearch& /*s*/, const Results& /*so_far*/) {}
  // A shape is about to be re-measured with the full timing.
  virtual void remeasure_started(const PeakSearch& /*s*/, const Shape& /*shape*/) {}
  // A re-measured row was added to so_far.records (its index is s.rows.back()).
  virtual void remeasured(const PeakSearch& /*s*/, const Results& /*so_far*/) {}
};

// Runs one search per backend (already bound to its device) and dtype, in turn, each with an equal
// share of the time left, appending a PeakSearch to results.peak and the re-measured rows to
// results.records. Stopped by opts.interrupt, it keeps what it has: when no shape of a search was
// re-measured yet, its best search row joins results.records with a warning saying so.
void run_peak_search(const std::vector<BackendEntry>& backends, const BackendOptions& bopts,
                     const PeakOptions& opts, Results& results, PeakObserver* observer = nullptr);

// The cost model of the search, exposed for the tests: seconds one candidate is predicted to take,
// from the shapes measured so far ({flops, elements, kernel seconds, wall seconds, rate}).
struct PeakCostSample {
  double flops = 0, elements = 0, kernel_seconds = 0, wall_seconds = 0, gflops = 0;
};
struct PeakCostModel {
  std::vector<PeakCostSample> seen;
  double prior_gflops = 10;  // before anything was measured: a guess from the device's peak
  bool gpu = false;          // GPU cases: burst and sustained windows (see the runner)
  // Seconds of timed work the runner will spend on a case with a run of `one_run` seconds: the
  // warm-up, then on a GPU the windows RunOptions::clocks asks for (the burst window after the
  // runner's rest from the library's tuning), else the adaptive samples.
  static double timing_seconds(const RunOptions& o, double one_run, bool gpu = false);
  // Seconds the whole case is predicted to take (inputs, timing, verification).
  double predict(const Shape& s, const RunOptions& o) const;
  // Its parts: seconds of one run (at a cautious 80% of the nearest measured shape's rate), and
  // everything besides the timed runs (inputs, copies, the library's tuning, verification).
  double one_run(const Shape& s) const;
  double overhead(const Shape& s) const;
};

}  // namespace gpubench
