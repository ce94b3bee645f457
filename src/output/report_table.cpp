// The terminal table: what a person reads after `gpubench matmul`.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "gpubench/core/format_util.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/report_analysis.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

// Several GPUs anywhere in the run: rows name their GPU ("cublas[1]").
bool several_gpus(const Results& r) {
  if (r.system.gpus.size() > 1 || r.ranks.size() > 1) return true;
  for (const SystemInfo& s : r.ranks)
    if (s.gpus.size() > 1) return true;
  return false;
}

// How rows name their run: by rank where several ranks ran, by GPU where several GPUs did.
struct Naming {
  bool ranks = false;
  bool devices = false;
  std::string backend(const Record& rec) const {
    return rec.backend +
           (rec.device_index >= 0 && devices ? fmt::format("[{}]", rec.device_index) : "");
  }
};

// "rank 1 on node7: Xeon ..., 16 cores, OpenBLAS threads=8 | GPU: [0] H100 ...": one per rank.
std::string rank_line(std::size_t rank, const SystemInfo& s) {
  std::string blas;
  for (const LibraryInfo* l : s.cpu_blas_libraries())
    blas += fmt::format("{}{} threads={}", blas.empty() ? "" : ", ", l->name, l->threads);
  return fmt::format("rank {} on {}: {}, {} cores, {} | GPU: {}\n", rank, s.hostname,
                     s.cpu.model, s.cpu.physical_cores, blas.empty() ? "no CPU BLAS" : blas,
                     gpu_summary(s));
}

void write_system(std::ostream& os, const Results& r) {
  const SystemInfo& s = r.system;
  os << fmt::format("gpubench {} on {} ({})\n", s.gpubench_version, s.hostname, s.os);
  std::string blas;
  for (const LibraryInfo* l : cpu_libraries_used(r))
    blas += (blas.empty() ? "" : "; ") + library_text(*l);
  os << fmt::format("CPU: {} | {} cores, {} | {}\n", s.cpu.model, s.cpu.physical_cores,
                    s.cpu.simd, blas.empty() ? "no CPU BLAS loaded" : blas);
  if (s.cpu.peak_gflops_fp32)
    os << fmt::format("CPU peak fp32 {:.0f} GFLOPS ({})\n", *s.cpu.peak_gflops_fp32,
                      s.cpu.peak_note);
  os << "GPU: " << gpu_summary(s) << "\n";
  if (r.ranks.size() > 1) {
    std::set<std::string> hosts;
    for (const SystemInfo& rank : r.ranks) hosts.insert(rank.hostname);
    os << fmt::format("MPI: {} ranks on {} host{}\n", r.ranks.size(), hosts.size(),
                      hosts.size() == 1 ? "" : "s");
    for (std::size_t i = 0; i < r.ranks.size(); ++i) os << rank_line(i, r.ranks[i]);
  }
  os << "\n";
}

// Backends whose every row was skipped for one reason get one line instead of a row per case.
std::map<std::string, std::string> wholly_skipped(const Results& r) {
  std::map<std::string, std::string> reason;
  std::map<std::string, bool> uniform;
  for (const Record& rec : r.records) {
    auto [it, fresh] = reason.emplace(rec.backend, rec.reason);
    bool same = rec.status == Status::skipped && it->second == rec.reason;
    uniform[rec.backend] = (fresh ? true : uniform[rec.backend]) && same;
  }
  std::map<std::string, std::string> out;
  for (const auto& [b, u] : uniform)
    if (u) out[b] = reason[b];
  return out;
}

// Which rates the table shows: a burst column when any GPU row has one, the main column's title
// (the sustained rate of GPU rows, or burst with --clocks burst), clock and GFLOPS/W columns when
// any row's telemetry read them.
struct RateColumns {
  bool burst = false, clock = false, per_watt = false;
  bool sustained = false, burst_only = false;
  std::string main_title = "GFLOPS";
};

RateColumns rate_columns(const Results& r) {
  RateColumns c;
  for (const Record& rec : r.records) {
    if (!rec.ok()) continue;
    c.burst = c.burst || rec.burst.has_value();
    c.sustained = c.sustained || rec.main.clocks == "sustained";
    c.burst_only = c.burst_only || rec.main.clocks == "burst";
    c.clock = c.clock || rec.main.telemetry.mean_sm_clock_mhz.has_value();
    c.per_watt = c.per_watt || rec.main.telemetry.gflops_per_watt.has_value();
  }
  if (c.sustained && !c.burst_only) c.main_title = "GFLOPS sust.";
  if (c.burst_only && !c.sustained) c.main_title = "GFLOPS burst";
  return c;
}

// One column: its title, alignment and the cell of a record.
struct Column {
  std::string title;
  bool right = true;
  std::function<std::string(const Record&, const RecordAnalysis&)> cell;
};

