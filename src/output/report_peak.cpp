#include "gpubench/output/report_peak.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "gpubench/analysis/peak_summary.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

using json = nlohmann::ordered_json;

// GPU searches read in TFLOPS, CPU ones in GFLOPS: the unit that keeps the numbers short. An int8
// search counts integer operations: TOPS, GOPS.
struct Unit {
  double scale;  // GFLOPS per unit
  const char* name;
};

Unit unit_for(const PeakSearch& s) {
  const bool ops = s.dtype == DType::int8;
  return s.device_kind == DeviceKind::gpu ? Unit{1000, ops ? "TOPS" : "TFLOPS"}
                                          : Unit{1, ops ? "GOPS" : "GFLOPS"};
}

std::string rate(double gflops, Unit u) {
  if (!(gflops > 0) || !std::isfinite(gflops)) return "-";
  const double v = gflops / u.scale;
  if (v >= 100) return fmt::format("{:.1f}", v);
  if (v >= 10) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3g}", v);
}

std::string pct(const std::optional<double>& p) {
  return p && std::isfinite(*p) ? fmt::format("{:.0f}%", *p) : "-";
}

std::string device_text(const PeakSearch& s) {
  if (s.device_kind == DeviceKind::cpu) return s.device_name.empty() ? "CPU" : s.device_name;
  return fmt::format("GPU {}{}", s.device_index, s.device_name.empty() ? "" : " " + s.device_name);
}

// Always M x N x K: a peak shape is read dimension by dimension, cubes included.
// The share of the grid measured: two significant digits below 10% (0.024%), whole percent above
// ("{:.2g}" printed 100% as "1e+02%").
std::string grid_share_text(double percent) {
  return percent >= 10 ? fmt::format("{:.0f}%", percent) : fmt::format("{:.2g}%", percent);
}

std::string shape_text(const Shape& s) { return fmt::format("{}x{}x{}", s.m, s.n, s.k); }

std::string ended_text(const PeakSearch& s) {
  if (s.ended == "budget") return "the budget ran out first";
  if (s.ended == "grid") return "every shape of the grid was measured";
  if (s.ended == "interrupted") return "interrupted";
  if (s.ended == "unsupported") return "no shape could run";
  if (s.ended == "failed") return "no shape verified";
  return s.ended;
}

