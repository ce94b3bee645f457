// Aligning several runs case by case; the numbers `gpubench compare` and the gate work from.
#include "gpubench/analysis/compare.hpp"

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

#include <cmath>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "gpubench/backends/registry.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

namespace {

std::string gpus(const SystemInfo& s) {
  if (s.gpus.empty()) return "none";
  std::string out;
  for (const GpuInfo& g : s.gpus)
    out += fmt::format("{}{} (sm_{}{}, {} SMs)", out.empty() ? "" : "; ", g.name, g.cc_major,
                       g.cc_minor, g.sms);
  return out;
}

std::string gpu_clocks(const SystemInfo& s) {
  if (s.gpus.empty()) return "-";
  std::string out;
  for (const GpuInfo& g : s.gpus)
    out += fmt::format("{}{:.0f} MHz SM max, {:.0f} MHz memory", out.empty() ? "" : "; ",
                       g.max_sm_clock_mhz, g.memory_clock_mhz);
  return out;
}

// One property of the CPU libraries the run used, ", " apart (each library's "NAME VERSION").
template <class F>
std::string each_cpu_blas(const Results& r, F property) {
  std::string out;
  for (const LibraryInfo* l : cpu_libraries_used(r)) out += (out.empty() ? "" : ", ") + property(*l);
  return out;
}

// The machine properties a reader needs to explain a difference, in the order they are printed.
const std::vector<std::pair<std::string, std::function<std::string(const Results&)>>>&
machine_properties() {
  using Property = std::pair<std::string, std::function<std::string(const Results&)>>;
  static const std::vector<Property> p = [] {
    std::vector<Property> rows = {
      {"host", [](const Results& r) { return r.system.hostname; }},
      {"OS", [](const Results& r) { return r.system.os; }},
      {"CPU", [](const Results& r) { return r.system.cpu.model; }},
      {"cores/threads",
       [](const Results& r) {
         return fmt::format("{} cores / {} threads", r.system.cpu.physical_cores,
                            r.system.cpu.logical_cpus);
       }},
      {"SIMD", [](const Results& r) { return r.system.cpu.simd; }},
      {"CPU clock",
       [](const Results& r) {
         return r.system.cpu.clock_ghz > 0 ? fmt::format("{:.2f} GHz", r.system.cpu.clock_ghz)
                                           : std::string("unknown");
       }},
      // Every CPU library loaded, ", " apart in provider order (one for most files).
      {"BLAS",
       [](const Results& r) {
         return each_cpu_blas(r, [](const LibraryInfo& l) {
           return fmt::format("{} {}", l.name, l.version);
         });
       }},
      {"BLAS core",
       [](const Results& r) { return each_cpu_blas(r, [](const LibraryInfo& l) { return l.detected; }); }},
      {"BLAS threads",
       [](const Results& r) {
         return each_cpu_blas(r, [](const LibraryInfo& l) { return std::to_string(l.threads); });
       }},
      {"GPU", [](const Results& r) { return gpus(r.system); }},
      {"GPU clocks", [](const Results& r) { return gpu_clocks(r.system); }},
    };
    // The GPU runtime's versions, as its provider's record names and encodes them.
    for (const RuntimeVersionFact& v : gpu_runtime_record().versions)
      rows.push_back({v.label, [v](const Results& r) {
                        return runtime_version_text(r.system.gpu_runtime.version(v.key), v.major_scale);
                      }});
    rows.push_back({"gpubench", [](const Results& r) { return r.system.gpubench_version; }});
    return rows;
  }();
  return p;
}

}  // namespace

std::string CaseKey::label() const {
  std::string s = fmt::format("{} {} {}", shape().label(), to_string(dtype), backend);
  if (device_index > 0) s += fmt::format("[{}]", device_index);
  if (rank != 0) s += fmt::format(" (rank {})", rank);
  return s;
}

CaseKey case_key(const Record& r) {
  return {r.shape.m,     r.shape.n, r.shape.k,
          r.shape.layout, r.shape.batch, r.dtype,
          r.backend,     r.device_kind == DeviceKind::gpu ? r.device_index : -1,
          r.rank};
}

std::string_view rank_by_name(RankBy by) {
  return by == RankBy::flop_per_cycle ? "flop-per-cycle" : "gflops";
}

