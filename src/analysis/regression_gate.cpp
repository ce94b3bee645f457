// The regression gate: fail a CI run only for slowdowns larger than the threshold and the noise.
#include "gpubench/analysis/regression_gate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

double parse_max_regression(const std::string& text) {
  // Spaces around it are forgiven, as by the other number options.
  std::string s = text;
  while (!s.empty() && s.back() == ' ') s.pop_back();
  s.erase(0, std::min(s.size(), s.find_first_not_of(' ')));
  if (!s.empty() && s.back() == '%') s.pop_back();
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v))
    throw UsageError(
        fmt::format("--max-regression '{}' is not a percentage; write e.g. 5% or 5 (five percent)",
                    shown_input(text, 40)));
  if (v < 0 || v >= 100)
    throw UsageError(fmt::format("--max-regression '{}' must be at least 0% and below 100%",
                                 shown_input(text, 40)));
  return v / 100.0 + 0.0;  // + 0.0: "-0" is 0, not a gate of "more than -0%"
}

// A run's noise as its median sees it: how far the fastest sample lies below the median. Unlike
// the CV, it is not inflated by a few preempted (slow) samples; on a busy machine one of those
// can push the CV past 100%, and a gate using it could then never fail.
double run_spread(const Stats& s) {
  if (s.samples < 2 || !(s.median > 0)) return 0.0;
  return std::max(0.0, (s.median - s.min) / s.median);
}

GateResult regression_gate(const NamedResults& baseline, const NamedResults& current,
                           double max_regression) {
  GateResult g;
  g.baseline_name = baseline.name;
  g.current_name = current.name;
  g.max_regression = max_regression;
  const std::vector<NamedResults> runs{baseline, current};  // outlives the rows pointing into it
  const Comparison c = compare_runs(runs);
  g.incomplete = c.incomplete;
  for (const ComparedRow& row : c.rows) {
    const Record* base = row.records[0];
    const Record* now = row.records[1];
    if (!base || !base->ok()) continue;  // nothing to hold the new run to
    if (!now || (!now->ok() && now->status != Status::failed)) {
      g.not_compared.push_back(
          fmt::format("{}: {}", row.key.label(),
                      now ? fmt::format("{} now ({})", to_string(now->status), now->reason)
                          : std::string("not in the new run")));
      continue;
    }
    Regression r;
    r.key = row.key;
    r.baseline_gflops = base->main.gflops;
    if (now->status == Status::failed) {
      r.now_failed = true;
      g.regressed.push_back(r);
      continue;
    }
    ++g.compared;
    r.current_gflops = now->main.gflops;
    r.drop = base->main.gflops > 0 ? 1.0 - now->main.gflops / base->main.gflops : 0.0;
    r.spread = std::hypot(run_spread(base->main.seconds), run_spread(now->main.seconds));
    if (r.drop > max_regression && r.drop > r.spread)
      g.regressed.push_back(r);
    else if (r.drop > 0 && (!g.worst_within_noise || r.drop > g.worst_within_noise->drop))
      g.worst_within_noise = r;
  }
  return g;
}

}  // namespace gpubench