// The best row's rates: burst and sustained on a GPU (each with its % of peak), one rate on the
// CPU.
std::string best_rates(const PeakSummary& sum, Unit u) {
  const auto one = [&](const char* what, const std::optional<double>& g,
                       const std::optional<double>& p) {
    return fmt::format("{}{} {}{}", what, rate(*g, u), u.name,
                       p ? fmt::format(" ({:.0f}% of peak)", *p) : "");
  };
  std::vector<std::string> parts;
  if (sum.best_burst_gflops)
    parts.push_back(one("burst ", sum.best_burst_gflops, sum.best_burst_pct));
  if (sum.best_sustained_gflops)
    parts.push_back(one("sustained ", sum.best_sustained_gflops, sum.best_sustained_pct));
  if (sum.best_one_rate_gflops)
    parts.push_back(one("", sum.best_one_rate_gflops, sum.best_one_rate_pct));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

// Backends that choose among a library's algorithms: the best row's rate with the default one.
std::string default_algorithm_text(const Record& best, Unit u) {
  if (!best.default_rate || !best.tuned_gain) return "";
  return fmt::format("      the library's default algorithm (what a framework gets): {} {}, the "
                     "chosen one {:.2f}x that (default {}, chosen {})",
                     rate(best.default_rate->gflops, u), u.name, *best.tuned_gain,
                     best.default_algorithm, best.algorithm);
}

// One search's report, in lines and one table, for every printer: the table prints the lines as
// they are and aligns the table; markdown makes them a heading, paragraphs and a table.
struct SearchReport {
  std::string title;               // "cublas bf16 on GPU 0 H100"
  std::vector<std::string> facts;  // the grid, how the search went, a failure
  std::vector<std::string> best;   // "Best: ...", then how it was timed and its warnings
  std::string top_title;           // "Top 10 (TFLOPS; ...):", empty without a best shape
  std::vector<std::vector<std::string>> top;  // heading row first
  std::string summary;             // the means over the grid, or empty
};
constexpr bool kTopRight[] = {true, true, true, true, true, true, false, true};

std::vector<std::string> search_facts(const PeakSummary& sum) {
  const PeakSearch& s = *sum.search;
  std::vector<std::string> facts{fmt::format("Grid: M {} x N {} x K {} ({} shapes)",
                                             grid_range_text(s.m), grid_range_text(s.n),
                                             grid_range_text(s.k), s.grid_shapes)};
  int diagonal = 0, pattern = 0, fill = 0;
  for (const PeakPoint& p : s.points)
    (p.phase == "diagonal" ? diagonal : p.phase == "pattern" ? pattern : fill) += 1;
  facts.push_back(fmt::format(
      "Searched {} (diagonal {}, pattern {}, fill {}) and re-measured {} in {} of its {}; "
      "{} passed over as too long for the time left; ended: {}",
      format_count(sum.measured, "shape"), diagonal, pattern, fill, sum.remeasured,
      format_seconds(s.elapsed_seconds),
      s.budget_seconds > 0 ? format_seconds(s.budget_seconds)
                           : std::string("0 s (spent before this search could begin)"),
      s.skipped_for_budget, ended_text(s)));
  if (sum.failed > 0)
    facts.push_back(fmt::format("FAILED: {} did not verify (see the JSON's points)",
                                format_count(sum.failed, "shape")));
  return facts;
}

std::vector<std::string> best_lines(const Results& r, const PeakSummary& sum, Unit u) {
  const PeakSearch& s = *sum.search;
  if (sum.best_row < 0) {
    std::string why = "no shape could be measured";
    for (const PeakPoint& p : s.points)
      if (p.status != Status::ok && !p.reason.empty()) {
        why += ": " + status_text(p.status, p.reason);
        break;
      }
    return {"Best: none (" + why + ")"};
  }
  const Record& best = r.records[std::size_t(sum.best_row)];
  std::vector<std::string> lines{
      fmt::format("Best: {}  {}", shape_text(best.shape), best_rates(sum, u))};
  // How each rate was timed, in the runner's words, and the spread of the row's primary rate.
  std::string how = best.burst ? fmt::format("burst: {}; ", best.burst->method) : "";
  how += fmt::format("{}{} ({}, {})", best.main.clocks.empty() ? "" : best.main.clocks + ": ",
                     best.main.method.empty() ? "median of samples" : best.main.method,
                     format_count(best.main.seconds.samples, "sample"),
                     spread_text(best.main.seconds));
  lines.push_back(fmt::format(
      "      {}: {}; verified, max rel. error {:.1e}{}",
      sum.best_remeasured ? "re-measured" : "search timing only", how, best.max_rel_error,
      best.peak_gflops ? fmt::format("; peak {} {}", rate(*best.peak_gflops, u), u.name) : ""));
  if (const std::string d = default_algorithm_text(best, u); !d.empty()) lines.push_back(d);
  for (const std::string& w : best.warnings) lines.push_back("      warning: " + w);
  return lines;
}

// The fastest shapes of the search; the re-measured rate beside those that got one.
std::vector<std::vector<std::string>> top_rows(const Results& r, const PeakSummary& sum, Unit u) {
  const PeakSearch& s = *sum.search;
  std::vector<std::vector<std::string>> rows{
      {"#", "M", "N", "K", "search", "% peak", "phase", "re-measured"}};
  for (std::size_t i = 0; i < sum.top.size(); ++i) {
    const PeakPoint& p = s.points[std::size_t(sum.top[i])];
    std::string again = "-";
    for (const int row : s.rows) {
      const Record& rec = r.records[std::size_t(row)];
      if (rec.shape == p.shape && sum.best_row >= 0 &&
          !(row == sum.best_row && !sum.best_remeasured))
        again = rec.ok() ? rate(achievable_gflops(rec), u) : status_text(rec.status, rec.reason);
    }
    rows.push_back({std::to_string(i + 1), std::to_string(p.shape.m), std::to_string(p.shape.n),
                    std::to_string(p.shape.k), rate(p.gflops, u), pct(p.pct_of_peak), p.phase,
                    again});
  }
  return rows;
}

SearchReport search_report(const Results& r, const PeakSummary& sum) {
  const PeakSearch& s = *sum.search;
  const Unit u = unit_for(s);
  SearchReport out;
  out.title = fmt::format("{} {}{} on {}", s.backend, to_string(s.dtype),
                          s.layout == Layout::nn ? "" : fmt::format(" {}", to_string(s.layout)),
                          device_text(s));
  out.facts = search_facts(sum);
  out.best = best_lines(r, sum, u);
  if (sum.best_row < 0) return out;
  out.top_title = fmt::format("Top {} ({}; the search's short timing{}):", sum.top.size(), u.name,
                              s.device_kind == DeviceKind::gpu ? ", burst rates" : "");
  out.top = top_rows(r, sum, u);
  if (sum.geomean_gflops)
    out.summary = fmt::format(
        "Summary: over the {} measured ({} of the grid's {}): geometric mean {} {}, "
        "arithmetic mean {} {}",
        format_count(sum.ok, "shape"),
        grid_share_text(100.0 * sum.ok / std::max<double>(1, double(s.grid_shapes))), s.grid_shapes,
        rate(*sum.geomean_gflops, u), u.name, rate(*sum.mean_gflops, u), u.name);
  return out;
}

void write_search(std::ostream& os, const SearchReport& rep) {
  os << rep.title << "\n";
  for (const std::string& line : rep.facts) os << line << "\n";
  os << "\n";
  for (const std::string& line : rep.best) os << line << "\n";
  os << "\n";
  if (rep.top.empty()) return;
  os << rep.top_title << "\n";
  os << align_columns(rep.top, std::vector<bool>(std::begin(kTopRight), std::end(kTopRight)),
                      "  ");
  os << "\n";
  if (!rep.summary.empty()) os << rep.summary << "\n";
  os << "\n";
}

void write_search_markdown(std::ostream& os, const SearchReport& rep) {
  os << "### " << markdown_cell(rep.title) << "\n\n";
  for (const std::string& line : rep.facts) os << markdown_cell(line) << "\n\n";
  for (const std::string& line : rep.best) os << markdown_cell(trim(line)) << "\n\n";
  if (rep.top.empty()) return;
  os << markdown_cell(rep.top_title) << "\n\n";
  for (std::size_t i = 0; i < rep.top.size(); ++i) {
    os << "|";
    for (const std::string& cell : rep.top[i]) os << " " << markdown_cell(cell) << " |";
    os << "\n";
    if (i == 0) {
      os << "|";
      for (const bool right : kTopRight) os << (right ? " ---: |" : " --- |");
      os << "\n";
    }
  }
  os << "\n";
  if (!rep.summary.empty()) os << markdown_cell(rep.summary) << "\n\n";
}

// The best row's default-algorithm rate (backends that choose among a library's algorithms).
json default_gflops(const Results& r, const PeakSummary& s) {
  if (s.best_row < 0) return nullptr;
  const Record& best = r.records[std::size_t(s.best_row)];
  return best.default_rate ? json(best.default_rate->gflops) : json(nullptr);
}

}  // namespace

