// The regression gate's verdict in words, for the terminal and for a CI log or summary.
#include <fmt/format.h>

#include "gpubench/core/format_util.hpp"
#include "gpubench/output/report_analysis.hpp"

namespace gpubench {

void write_gate(std::ostream& os, const GateResult& g) {
  const std::string rule =
      fmt::format("a drop of more than {:.4g}% and more than the two runs' combined spread",
                  100 * g.max_regression);
  if (g.passed()) {
    os << fmt::format(
        "Regression gate: nothing regressed. {} of {} compared with {} ({}).\n",
        format_count(g.compared, "case"), g.current_name, g.baseline_name, rule);
    if (g.worst_within_noise) {
      const Regression& w = *g.worst_within_noise;
      os << fmt::format("- largest drop: {} -{:.1f}% (spread ±{:.1f}%)\n", w.key.label(),
                        100 * w.drop, 100 * w.spread);
    }
  } else {
    os << fmt::format("Regression gate: {} REGRESSED in {} against {} ({}):\n",
                      format_count(g.regressed.size(), "case"), g.current_name, g.baseline_name,
                      rule);
    for (const Regression& r : g.regressed) {
      if (r.now_failed)
        os << fmt::format("- REGRESSED {}: ok in the baseline ({} GFLOPS), FAILED now\n",
                          r.key.label(), format_gflops(r.baseline_gflops));
      else
        os << fmt::format("- REGRESSED {}: {} -> {} GFLOPS (-{:.1f}%, spread ±{:.1f}%)\n",
                          r.key.label(), format_gflops(r.baseline_gflops),
                          format_gflops(r.current_gflops), 100 * r.drop, 100 * r.spread);
    }
  }
  for (const std::string& n : g.not_compared) os << "- not compared: " << n << "\n";
  for (const std::string& n : g.incomplete)
    os << "- note: " << n << " is incomplete: the run that wrote it never finished (killed?)\n";
}

}  // namespace gpubench