std::vector<Column> columns(const Results& r, const Analysis& a, const Naming& naming,
                            const std::map<std::string, std::string>& skipped) {
  bool any_e2e = false;
  for (const Record& rec : r.records)
    any_e2e = any_e2e || (!skipped.count(rec.backend) && rec.end_to_end_gflops.has_value());
  const auto measured = [](const Record& rec) { return rec.main.seconds.samples > 0; };
  using RA = RecordAnalysis;
  std::vector<Column> cols;
  if (naming.ranks) {
    cols.push_back({"host", false, [](const Record& rec, const RA&) { return rec.host; }});
    cols.push_back(
        {"rank", true, [](const Record& rec, const RA&) { return std::to_string(rec.rank); }});
  }
  cols.push_back({"shape", true, [](const Record& rec, const RA&) { return rec.shape.label(); }});
  cols.push_back({"dtype", false,
                  [](const Record& rec, const RA&) { return std::string(to_string(rec.dtype)); }});
  cols.push_back(
      {"backend", false, [naming](const Record& rec, const RA&) { return naming.backend(rec); }});
  cols.push_back({"median", true, [=](const Record& rec, const RA&) {
                    return measured(rec) ? format_seconds(rec.main.seconds.median) : "-";
                  }});
  cols.push_back({"spread", true, [=](const Record& rec, const RA&) {
                    return measured(rec) ? spread_text(rec.main.seconds) : "-";
                  }});
  // GPU rows have two rates: the columns say which is which (a CPU row's one rate sits in the
  // main column; the legend under the table says so).
  const RateColumns rates = rate_columns(r);
  if (rates.burst)
    cols.push_back({"GFLOPS burst", true, [=](const Record& rec, const RA&) {
                      return rec.burst && measured(rec) ? format_gflops(rec.burst->gflops) : "-";
                    }});
  cols.push_back({rates.main_title, true, [=](const Record& rec, const RA&) {
                    return measured(rec) ? format_gflops(rec.main.gflops) : "-";
                  }});
  if (rates.clock)
    cols.push_back({"MHz", true, [=](const Record& rec, const RA&) {
                      return rec.main.telemetry.mean_sm_clock_mhz && measured(rec)
                                 ? fmt::format("{:.0f}", *rec.main.telemetry.mean_sm_clock_mhz)
                                 : "";
                    }});
  if (rates.per_watt)
    cols.push_back({"GFLOPS/W", true, [=](const Record& rec, const RA&) {
                      return rec.main.telemetry.gflops_per_watt && measured(rec)
                                 ? fmt::format("{:.1f}", *rec.main.telemetry.gflops_per_watt)
                                 : "";
                    }});
  if (any_e2e)
    cols.push_back({"GFLOPS e2e", true, [](const Record& rec, const RA&) {
                      return rec.end_to_end_gflops ? format_gflops(*rec.end_to_end_gflops) : "-";
                    }});
  cols.push_back({"% peak", true, [=](const Record& rec, const RA&) {
                    return rec.pct_of_peak && measured(rec)
                               ? fmt::format("{:.0f}%", *rec.pct_of_peak)
                               : "-";
                  }});
  // Over the best CPU library of the same shape and dtype; named when several were measured.
  if (a.any_speedup())
    cols.push_back({a.speedups_name_cpu_library() ? "vs best CPU" : "vs CPU", true,
                    [named = a.speedups_name_cpu_library()](const Record&, const RA& ra) {
                      if (!ra.speedup_vs_cpu) return std::string();
                      return fmt::format("{:.1f}x{}", *ra.speedup_vs_cpu,
                                         named ? " " + ra.cpu_backend : "");
                    }});
  if (a.any_pct_of_reference())
    cols.push_back({a.reference_title(), true, [](const Record&, const RA& ra) {
                      return ra.pct_of_reference ? fmt::format("{:.0f}%", *ra.pct_of_reference)
                                                 : "";
                    }});
  if (a.any_gflop_per_usd())
    cols.push_back({"GFLOP/$", true, [](const Record&, const RA& ra) {
                      return ra.gflop_per_usd ? format_gflops(*ra.gflop_per_usd) : "";
                    }});
  cols.push_back({"max rel err", true, [](const Record& rec, const RA&) {
                    return rec.verified ? fmt::format("{:.1e}", rec.max_rel_error) : "-";
                  }});
  cols.push_back({"status", false, [](const Record& rec, const RA&) {
                    std::string st = status_text(rec.status, rec.reason);
                    if (rec.ok() && !rec.warnings.empty()) st += " (!)";
                    return st;
                  }});
  return cols;
}

void write_rows(std::ostream& os, const Results& r, const Analysis& a, const Naming& naming,
                const std::map<std::string, std::string>& skipped) {
  const std::vector<Column> cols = columns(r, a, naming, skipped);
  std::vector<std::vector<std::string>> rows(1);
  std::vector<bool> right;
  for (const Column& c : cols) rows[0].push_back(c.title), right.push_back(c.right);
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    if (skipped.count(r.records[i].backend)) continue;
    auto& row = rows.emplace_back();
    for (const Column& c : cols) row.push_back(c.cell(r.records[i], a.records[i]));
  }
  os << align_columns(rows, right);
  for (const auto& [b, why] : skipped) os << fmt::format("{}: skipped, {}\n", b, why);
}