std::string grid_range_text(const GridRange& g) {
  if (g.start == g.stop) return std::to_string(g.start);
  return fmt::format("{}..{} step {}", g.start, g.stop, g.step);
}

void write_peak_table(std::ostream& os, const Results& r) {
  const SystemInfo& sys = r.system;
  os << fmt::format("gpubench {} peak on {} ({})\n", sys.gpubench_version, sys.hostname, sys.os);
  const LibraryInfo& blas = sys.cpu_blas();
  os << fmt::format("CPU: {} | {} cores | {} {} threads={}\n", sys.cpu.model,
                    sys.cpu.physical_cores, blas.name, blas.version, blas.threads);
  os << "GPU: " << gpu_summary(sys) << "\n\n";
  for (const PeakSummary& sum : summarize_peak(r)) write_search(os, search_report(r, sum));
  if (r.interrupted) os << "Interrupted: the best so far is above and in the file.\n";
}

void write_peak_markdown(std::ostream& os, const Results& r) {
  const SystemInfo& sys = r.system;
  os << fmt::format("## gpubench {} peak on {}\n\n", sys.gpubench_version,
                    markdown_cell(sys.hostname));
  os << fmt::format("- OS: {}\n- CPU: {}, {} cores, {}\n- GPU: {}\n\n", markdown_cell(sys.os),
                    markdown_cell(sys.cpu.model), sys.cpu.physical_cores,
                    markdown_cell(library_text(sys.cpu_blas())), markdown_cell(gpu_summary(sys)));
  for (const PeakSummary& sum : summarize_peak(r))
    write_search_markdown(os, search_report(r, sum));
  if (r.interrupted) os << "Interrupted: the best so far is above.\n";
}