std::vector<std::string> rank_by_names() {
  return {std::string(rank_by_name(RankBy::gflops)),
          std::string(rank_by_name(RankBy::flop_per_cycle))};
}

RankBy parse_rank_by(std::string_view name) {
  for (RankBy by : {RankBy::gflops, RankBy::flop_per_cycle})
    if (name == rank_by_name(by)) return by;
  std::string valid;
  for (const std::string& n : rank_by_names()) valid += (valid.empty() ? "" : " or ") + n;
  throw UsageError(fmt::format("--by '{}': expected {}", shown_input(name), valid));
}

std::optional<double> ranked_value(const Record& r, RankBy by) {
  const std::optional<double> v =
      by == RankBy::flop_per_cycle ? r.main.flop_per_cycle : std::optional(r.main.gflops);
  if (!r.ok() || !v || !(*v > 0)) return std::nullopt;
  return v;
}

std::optional<double> ComparedRow::ratio(std::size_t i) const {
  const Record* a = records.empty() ? nullptr : records[0];
  const Record* b = i < records.size() ? records[i] : nullptr;
  const auto from = a ? ranked_value(*a, by) : std::nullopt;
  const auto to = b ? ranked_value(*b, by) : std::nullopt;
  if (!from || !to) return std::nullopt;
  return *to / *from;
}

bool ComparedRow::in_all_runs() const {
  for (const Record* r : records)
    if (!r) return false;
  return true;
}

Comparison compare_runs(const std::vector<NamedResults>& runs, RankBy by) {
  Comparison c;
  c.by = by;
  for (const NamedResults& run : runs) {
    c.names.push_back(run.name);
    c.any_interrupted = c.any_interrupted || run.results.interrupted;
    if (!run.results.complete) c.incomplete.push_back(run.name);
  }

  for (const auto& [what, value_of] : machine_properties()) {
    std::vector<std::string> values;
    for (const NamedResults& run : runs) values.push_back(value_of(run.results));
    bool same = true;
    for (const auto& v : values) same = same && v == values.front();
    if (same)
      c.same.push_back({what, {values.front()}});
    else
      c.differences.push_back({what, values});
  }

  std::map<CaseKey, std::size_t> row_of;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const Record& rec : runs[i].results.records) {
      const CaseKey key = case_key(rec);
      auto [it, fresh] = row_of.emplace(key, c.rows.size());
      if (fresh) c.rows.push_back({key, std::vector<const Record*>(runs.size(), nullptr), by});
      // A case measured twice in one file (merged files): which one counts would decide a gate,
      // so neither does.
      const Record*& slot = c.rows[it->second].records[i];
      const std::vector<Record>& all = runs[i].results.records;
      if (slot)
        throw UsageError(fmt::format(
            "{} holds two records of {} (records[{}] and records[{}]): a results file has one "
            "per case; were two files merged?",
            runs[i].name, key.label(), slot - all.data(), &rec - all.data()));
      slot = &rec;
    }
  }

  // Geometric mean of the ratios per backend and dtype over the cases ok in every run: one
  // number per pair that a slow or fast outlier size cannot dominate.
  std::map<std::pair<std::string, DType>, std::size_t> mean_of;
  std::vector<std::vector<double>> log_sums;
  for (const ComparedRow& row : c.rows) {
    bool all_ok = row.in_all_runs();
    for (std::size_t i = 0; all_ok && i < runs.size(); ++i) all_ok = row.ratio(i).has_value();
    if (!all_ok) continue;
    auto [it, fresh] =
        mean_of.emplace(std::make_pair(row.key.backend, row.key.dtype), c.geomeans.size());
    if (fresh) {
      c.geomeans.push_back({row.key.backend, row.key.dtype, 0, {}});
      log_sums.emplace_back(runs.size(), 0.0);
    }
    ++c.geomeans[it->second].rows;
    for (std::size_t i = 0; i < runs.size(); ++i)
      log_sums[it->second][i] += std::log(*row.ratio(i));
  }
  for (std::size_t g = 0; g < c.geomeans.size(); ++g)
    for (double s : log_sums[g]) c.geomeans[g].ratios.push_back(std::exp(s / c.geomeans[g].rows));
  return c;
}

void refuse_repeated_cases(const std::vector<NamedResults>& runs) { (void)compare_runs(runs); }

}  // namespace gpubench
