// The verdict for scripts: the "verdict" section of the results JSON, derived at write time.
#include <cmath>
#include <nlohmann/json.hpp>

#include "gpubench/core/results_json.hpp"
#include "gpubench/output/report_analysis.hpp"

namespace gpubench {

namespace {

using nlohmann::json;

// One helper for every printer (core/results_json.hpp); the verdict keeps its keys sorted.
json finite_or_null(std::optional<double> v) { return json(json_number(v)); }

json crossover_json(const Crossover& c) {
  const char* kinds[] = {"no_data", "never", "always", "between"};
  json j = {{"kind", kinds[int(c.kind)]}, {"text", describe_crossover(c)}};
  if (c.kind == Crossover::Kind::between) j["below"] = c.below, j["above"] = c.above;
  if (c.kind != Crossover::Kind::no_data) j["smallest"] = c.smallest, j["largest"] = c.largest;
  if (!c.ahead_at.empty()) j["also_ahead_at"] = c.ahead_at;
  return j;
}

json per_memory(const std::vector<std::pair<std::string, Crossover>>& v) {
  json j = json::object();
  for (const auto& [kind, c] : v) j[kind] = crossover_json(c);
  return j;
}

json dtype_verdict_json(const DtypeVerdict& d, const std::optional<Pricing>& price) {
  json j = {{"host", d.host},
            {"dtype", to_string(d.dtype)},
            {"cpu_dtype", to_string(d.cpu_dtype)},
            {"unpaired_sizes", d.unpaired}};
  if (d.points.empty()) {
    j["why_no_comparison"] = d.why_no_comparison;
    return j;
  }
  j["crossover"] = crossover_json(d.kernel);
  j["crossover_with_copies"] = per_memory(d.with_copies);
  if (d.price_kernel) {
    j["price_crossover"] = crossover_json(*d.price_kernel);
    j["price_crossover_with_copies"] = per_memory(d.price_with_copies);
  }
  const double ratio = price ? price->gpu_usd_per_hour / price->cpu_usd_per_hour : 0;
  json sizes = json::array();
  for (const SizePoint& p : d.points) {
    json s = {{"n", p.n},
              {"cpu_backend", p.cpu_backend},
              {"cpu_gflops", finite_or_null(p.cpu_gflops)},
              {"gpu_backend", p.gpu_backend},
              {"gpu_gflops", finite_or_null(p.gpu_gflops)},
              {"speedup", finite_or_null(p.speedup())}};
    if (p.cpu_gflops_per_watt) s["cpu_gflops_per_watt"] = finite_or_null(*p.cpu_gflops_per_watt);
    if (p.gpu_gflops_per_watt) s["gpu_gflops_per_watt"] = finite_or_null(*p.gpu_gflops_per_watt);
    if (p.cpu_gflops_per_watt && p.gpu_gflops_per_watt)
      s["work_per_joule_ratio"] = finite_or_null(*p.gpu_gflops_per_watt / *p.cpu_gflops_per_watt);
    json e2e = json::object();
    for (const auto& [kind, g] : p.e2e_gflops) {
      e2e[kind] = {{"gflops", finite_or_null(g)}, {"speedup", finite_or_null(p.e2e_speedup(kind))}};
      if (price) {
        e2e[kind]["gflop_per_usd"] = finite_or_null(gflop_per_usd(g, price->gpu_usd_per_hour));
        e2e[kind]["gpu_pays_off"] = *p.e2e_speedup(kind) > ratio;
      }
    }
    s["with_copies"] = e2e;
    if (price) {
      s["cpu_gflop_per_usd"] = finite_or_null(gflop_per_usd(p.cpu_gflops, price->cpu_usd_per_hour));
      s["gpu_gflop_per_usd"] = finite_or_null(gflop_per_usd(p.gpu_gflops, price->gpu_usd_per_hour));
      s["gpu_pays_off"] = p.speedup() > ratio;
    }
    sizes.push_back(s);
  }
  j["sizes"] = sizes;
  const SizePoint& last = d.points.back();
  j["largest"] = {{"n", last.n}, {"speedup", finite_or_null(last.speedup())}};
  if (d.peak)
    j["peak_speedup"] = {{"n", d.peak->n}, {"speedup", finite_or_null(d.peak->speedup())}};
  return j;
}

}  // namespace

json verdict_to_json(const Verdict& v) {
  json dtypes = json::array();
  for (const DtypeVerdict& d : v.dtypes) dtypes.push_back(dtype_verdict_json(d, v.pricing));
  json roofline = json::array();
  for (const RooflineNote& n : v.roofline) {
    json devices = json::array();
    for (const RooflineDevice& d : n.devices)
      devices.push_back({{"device", d.label},
                         {"peak_gflops", finite_or_null(d.peak_gflops)},
                         {"bandwidth_gbs", finite_or_null(d.bandwidth_gbs)},
                         {"ridge_flop_per_byte", finite_or_null(d.ridge())},
                         {"bound", d.bound(n.intensity)}});
    roofline.push_back({{"shape", n.shape.label()},
                        {"m", n.shape.m},
                        {"n", n.shape.n},
                        {"k", n.shape.k},
                        {"dtype", to_string(n.dtype)},
                        {"flop_per_byte", finite_or_null(n.intensity)},
                        {"devices", devices}});
  }
  json cpu_libraries = json::array();
  for (const CpuLibraryVerdict& c : v.cpu_libraries) {
    json sizes = json::array();
    for (const CpuLibrarySize& s : c.sizes) {
      json gflops = json::object();
      for (const auto& [lib, g] : s.gflops) gflops[lib] = finite_or_null(g);
      sizes.push_back({{"n", s.n},
                       {"gflops", gflops},
                       {"best", s.best},
                       {"best_over_next", finite_or_null(s.best_gflops / s.runner_up_gflops)}});
    }
    cpu_libraries.push_back({{"host", c.host},
                             {"dtype", to_string(c.dtype)},
                             {"libraries", c.libraries},
                             {"best", describe_best_cpu_library(c)},
                             {"sizes", sizes}});
  }
  json j = {{"dtypes", dtypes}, {"cpu_libraries", cpu_libraries}, {"roofline", roofline}};
  j["price_ratio"] = v.pricing
                         ? finite_or_null(v.pricing->gpu_usd_per_hour / v.pricing->cpu_usd_per_hour)
                         : json(nullptr);
  return j;
}

}  // namespace gpubench
