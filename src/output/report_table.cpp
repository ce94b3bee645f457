// The terminal table: what a person reads after `gpubench matmul`.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "gpubench/core/errors.hpp"
#include "gpubench/output/report_algorithms.hpp"
#include "gpubench/output/report_workload.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/output/record_columns.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/report_analysis.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

// rank 1 on node7: the CPU, its cores, each library with its threads | GPU: [0] ...: one per rank.
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
    os << fmt::format("MPI: {} ranks on {}\n", r.ranks.size(), format_count(hosts.size(), "host"));
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

// The columns the table shows: those --columns named (each shown, a file-only one under its name
// with its exact field), else every column people read (with --columns all, those shown only on
// request too).
std::vector<Column<RecordRow>> table_columns(const Results& r, const Analysis& a,
                                             const TableView& v) {
  if (v.columns.empty()) {
    std::vector<Column<RecordRow>> cols = columns_named(record_columns(r, a), people_layout());
    for (Column<RecordRow>& c : cols) c.on_request = c.on_request && !v.all;
    return cols;
  }
  std::vector<Column<RecordRow>> cols =
      columns_named(record_columns(r, a), {v.columns.begin(), v.columns.end()});
  for (Column<RecordRow>& c : cols) {
    c.shown = true;
    c.on_request = false;
    if (!c.cell) {
      c.title = c.name;
      c.cell = [field = c.field](const RecordRow& x) { return Cell{field(x)}; };
    }
  }
  return cols;
}

// The rows, fitted to the terminal unless --columns or --wide chose them, then the lines below.
void write_rows(std::ostream& os, const Results& r, const Analysis& a,
                const std::map<std::string, std::string>& skipped, const TableView& v) {
  const auto rows =
      record_rows(r, a, [&](const Record& rec) { return !skipped.count(rec.backend); });
  const bool fits = !v.wide && v.columns.empty();
  const FittedGrid f =
      fit_grid(grid_of(Dialect::table, table_columns(r, a, v), rows), fits ? v.width : 0);
  os << render_grid(Dialect::table, f.grid);
  std::string below = on_request_legend(f.grid);
  for (const auto& [b, why] : skipped) below += fmt::format("{}: skipped, {}\n", b, why);
  os << wrap_lines(below + fitted_notes(f, v.width, "--wide or --columns all shows every column"),
                   v.width);
}

void write_warnings(std::ostream& os, const Results& r, const RowNaming& naming) {
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
  return fmt::format("{}: {} ok, {} failed, {} skipped or unsupported{}",
                     format_count(r.records.size(), "case"), n_ok, n_failed, n_other,
                     r.interrupted ? " (interrupted: partial results)" : "");
}

namespace {

// Everything under the table: the legend, warnings, the case counts and the verdict.
void write_tail(std::ostream& os, const Results& r, const Analysis& a) {
  const RowNaming naming = row_naming(r);
  os << rate_legend(r);
  write_warnings(os, r, naming);
  for (const std::string& line :
       in_cache_lines(r, [&](const Record& rec) { return naming.backend(rec); }))
    os << "warning: " << line << "\n";
  for (const std::string& line : slow_device_lines(a, naming.ranks)) os << line << "\n";
  for (const std::string& line : tuned_gain_lines(r)) os << line << "\n";
  os << "\n" << case_counts(r) << "\n";
  if (a.verdict) write_verdict(os, *a.verdict);
  write_workload(os, a.workload);
}

}  // namespace

std::vector<std::string> table_column_names() {
  std::vector<std::string> names;
  for (const Column<RecordRow>& c : record_columns(Results{}, Analysis{})) names.push_back(c.name);
  return names;
}

std::vector<std::string> parse_table_columns(const std::string& list) {
  if (list.empty() || list == "all") return {};
  const std::vector<std::string> known = table_column_names();
  std::vector<std::string> names;
  for (std::string_view name : split_list(list)) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string valid;
      for (const std::string& k : known) valid += (valid.empty() ? "" : ", ") + k;
      throw UsageError(
          fmt::format("--columns: unknown column '{}'; valid: all, {}", shown_input(name), valid));
    }
    names.emplace_back(name);
  }
  return names;
}

void write_table(std::ostream& os, const Results& r, const Analysis& a) {
  write_table(os, r, a, TableView{});
}

void write_table(std::ostream& os, const Results& r, const Analysis& a, const TableView& view) {
  std::ostringstream head, tail;
  write_system(head, r);
  os << wrap_lines(head.str(), view.width);
  write_rows(os, r, a, wholly_skipped(r), view);
  write_tail(tail, r, a);
  os << wrap_lines(tail.str(), view.width);
}

}  // namespace gpubench
