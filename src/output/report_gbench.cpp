// Google Benchmark's JSON layout, so its tools/compare.py and CI trackers that read that format
// (github-action-benchmark's "googlecpp", Bencher, ...) take gpubench output unchanged.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "gpubench/output/report_workload.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

using json = nlohmann::ordered_json;

namespace {

// matmul/BACKEND/DTYPE/SIZE (e.g. matmul/<backend>/fp32/1024), with "/gpu1" or "/rank3" where
// several devices or ranks ran.
std::string benchmark_name(const Results& r, const Record& rec) {
  bool many_devices = false, many_ranks = false;
  for (const Record& o : r.records) {
    many_devices = many_devices || (o.device_kind == DeviceKind::gpu && o.device_index > 0);
    many_ranks = many_ranks || o.rank != 0;
  }
  std::string name =
      fmt::format("matmul/{}/{}/{}", rec.backend, to_string(rec.dtype), rec.shape.label());
  if (many_devices && rec.device_kind == DeviceKind::gpu)
    name += fmt::format("/gpu{}", rec.device_index);
  if (many_ranks) name += fmt::format("/rank{}", rec.rank);
  return name;
}

}  // namespace

void write_gbench_json(std::ostream& os, const Results& r, const Analysis& a) {
  const SystemInfo& s = r.system;
  std::string blas;  // each library's name, version, detection and threads, "; " apart
  for (const LibraryInfo* l : cpu_libraries_used(r)) blas += (blas.empty() ? "" : "; ") + library_text(*l);
  json context = {
      {"date", s.start_time},
      {"host_name", s.hostname},
      {"executable", "gpubench"},
      {"num_cpus", s.cpu.logical_cpus},
      {"mhz_per_cpu", int(s.cpu.clock_ghz * 1000 + 0.5)},
      {"cpu_scaling_enabled", false},
      {"caches", json::array()},
      {"load_avg", json::array()},
      {"library_build_type", "release"},
      // Not part of Google Benchmark's context; its tools ignore keys they do not know.
      {"gpubench_version", s.gpubench_version},
      {"command_line", s.command_line},
      {"cpu_model", s.cpu.model},
      {"blas", blas},
      {"interrupted", r.interrupted},
  };
  if (!s.gpus.empty()) {
    context["gpu"] = s.gpus.front().name;
    // "<runtime>_driver_version": the driver of the GPU runtime.
    if (!s.gpu_runtime.key.empty())
      context[s.gpu_runtime.key + "_driver_version"] = s.gpu_runtime.version("driver_version");
  }

  // Only measured records: Google Benchmark has no row for a case that did not run, and a zero
  // time would read as infinitely fast to trackers.
  json benchmarks = json::array();
  int family = 0;
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    const Record& rec = r.records[i];
    const RecordAnalysis& ra = a.records[i];
    if (!rec.ok() || rec.main.seconds.samples == 0 || !(rec.main.seconds.median > 0)) continue;
    const std::string name = benchmark_name(r, rec);
    const double ns = rec.main.seconds.median * 1e9;
    json b = {{"name", name},
              {"family_index", family++},
              {"per_family_instance_index", 0},
              {"run_name", name},
              {"run_type", "iteration"},
              {"repetitions", 1},
              {"repetition_index", 0},
              {"threads", 1},
              {"iterations", rec.main.iterations},
              // One time per multiplication: the median; the CPU time of a GPU case is not
              // measured separately, so it repeats the wall-clock time.
              {"real_time", ns},
              {"cpu_time", ns},
              {"time_unit", "ns"},
              {"GFLOPS", rec.main.gflops}};
    if (rec.pct_of_peak) b["pct_of_peak"] = *rec.pct_of_peak;
    if (rec.end_to_end_gflops) b["GFLOPS_end_to_end"] = *rec.end_to_end_gflops;
    if (rec.burst) b["GFLOPS_burst"] = rec.burst->gflops;
    if (rec.main.telemetry.gflops_per_watt) b["GFLOPS_per_watt"] = *rec.main.telemetry.gflops_per_watt;
    if (rec.main.telemetry.mean_sm_clock_mhz) b["sm_clock_mhz"] = *rec.main.telemetry.mean_sm_clock_mhz;
    if (rec.verified) b["max_rel_error"] = rec.max_rel_error;
    b["cv"] = rec.main.seconds.cv();
    // The Analysis's derived numbers as counters, like every other format's columns.
    if (ra.speedup_vs_cpu) b["speedup_vs_cpu"] = *ra.speedup_vs_cpu;
    if (ra.pct_of_reference) b["pct_of_reference"] = *ra.pct_of_reference;
    if (ra.gflop_per_usd) b["gflop_per_usd"] = *ra.gflop_per_usd;
    if (ra.pct_below_median_gpu) b["pct_below_median_gpu"] = *ra.pct_below_median_gpu;
    if (rec.workload_calls > 0) b["workload_calls"] = rec.workload_calls;
    if (rec.default_rate) b["GFLOPS_default_algorithm"] = rec.default_rate->gflops;
    if (rec.tuned_gain) b["tuned_gain"] = *rec.tuned_gain;
    benchmarks.push_back(std::move(b));
  }
  if (!a.workload.empty()) context["workload"] = workload_to_json(a.workload);
  os << json_text(json{{"context", context}, {"benchmarks", benchmarks}}) << "\n";
}

}  // namespace gpubench
