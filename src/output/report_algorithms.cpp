#include "gpubench/output/report_algorithms.hpp"

#include <fmt/format.h>

#include "gpubench/analysis/analysis.hpp"
#include "gpubench/core/format_util.hpp"

namespace gpubench {

std::vector<std::string> tuned_gain_lines(const Results& r) {
  std::vector<std::string> lines;
  for (const Record& rec : r.records) {
    if (!rec.ok() || !rec.tuned_gain || !rec.default_rate || *rec.tuned_gain < kTunedGainShown)
      continue;
    const std::string device =
        rec.device_index >= 0 ? fmt::format(" (GPU {})", rec.device_index) : "";
    lines.push_back(fmt::format(
        "tuned: {}{} {} {}: the chosen algorithm runs {:.2f}x the library's default ({} GFLOPS "
        "by default; default {}, chosen {})",
        rec.backend, device, to_string(rec.dtype), rec.shape.label(),
        *rec.tuned_gain, format_gflops(rec.default_rate->gflops), rec.default_algorithm,
        rec.algorithm));
  }
  return lines;
}

}  // namespace gpubench
