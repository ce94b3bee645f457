// The regression gate shared by `matmul --baseline` and `compare --max-regression`: which cases
// got slower than a threshold, beyond the noise the two runs measured.
#pragma once

#include <string>
#include <vector>

#include "gpubench/analysis/compare.hpp"
#include "gpubench/core/record.hpp"

namespace gpubench {

// "5%", "5" (percent) or "0.5%"; returns the fraction (0.05). Throws UsageError for anything else
// or for a value outside [0, 100).
double parse_max_regression(const std::string& s);

struct Regression {
  CaseKey key;
  double baseline_gflops = 0, current_gflops = 0;
  double drop = 0;          // 1 - current / baseline
  double spread = 0;        // the two runs' noise combined, sqrt(s_a^2 + s_b^2), see run_spread
  bool now_failed = false;  // ok in the baseline, failed (e.g. verification) now
};

struct GateResult {
  std::string baseline_name, current_name;
  double max_regression = 0.05;
  int compared = 0;                       // cases ok in both runs
  std::vector<Regression> regressed;      // slower beyond threshold and spread, or failing now
  std::vector<std::string> not_compared;  // ok in the baseline, absent or not run now
  std::optional<Regression> worst_within_noise;  // the largest drop that did not count
  std::vector<std::string> incomplete;           // inputs whose run never finished (killed mid-run)
  bool passed() const { return regressed.empty(); }
};

// A case regressed when its GFLOPS dropped by more than `max_regression` AND by more than the
// combined spread of the two measurements (so noise alone never fails a build), or when it was ok
// in the baseline and failed now.
GateResult regression_gate(const NamedResults& baseline, const NamedResults& current,
                           double max_regression);

// A run's relative noise around its median: (median - min) / median, 0 with fewer than 2 samples.
double run_spread(const Stats& s);

}  // namespace gpubench
