// The JSON printer: the results document of core/results_json plus the derived numbers of the
// Analysis that scripts want (per row: speedup, % of the reference, GFLOP per dollar, how far
// below the median GPU; the slow-GPU comparison; the verdict). Derived fields are never read back.
#include <nlohmann/json.hpp>

#include "gpubench/output/report_workload.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/report_analysis.hpp"

namespace gpubench {

namespace {

using json = nlohmann::ordered_json;

json slow_gpus_json(const Analysis& a) {
  json slow = json::array();
  for (const SlowDevice& d : a.slow_devices)
    slow.push_back({{"host", d.host},
                    {"rank", d.rank},
                    {"device_index", d.device_index},
                    {"pci_bus_id", d.pci_bus_id},
                    {"backend", d.backend},
                    {"label", d.shape.label()},
                    {"dtype", to_string(d.dtype)},
                    {"gflops", d.gflops},
                    {"median_gflops", d.median_gflops},
                    {"pct_below", d.pct_below}});
  return {{"compared", a.compared_devices}, {"threshold_pct", a.slow_threshold_pct}, {"slow", slow}};
}

}  // namespace

void write_json(std::ostream& os, const Results& r, const Analysis& a) {
  json doc = results_to_json(r);
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    const RecordAnalysis& ra = a.records[i];
    json& rec = doc["records"][i];
    rec["speedup_vs_cpu"] = json_number(ra.speedup_vs_cpu);
    rec["speedup_cpu_backend"] = ra.cpu_backend;
    rec["pct_of_reference"] = json_number(ra.pct_of_reference);
    rec["reference_backend"] = ra.reference_backend;
    // Only priced runs have the field, as before; a row that is not ok says null.
    if (r.pricing) rec["gflop_per_usd"] = json_number(ra.gflop_per_usd);
    rec["pct_below_median_gpu"] = json_number(ra.pct_below_median_gpu);
  }
  if (a.compared_devices > 1) doc["slow_gpus"] = slow_gpus_json(a);
  if (a.verdict) doc["verdict"] = verdict_to_json(*a.verdict);
  if (!a.workload.empty()) doc["workload"] = workload_to_json(a.workload);
  os << json_text(doc) << "\n";
}

}  // namespace gpubench