void write_warnings(std::ostream& os, const Results& r, const Naming& naming) {
  for (const Record& rec : r.records)
    for (const auto& w : rec.warnings)
      os << fmt::format("warning: {}{} {} {}: {}\n",
                        naming.ranks ? fmt::format("rank {} ", rec.rank) : "", rec.shape.label(),
                        to_string(rec.dtype), naming.backend(rec), w);
}

// What the slow-GPU summary calls a GPU: "GPU 1 (0000:9A:00.0) on node7 rank 1".
std::string device_label(const SlowDevice& d, bool several_ranks) {
  std::string out = fmt::format("GPU {}", d.device_index);
  if (!d.pci_bus_id.empty()) out += " (" + d.pci_bus_id + ")";
  if (several_ranks) out += fmt::format(" on {} rank {}", d.host, d.rank);
  return out;
}

}  // namespace

// Shared with the markdown printer (report.hpp).
std::string rate_legend(const Results& r) {
  const RateColumns c = rate_columns(r);
  if (!c.burst && !c.sustained && !c.burst_only) return "";
  std::string out = "rates:";
  if (c.burst || c.burst_only)
    out += " burst = the GPU at its boost clock (50 warm-up runs, mean of the next 100, as "
           "published tables time it);";
  if (c.sustained)
    out += " sust. = after the clock settled under the power cap (what a long job gets);";
  out += " CPU rows have one rate";
  if (c.clock) out += "; MHz = mean SM clock of the main rate";
  return out + "\n";
}

// Warm rows whose operands fit in their device's last-level cache, named once per backend.
std::vector<std::string> in_cache_lines(const Results& r,
                                        const std::function<std::string(const Record&)>& name) {
  std::vector<std::pair<std::string, std::vector<std::string>>> by_backend;
  for (const Record& rec : r.records) {
    if (!rec.ok() || !rec.operands_in_cache) continue;
    const std::string backend = name(rec);
    auto it = std::find_if(by_backend.begin(), by_backend.end(),
                           [&](const auto& e) { return e.first == backend; });
    if (it == by_backend.end()) it = by_backend.insert(by_backend.end(), {backend, {}});
    const std::string label = rec.shape.label() + " " + std::string(to_string(rec.dtype));
    if (std::find(it->second.begin(), it->second.end(), label) == it->second.end())
      it->second.push_back(label);
  }
  std::vector<std::string> lines;
  for (const auto& [backend, cases] : by_backend) {
    std::string list;
    for (const std::string& c : cases) list += (list.empty() ? "" : ", ") + c;
    lines.push_back(fmt::format(
        "{}: operands fit in the device's last-level cache, timed warm ({}): a loop "
        "reusing them runs this fast, a layer meeting them cold may not (--cache cold)",
        backend, list));
  }
  return lines;
}

// A card slower than its siblings: cooling, power cap, a narrower PCIe link, a faulty part.
// Shared with the markdown printer, which puts the same lines in a list.
std::vector<std::string> slow_device_lines(const Analysis& a, bool several_ranks) {
  std::vector<std::string> lines;
  if (a.compared_devices < 2) return lines;
  if (a.slow_devices.empty())
    lines.push_back(
        fmt::format("GPUs compared: {}; none more than {:g}% below the median GPU of a case",
                    a.compared_devices, a.slow_threshold_pct));
  for (const SlowDevice& d : a.slow_devices)
    lines.push_back(
        fmt::format("slow GPU: {} {} {}: {} at {} GFLOPS, {:.1f}% below the median "
                    "GPU ({})",
                    d.shape.label(), to_string(d.dtype), d.backend, device_label(d, several_ranks),
                    format_gflops(d.gflops), d.pct_below, format_gflops(d.median_gflops)));
  return lines;
}

std::string case_counts(const Results& r) {
  int n_ok = 0, n_failed = 0, n_other = 0;
  for (const Record& rec : r.records)
    (rec.ok() ? n_ok : rec.status == Status::failed ? n_failed : n_other)++;
  return fmt::format("{} case{}: {} ok, {} failed, {} skipped or unsupported{}", r.records.size(),
                     r.records.size() == 1 ? "" : "s", n_ok, n_failed, n_other,
                     r.interrupted ? " (interrupted: partial results)" : "");
}

void write_table(std::ostream& os, const Results& r, const Analysis& a) {
  write_system(os, r);
  const Naming naming{r.ranks.size() > 1, several_gpus(r)};
  const auto skipped = wholly_skipped(r);
  write_rows(os, r, a, naming, skipped);
  os << rate_legend(r);
  write_warnings(os, r, naming);
  for (const std::string& line :
       in_cache_lines(r, [&](const Record& rec) { return naming.backend(rec); }))
    os << "warning: " << line << "\n";
  for (const std::string& line : slow_device_lines(a, naming.ranks)) os << line << "\n";
  os << "\n" << case_counts(r) << "\n";
  if (a.verdict) write_verdict(os, *a.verdict);
}

}  // namespace gpubench
