#include "gpubench/analysis/workload.hpp"

#include "gpubench/backends/registry.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace gpubench {

namespace {

using RowKey = std::tuple<std::string, int, std::string, int>;  // backend, device, host, rank

RowKey row_key(const Record& r) { return {r.backend, r.device_index, r.host, r.rank}; }

struct RowSum {
  WorkloadRow row;
  std::vector<WorkloadShare> shares;
  bool end_to_end = true;
};

// The workload's cases of one dtype: each shape once, with its calls.
std::vector<WorkloadShare> workload_cases(const Results& r, DType d) {
  std::vector<WorkloadShare> cases;
  for (const Record& rec : r.records) {
    if (rec.dtype != d || rec.workload_calls <= 0) continue;
    const bool seen = std::any_of(cases.begin(), cases.end(),
                                  [&](const WorkloadShare& c) { return c.shape == rec.shape; });
    if (!seen) cases.push_back({rec.shape, rec.workload_calls, 0, 0});
  }
  return cases;
}

// Every row's pass over the cases; rows missing an ok measurement of some case are dropped.
std::vector<RowSum> complete_rows(const Results& r, DType d, std::size_t cases, int& dropped) {
  std::map<RowKey, RowSum> rows;
  for (const Record& rec : r.records) {
    if (rec.dtype != d || rec.workload_calls <= 0) continue;
    RowSum& s = rows[row_key(rec)];
    s.row = {rec.backend,   library_display_name(rec.backend),
             rec.device_kind, rec.device_index,
             rec.device_name, rec.host,
             rec.rank,        s.row.seconds,
             s.row.end_to_end_seconds};
    if (!rec.ok()) continue;
    const double t = double(rec.workload_calls) * rec.main.seconds.median;
    s.row.seconds += t;
    s.shares.push_back({rec.shape, rec.workload_calls, t, 0});
    if (rec.end_to_end_seconds)
      s.row.end_to_end_seconds = s.row.end_to_end_seconds.value_or(0) +
                                 double(rec.workload_calls) * rec.end_to_end_seconds->median;
    else
      s.end_to_end = false;
  }
  std::vector<RowSum> out;
  for (auto& [key, s] : rows) {
    if (s.shares.size() != cases) {
      ++dropped;
      continue;
    }
    if (!s.end_to_end) s.row.end_to_end_seconds.reset();
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<RowSum> fastest(const std::vector<RowSum>& rows, DeviceKind kind) {
  std::optional<RowSum> best;
  for (const RowSum& s : rows)
    if (s.row.device_kind == kind && (!best || s.row.seconds < best->row.seconds)) best = s;
  return best;
}

std::vector<WorkloadShare> dominant_shares(RowSum s, std::size_t top) {
  for (WorkloadShare& c : s.shares) c.share = s.row.seconds > 0 ? c.seconds / s.row.seconds : 0;
  std::stable_sort(s.shares.begin(), s.shares.end(),
                   [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
  if (s.shares.size() > top) s.shares.resize(top);
  return s.shares;
}

WorkloadTotal total_for(const Results& r, DType d) {
  WorkloadTotal t;
  t.dtype = d;
  const std::vector<WorkloadShare> cases = workload_cases(r, d);
  t.cases = int(cases.size());
  for (const WorkloadShare& c : cases) {
    t.calls += c.calls;
    t.flop += double(c.calls) * c.shape.flops();
  }
  const std::vector<RowSum> rows = complete_rows(r, d, cases.size(), t.incomplete_rows);
  const std::optional<RowSum> cpu = fastest(rows, DeviceKind::cpu);
  const std::optional<RowSum> gpu = fastest(rows, DeviceKind::gpu);
  if (cpu) t.cpu = cpu->row;
  if (gpu) t.gpu = gpu->row;
  if (cpu && gpu && gpu->row.seconds > 0) t.speedup = cpu->row.seconds / gpu->row.seconds;
  if (cpu && gpu && gpu->row.end_to_end_seconds && *gpu->row.end_to_end_seconds > 0)
    t.speedup_end_to_end = cpu->row.seconds / *gpu->row.end_to_end_seconds;
  if (gpu || cpu) t.dominant = dominant_shares(gpu ? *gpu : *cpu, 3);
  return t;
}

}  // namespace

std::vector<WorkloadTotal> compute_workload(const Results& r) {
  std::vector<DType> dtypes;
  for (const Record& rec : r.records)
    if (rec.workload_calls > 0 && std::find(dtypes.begin(), dtypes.end(), rec.dtype) == dtypes.end())
      dtypes.push_back(rec.dtype);
  std::vector<WorkloadTotal> out;
  for (DType d : dtypes) out.push_back(total_for(r, d));
  return out;
}

}  // namespace gpubench
