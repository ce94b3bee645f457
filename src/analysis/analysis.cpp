#include "gpubench/analysis/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "gpubench/backends/registry.hpp"

namespace gpubench {

namespace {

// Rows that measured the same thing on one machine: the comparisons below stay inside it.
bool same_place(const Record& a, const Record& b) { return a.host == b.host && a.rank == b.rank; }

// The fastest ok CPU row (any CPU library) of the same shape and dtype on the same host and rank.
const Record* best_cpu_row(const Results& r, const Record& rec, DType dtype) {
  const Record* best = nullptr;
  for (const Record& c : r.records)
    if (c.ok() && c.device_kind == DeviceKind::cpu && c.shape == rec.shape && c.dtype == dtype &&
        same_place(c, rec) && c.main.gflops > 0 && (!best || c.main.gflops > best->main.gflops))
      best = &c;
  return best;
}

// The GPU row over the best CPU library's row, and that library's backend.
std::optional<double> speedup_vs_cpu(const Results& r, const Record& rec, std::string& cpu_backend) {
  if (!rec.ok() || rec.device_kind == DeviceKind::cpu || rec.main.seconds.median <= 0)
    return std::nullopt;
  const Record* cpu = best_cpu_row(r, rec, rec.dtype);
  // A spec no CPU runs itself (tf32: fp32 data, the GPU's faster multiply) is answered by the
  // CPU rows of its GemmSpec's cpu_equivalent (fp32).
  if (const DType eq = spec_of(rec.dtype).cpu_equivalent; !cpu && eq != rec.dtype)
    cpu = best_cpu_row(r, rec, eq);
  if (!cpu) return std::nullopt;
  cpu_backend = cpu->backend;
  return rec.main.gflops / cpu->main.gflops;
}

// The vendor library's row of the same case on the same device: what an own kernel is held to.
const Record* reference_of(const Results& r, const Record& rec) {
  if (!rec.ok() || rec.role != BackendRole::own_kernel) return nullptr;
  for (const Record& c : r.records)
    if (c.ok() && c.role == BackendRole::vendor_library && c.device_kind == rec.device_kind &&
        c.device_index == rec.device_index && c.shape == rec.shape && c.dtype == rec.dtype &&
        same_place(c, rec) && c.main.gflops > 0)
      return &c;
  return nullptr;
}

std::optional<double> gflop_per_usd_of(const Results& r, const Record& rec) {
  if (!r.pricing || !rec.ok()) return std::nullopt;
  const double g =
      gflop_per_usd(rec.main.gflops, rec.device_kind == DeviceKind::cpu ? r.pricing->cpu_usd_per_hour
                                                                   : r.pricing->gpu_usd_per_hour);
  return std::isfinite(g) ? std::optional<double>(g) : std::nullopt;
}

using CaseOfGpu = std::tuple<std::string, DType, std::int64_t, std::int64_t, std::int64_t, Layout,
                             std::int64_t>;
using GpuOfHost = std::tuple<std::string, int, int>;  // host, rank, device

CaseOfGpu case_of(const Record& r) {
  return {r.backend, r.dtype, r.shape.m, r.shape.n, r.shape.k, r.shape.layout, r.shape.batch};
}

bool comparable(const Record& r) {
  return r.ok() && r.device_kind == DeviceKind::gpu && r.main.gflops > 0;
}

bool is_row_of(const SlowDevice& s, const Record& rec) {
  return comparable(rec) && rec.backend == s.backend && rec.dtype == s.dtype &&
         rec.shape == s.shape && rec.host == s.host && rec.rank == s.rank &&
         rec.device_index == s.device_index;
}

}  // namespace

std::vector<SlowDevice> find_slow_devices(const Results& r, double threshold_pct) {
  std::map<CaseOfGpu, std::vector<const Record*>> by_case;
  for (const Record& rec : r.records)
    if (comparable(rec)) by_case[case_of(rec)].push_back(&rec);

  std::vector<SlowDevice> out;
  for (const auto& [key, recs] : by_case) {
    std::set<GpuOfHost> devices;
    std::vector<double> gflops;
    for (const Record* rec : recs) {
      devices.insert({rec->host, rec->rank, rec->device_index});
      gflops.push_back(rec->main.gflops);
    }
    if (devices.size() < 2) continue;
    const double median = gpubench::median(gflops);
    for (const Record* rec : recs) {
      const double below = 100.0 * (1.0 - rec->main.gflops / median);
      if (below <= threshold_pct) continue;
      out.push_back({rec->host, rec->rank, rec->device_index, rec->pci_bus_id, rec->backend,
                     rec->shape, rec->dtype, rec->main.gflops, median, below});
    }
  }
  // In the order of the run: the records' order.
  auto position = [&](const SlowDevice& s) {
    for (std::size_t i = 0; i < r.records.size(); ++i)
      if (is_row_of(s, r.records[i])) return i;
    return r.records.size();
  };
  std::stable_sort(out.begin(), out.end(), [&](const SlowDevice& a, const SlowDevice& b) {
    return position(a) < position(b);
  });
  return out;
}

int count_compared_devices(const Results& r) {
  std::set<GpuOfHost> devices;
  for (const Record& rec : r.records)
    if (comparable(rec)) devices.insert({rec.host, rec.rank, rec.device_index});
  return int(devices.size());
}

bool Analysis::any_speedup() const {
  return std::any_of(records.begin(), records.end(),
                     [](const RecordAnalysis& a) { return a.speedup_vs_cpu.has_value(); });
}

bool Analysis::speedups_name_cpu_library() const {
  std::set<std::string> names;
  for (const RecordAnalysis& a : records)
    if (a.speedup_vs_cpu) names.insert(a.cpu_backend);
  return names.size() > 1 || several_cpu_libraries;
}

bool Analysis::any_pct_of_reference() const {
  return std::any_of(records.begin(), records.end(),
                     [](const RecordAnalysis& a) { return a.pct_of_reference.has_value(); });
}

bool Analysis::any_gflop_per_usd() const {
  return std::any_of(records.begin(), records.end(),
                     [](const RecordAnalysis& a) { return a.gflop_per_usd.has_value(); });
}

std::string Analysis::reference_title() const {
  std::set<std::string> names;
  for (const RecordAnalysis& a : records)
    if (a.pct_of_reference) names.insert(a.reference_backend);
  return names.size() == 1 ? "% " + library_display_name(*names.begin()) : "% reference";
}

Analysis analyse(const Results& r) {
  Analysis a;
  a.records.reserve(r.records.size());
  for (const Record& rec : r.records) {
    RecordAnalysis& ra = a.records.emplace_back();
    ra.speedup_vs_cpu = speedup_vs_cpu(r, rec, ra.cpu_backend);
    if (const Record* ref = reference_of(r, rec)) {
      ra.pct_of_reference = 100.0 * rec.main.gflops / ref->main.gflops;
      ra.reference_backend = ref->backend;
    }
    ra.gflop_per_usd = gflop_per_usd_of(r, rec);
  }
  std::set<std::string> cpu_backends;
  for (const Record& rec : r.records)
    if (rec.ok() && rec.device_kind == DeviceKind::cpu) cpu_backends.insert(rec.backend);
  a.several_cpu_libraries = cpu_backends.size() > 1;
  a.slow_devices = find_slow_devices(r, a.slow_threshold_pct);
  a.compared_devices = count_compared_devices(r);
  for (const SlowDevice& s : a.slow_devices)
    for (std::size_t i = 0; i < r.records.size(); ++i)
      if (is_row_of(s, r.records[i])) a.records[i].pct_below_median_gpu = s.pct_below;
  if (verdict_applies(r)) a.verdict = compute_verdict(r);
  a.workload = compute_workload(r);
  return a;
}

}  // namespace gpubench
