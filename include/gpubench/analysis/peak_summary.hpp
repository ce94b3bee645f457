// What `gpubench peak` found, computed once for every printer: per search, the best row, the
// fastest shapes of the search and the means over every shape it measured.
#pragma once

#include <optional>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

struct PeakSummary {
  const PeakSearch* search = nullptr;
  // Index into Results::records of the best row: the fastest ok re-measured row, ranked by
  // achievable_gflops; -1 when none is ok.
  int best_row = -1;
  // False when the best row has only the search's short timing (the run ended before re-measuring).
  bool best_remeasured = false;
  // The best row's rates: burst and sustained on GPU rows (as far as measured), one rate on the
  // CPU; each with its % of the device's peak where the peak is known.
  std::optional<double> best_burst_gflops, best_sustained_gflops, best_one_rate_gflops;
  std::optional<double> best_burst_pct, best_sustained_pct, best_one_rate_pct;
  int remeasured = 0;    // rows measured again with the full (or shortened) timing
  std::vector<int> top;  // indices into search->points: the fastest ok shapes, fastest first
  int measured = 0;      // shapes measured (points)
  int ok = 0, failed = 0, not_run = 0;  // not_run: skipped or unsupported
  // Over the ok points, at the search's timing: mamf-finder's summary of a grid.
  std::optional<double> geomean_gflops, mean_gflops;
};

// The rate a peak row is ranked by: its burst rate where it has one (the maximum achievable rate,
// as mamf-finder ranks shapes), else its one rate.
double achievable_gflops(const Record& r);

// One summary per search of r.peak, in order; `top` shapes at most in each top list.
std::vector<PeakSummary> summarize_peak(const Results& r, int top = 10);

}  // namespace gpubench
