// Each machine's best device per case, and what follows from it: ratios, crossovers, geometric
// means and GFLOP per dollar.
#include "gpubench/analysis/machines.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <tuple>

#include <fmt/format.h>

namespace gpubench {

namespace {

std::string gpu_names(const SystemInfo& s) {
  std::string out;
  for (const GpuInfo& g : s.gpus) out += (out.empty() ? "" : ", ") + g.name;
  return out;
}

// "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz" -> "Intel Xeon Gold 6338".
std::string short_cpu(const std::string& model) {
  std::string s = std::regex_replace(model, std::regex(R"(\((R|TM|tm)\)|\bCPU\b|\bProcessor\b|@.*$|\b\d+-Core\b)"), "");
  s = std::regex_replace(s, std::regex(R"(\s+)"), " ");
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// "NVIDIA H200" -> "H200": the vendor's name adds nothing to a column header.
std::string short_gpu(const std::string& name) {
  return name.rfind("NVIDIA ", 0) == 0 ? name.substr(7) : name;
}

std::string machine_summary(const Results& r) {
  const SystemInfo& s = r.system;
  std::string cpu = short_cpu(s.cpu.model);
  if (s.cpu.physical_cores > 0) cpu += fmt::format(", {} cores", s.cpu.physical_cores);
  return cpu + "; " + (s.gpus.empty() ? std::string("no GPU") : gpu_names(s));
}

// The price of the hour a row's device costs: the machine's, when given at compare time, else
// the run's own price of that kind of device.
std::optional<double> price_of(const Record& r, const Results& run, std::optional<double> machine) {
  if (machine) return machine;
  if (!run.pricing) return std::nullopt;
  const double usd = r.device_kind == DeviceKind::gpu ? run.pricing->gpu_usd_per_hour
                                                      : run.pricing->cpu_usd_per_hour;
  return usd > 0 ? std::optional<double>(usd) : std::nullopt;
}

using CaseId = std::tuple<DType, std::int64_t, std::int64_t, std::int64_t, Layout, std::int64_t>;

CaseId id_of(const Record& r) {
  return {r.dtype, r.shape.m, r.shape.n, r.shape.k, r.shape.layout, r.shape.batch};
}

// Every case any run measured, grouped by dtype in first-seen order and by work within a dtype,
// with each run's best ok row.
std::vector<MachineCase> best_rows(const std::vector<NamedResults>& runs,
                                   const std::vector<std::optional<double>>& usd_per_hour,
                                   RankBy by) {
  std::vector<DType> dtype_order;
  std::map<CaseId, MachineCase> by_id;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const Record& rec : runs[i].results.records) {
      if (std::find(dtype_order.begin(), dtype_order.end(), rec.dtype) == dtype_order.end())
        dtype_order.push_back(rec.dtype);
      auto [it, fresh] = by_id.try_emplace(id_of(rec));
      if (fresh) it->second = {rec.dtype, rec.shape, std::vector<MachineBest>(runs.size())};
      MachineBest& best = it->second.best[i];
      const std::optional<double> value = ranked_value(rec, by);
      best.lacks_figure = !best.record && (best.lacks_figure || (rec.ok() && !value));
      if (!value || (best.record && best.value >= *value)) continue;
      const auto usd = price_of(rec, runs[i].results, i < usd_per_hour.size() ? usd_per_hour[i]
                                                                               : std::nullopt);
      best = {&rec, device_of(rec, runs[i].results),
              usd ? std::optional<double>(rec.main.gflops * 3600 / *usd) : std::nullopt, *value};
    }
  }
  std::vector<MachineCase> cases;
  for (const auto& [id, c] : by_id) cases.push_back(c);
  std::stable_sort(cases.begin(), cases.end(), [&](const MachineCase& a, const MachineCase& b) {
    const auto rank = [&](DType d) {
      return std::find(dtype_order.begin(), dtype_order.end(), d) - dtype_order.begin();
    };
    if (a.dtype != b.dtype) return rank(a.dtype) < rank(b.dtype);
    return a.shape.flops() < b.shape.flops();
  });
  return cases;
}

double geometric_mean(const std::vector<double>& values) {
  double log_sum = 0;
  for (double v : values) log_sum += std::log(v);
  return std::exp(log_sum / double(values.size()));
}

// The spans of sizes over which one run stays the fastest.
std::vector<LeadSpan> lead_spans(const std::vector<MachineCase>& cases,
                                 const std::vector<std::size_t>& common) {
  std::vector<LeadSpan> spans;
  for (std::size_t c : common) {
    const std::size_t leader = cases[c].leader();
    if (spans.empty() || spans.back().run != leader)
      spans.push_back({leader, c, c});
    else
      spans.back().last_case = c;
  }
  return spans;
}

MachineDtype summarise_dtype(DType d, const std::vector<MachineCase>& cases, std::size_t runs) {
  MachineDtype m;
  m.dtype = d;
  std::vector<std::vector<double>> ratios(runs), per_usd(runs);
  for (std::size_t c = 0; c < cases.size(); ++c) {
    if (cases[c].dtype != d) continue;
    if (!cases[c].in_every_run()) {
      ++m.missing;
      continue;
    }
    m.common.push_back(c);
    m.all_square = m.all_square && cases[c].shape.square();
    for (std::size_t i = 0; i < runs; ++i) {
      ratios[i].push_back(*cases[c].ratio(i));
      if (const auto& usd = cases[c].best[i].gflop_per_usd) per_usd[i].push_back(*usd);
    }
  }
  if (m.common.empty()) return m;
  for (std::size_t i = 0; i < runs; ++i) {
    m.geomean.push_back(geometric_mean(ratios[i]));
    m.gflop_per_usd.push_back(per_usd[i].size() == m.common.size()
                                  ? std::optional<double>(geometric_mean(per_usd[i]))
                                  : std::nullopt);
    if (m.geomean[i] > m.geomean[m.winner]) m.winner = i;
  }
  m.leads = lead_spans(cases, m.common);
  return m;
}

}  // namespace

