// The JSON printer: the results document of core/results_json plus the derived numbers scripts
// want (GFLOP per dollar per row, the verdict). Derived fields are never read back.
#include <cmath>

#include <nlohmann/json.hpp>

#include "gpubench/analysis/verdict.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/report.hpp"

namespace gpubench {

void write_json(std::ostream& os, const Results& r) {
  nlohmann::ordered_json doc = results_to_json(r);
  if (r.pricing) {
    // GFLOP per dollar of each ok row, at its device's price.
    for (std::size_t i = 0; i < r.records.size(); ++i)
      if (const Record& rec = r.records[i]; rec.ok()) {
        const double g = gflop_per_usd(rec.gflops, rec.device_kind == DeviceKind::cpu
                                                       ? r.pricing->cpu_usd_per_hour
                                                       : r.pricing->gpu_usd_per_hour);
        doc["records"][i]["gflop_per_usd"] = std::isfinite(g) ? nlohmann::ordered_json(g) : nullptr;
      }
  }
  // Derived for scripts, never read back: crossovers, speedups, GFLOP per dollar, roofline.
  if (verdict_applies(r)) doc["verdict"] = verdict_to_json(compute_verdict(r));
  os << doc.dump(2) << "\n";
}

}  // namespace gpubench