void write_peak_csv(std::ostream& os, const Results& r) {
  os << csv_line({"backend", "device", "dtype", "layout", "phase", "m", "n", "k", "status",
                  "gflops", "pct_of_peak", "reason"})
     << "\n";
  for (const PeakSearch& s : r.peak)
    for (const PeakPoint& p : s.points)
      os << csv_line({s.backend, device_text(s), std::string(to_string(s.dtype)),
                      std::string(to_string(s.layout)), p.phase,
                      std::to_string(p.shape.m), std::to_string(p.shape.n),
                      std::to_string(p.shape.k), status_name(p.status),
                      p.status == Status::ok ? fmt::format("{:.6g}", p.gflops) : "",
                      p.pct_of_peak ? fmt::format("{:.4g}", *p.pct_of_peak) : "", p.reason})
         << "\n";
}

void write_peak_json(std::ostream& os, const Results& r) {
  json doc = results_to_json(r);
  const std::vector<PeakSummary> sums = summarize_peak(r);
  for (std::size_t i = 0; i < sums.size(); ++i) {
    const PeakSummary& s = sums[i];
    json top = json::array();
    for (const int p : s.top) top.push_back(p);
    doc["peak"][i]["summary"] = {
        {"best_row", s.best_row >= 0 ? json(s.best_row) : json(nullptr)},
        {"best_remeasured", s.best_remeasured},
        {"best_gflops", s.best_row >= 0
                            ? json(achievable_gflops(r.records[std::size_t(s.best_row)]))
                            : json(nullptr)},
        {"best_burst_gflops", json_number(s.best_burst_gflops)},
        {"best_sustained_gflops", json_number(s.best_sustained_gflops)},
        {"best_one_rate_gflops", json_number(s.best_one_rate_gflops)},
        {"best_default_algorithm_gflops", default_gflops(r, s)},
        {"best_tuned_gain", s.best_row >= 0
                                ? json_number(r.records[std::size_t(s.best_row)].tuned_gain)
                                : json(nullptr)},
        {"top", top},
        {"measured", s.measured},
        {"remeasured", s.remeasured},
        {"ok", s.ok},
        {"failed", s.failed},
        {"not_run", s.not_run},
        {"geomean_gflops", json_number(s.geomean_gflops)},
        {"mean_gflops", json_number(s.mean_gflops)}};
  }
  os << json_text(doc) << "\n";
}

}  // namespace gpubench