bool from_different_machines(const std::vector<NamedResults>& runs) {
  const auto identity = [](const Results& r) {
    return std::make_tuple(r.system.hostname, r.system.cpu.model, gpu_names(r.system));
  };
  for (const NamedResults& run : runs)
    if (identity(run.results) != identity(runs.front().results)) return true;
  return false;
}

std::vector<std::string> machine_labels(const std::vector<NamedResults>& runs) {
  const auto unique_by = [&](auto name_of) {
    std::vector<std::string> names;
    for (const NamedResults& run : runs) names.push_back(name_of(run));
    for (const std::string& n : names)
      if (n.empty() || std::count(names.begin(), names.end(), n) > 1) return std::vector<std::string>{};
    return names;
  };
  const auto by_host = unique_by([](const NamedResults& r) { return r.results.system.hostname; });
  if (!by_host.empty()) return by_host;
  // Hosts repeat ("vm", "localhost"): a GPU machine by its GPU, a CPU-only one by its CPU.
  const auto by_device = unique_by([](const NamedResults& r) {
    const SystemInfo& s = r.results.system;
    return s.gpus.empty() ? short_cpu(s.cpu.model) : short_gpu(s.gpus.front().name);
  });
  if (!by_device.empty()) return by_device;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < runs.size(); ++i)
    names.push_back(fmt::format("{}{}", std::filesystem::path(runs[i].name).stem().string(),
                                std::count_if(runs.begin(), runs.end(), [&](const NamedResults& r) {
                                  return std::filesystem::path(r.name).stem() ==
                                         std::filesystem::path(runs[i].name).stem();
                                }) > 1
                                    ? fmt::format("#{}", i + 1)
                                    : ""));
  return names;
}

std::string device_of(const Record& r, const Results& run) {
  if (r.device_kind == DeviceKind::gpu && !r.device_name.empty()) return r.device_name;
  return short_cpu(run.system.cpu.model);
}

bool MachineCase::in_every_run() const {
  return std::all_of(best.begin(), best.end(), [](const MachineBest& b) { return b.record; });
}

std::optional<double> MachineCase::ratio(std::size_t i) const {
  if (best.empty() || i >= best.size() || !best[0].record || !best[i].record) return std::nullopt;
  return best[i].value / best[0].value;
}

std::size_t MachineCase::leader() const {
  std::size_t lead = 0;
  for (std::size_t i = 0; i < best.size(); ++i)
    if (best[i].record && (!best[lead].record || best[i].value > best[lead].value)) lead = i;
  return lead;
}

MachineView machine_view(const std::vector<NamedResults>& runs,
                         const std::vector<std::string>& labels,
                         const std::vector<std::optional<double>>& usd_per_hour, RankBy by) {
  MachineView v;
  v.by = by;
  v.labels = labels.size() == runs.size() ? labels : machine_labels(runs);
  v.usd_per_hour = usd_per_hour;
  v.usd_per_hour.resize(runs.size());
  for (const NamedResults& run : runs) {
    v.files.push_back(run.name);
    v.summaries.push_back(machine_summary(run.results));
    v.partial.push_back(!run.results.complete ? "incomplete: the run that wrote it never finished"
                        : run.results.interrupted ? "interrupted: partial results"
                                                  : "");
  }
  v.cases = best_rows(runs, v.usd_per_hour, by);
  for (const MachineCase& c : v.cases)
    for (const MachineBest& b : c.best) v.priced = v.priced || b.gflop_per_usd.has_value();
  for (const MachineCase& c : v.cases)
    if (v.dtypes.empty() || v.dtypes.back().dtype != c.dtype)
      v.dtypes.push_back(summarise_dtype(c.dtype, v.cases, runs.size()));
  return v;
}

}  // namespace gpubench
