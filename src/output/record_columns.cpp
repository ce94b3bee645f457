// The columns of a matmul record: each declared once, with its CSV name, its title for people,
// its cell and when it shows. The terminal table, markdown and CSV all print from this list.
#include "gpubench/output/record_columns.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "gpubench/core/format_util.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

using RC = Column<RecordRow>;
using Field = std::function<std::string(const RecordRow&)>;
using CellOf = std::function<Cell(const RecordRow&)>;

// Shortest text that reads back as the same double; empty for unknown or not finite.
std::string num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }
std::string num(const std::optional<double>& v) { return v ? num(*v) : ""; }
std::string yes_no(bool b) { return b ? "true" : "false"; }

bool measured(const Record& rec) { return rec.main.seconds.samples > 0; }
// A timing statistic: empty where nothing was timed.
std::string stat(const Record& rec, double v) { return measured(rec) ? num(v) : ""; }

// A field only files carry.
RC file_field(std::string name, Field f) {
  return {std::move(name), "", Align::right, 1, f, nullptr};
}

// A field people read too, under `title`.
RC shared(std::string name, std::string title, Align align, int priority, Field f, CellOf c,
          bool shown = true) {
  return {std::move(name), std::move(title), align, priority, f, c, shown};
}

// Which rates show: a burst column when any GPU row has one, the main column's title (the
// sustained rate of GPU rows, or burst with --clocks burst), clock and GFLOPS/W columns when any
// row's telemetry read them.
struct RateColumns {
  bool burst = false, clock = false, per_watt = false, per_cycle = false;
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
    c.per_cycle = c.per_cycle || rec.main.flop_per_cycle.has_value();
  }
  if (c.sustained && !c.burst_only) c.main_title = "GFLOPS sust.";
  if (c.burst_only && !c.sustained) c.main_title = "GFLOPS burst";
  return c;
}

// Which case a row is and where it ran.
void add_identity(std::vector<RC>& cols, const RowNaming& naming) {
  cols.push_back({"shape", "shape", Align::right, 1, nullptr,
                  [](const RecordRow& x) { return Cell{x.rec.shape.label()}; }});
  cols.push_back(file_field("m", [](const RecordRow& x) { return std::to_string(x.rec.shape.m); }));
  cols.push_back(file_field("n", [](const RecordRow& x) { return std::to_string(x.rec.shape.n); }));
  cols.push_back(file_field("k", [](const RecordRow& x) { return std::to_string(x.rec.shape.k); }));
  cols.push_back(file_field(
      "layout", [](const RecordRow& x) { return std::string(to_string(x.rec.shape.layout)); }));
  cols.push_back(
      file_field("batch", [](const RecordRow& x) { return std::to_string(x.rec.shape.batch); }));
  const Field dtype = [](const RecordRow& x) { return std::string(to_string(x.rec.dtype)); };
  cols.push_back(shared("dtype", "dtype", Align::left, 1, dtype,
                        [=](const RecordRow& x) { return Cell{dtype(x)}; }));
  cols.push_back(shared(
      "backend", "backend", Align::left, 1, [](const RecordRow& x) { return x.rec.backend; },
      [=](const RecordRow& x) { return Cell{naming.backend(x.rec)}; }));
  cols.push_back(file_field("role", [](const RecordRow& x) { return to_string(x.rec.role); }));
  cols.push_back(
      file_field("device_kind", [](const RecordRow& x) { return to_string(x.rec.device_kind); }));
  cols.push_back(file_field("device_index",
                            [](const RecordRow& x) { return std::to_string(x.rec.device_index); }));
  cols.push_back(file_field("device_name", [](const RecordRow& x) { return x.rec.device_name; }));
  cols.push_back(file_field("pci_bus_id", [](const RecordRow& x) { return x.rec.pci_bus_id; }));
  cols.push_back(shared(
      "host", "host", Align::left, 1, [](const RecordRow& x) { return x.rec.host; },
      [](const RecordRow& x) { return Cell{x.rec.host}; }, naming.ranks));
  const Field rank = [](const RecordRow& x) { return std::to_string(x.rec.rank); };
  cols.push_back(shared(
      "rank", "rank", Align::right, 1, rank, [=](const RecordRow& x) { return Cell{rank(x)}; },
      naming.ranks));
}

// "ok", "skipped: why", "FAILED: why" (stressed where a dialect can), flagged with warnings.
Cell status_cell(const Record& rec) {
  const std::string text = status_text(rec.status, rec.reason);
  if (rec.status == Status::failed) {
    const std::size_t word = to_string(rec.status).size();
    return {text.substr(word), text.substr(0, word)};
  }
  return {text, "", rec.ok() && !rec.warnings.empty()};
}

// How the case ran and how long it took.
void add_timing(std::vector<RC>& cols) {
  cols.push_back(shared(
      "status", "status", Align::left, 1,
      [](const RecordRow& x) { return status_name(x.rec.status); },
      [](const RecordRow& x) { return status_cell(x.rec); }));
  cols.push_back(file_field("reason", [](const RecordRow& x) { return x.rec.reason; }));
  cols.push_back(
      file_field("threads", [](const RecordRow& x) { return std::to_string(x.rec.threads); }));
  cols.push_back(file_field(
      "iterations", [](const RecordRow& x) { return std::to_string(x.rec.main.iterations); }));
  cols.push_back(file_field(
      "samples", [](const RecordRow& x) { return std::to_string(x.rec.main.seconds.samples); }));
  cols.push_back(shared(
      "median_s", "median", Align::right, 3,
      [](const RecordRow& x) { return stat(x.rec, x.rec.main.seconds.median); },
      [](const RecordRow& x) {
        return Cell{measured(x.rec) ? format_seconds(x.rec.main.seconds.median) : "-"};
      }));
  cols.push_back(
      file_field("min_s", [](const RecordRow& x) { return stat(x.rec, x.rec.main.seconds.min); }));
  cols.push_back(file_field(
      "mean_s", [](const RecordRow& x) { return stat(x.rec, x.rec.main.seconds.mean); }));
  cols.push_back(file_field(
      "stddev_s", [](const RecordRow& x) { return stat(x.rec, x.rec.main.seconds.stddev); }));
  cols.push_back(
      file_field("max_s", [](const RecordRow& x) { return stat(x.rec, x.rec.main.seconds.max); }));
  cols.push_back(shared(
      "cv", "spread", Align::right, 3,
      [](const RecordRow& x) { return stat(x.rec, x.rec.main.seconds.cv()); },
      [](const RecordRow& x) {
        return Cell{measured(x.rec) ? spread_text(x.rec.main.seconds) : "-"};
      }));
}

// The main rate, the peak it is measured against, and the end-to-end rate.
void add_rates(std::vector<RC>& cols, const Results& r, const RateColumns& rates) {
  bool any_e2e = false;
  for (const Record& rec : r.records) any_e2e = any_e2e || rec.end_to_end_gflops.has_value();
  cols.push_back(shared(
      "gflops", rates.main_title, Align::right, 1,
      [](const RecordRow& x) { return stat(x.rec, x.rec.main.gflops); },
      [](const RecordRow& x) {
        return Cell{measured(x.rec) ? format_gflops(x.rec.main.gflops) : "-"};
      }));
  cols.push_back(
      file_field("peak_gflops", [](const RecordRow& x) { return num(x.rec.peak_gflops); }));
  cols.push_back(shared(
      "pct_of_peak", "% peak", Align::right, 2,
      [](const RecordRow& x) { return measured(x.rec) ? num(x.rec.pct_of_peak) : ""; },
      [](const RecordRow& x) {
        return Cell{x.rec.pct_of_peak && measured(x.rec)
                        ? fmt::format("{:.0f}%", *x.rec.pct_of_peak)
                        : "-"};
      }));
  cols.push_back(file_field("e2e_median_s", [](const RecordRow& x) {
    return x.rec.end_to_end_seconds ? num(x.rec.end_to_end_seconds->median) : "";
  }));
  cols.push_back(shared(
      "e2e_gflops", "GFLOPS e2e", Align::right, 3,
      [](const RecordRow& x) { return num(x.rec.end_to_end_gflops); },
      [](const RecordRow& x) {
        return Cell{x.rec.end_to_end_gflops ? format_gflops(*x.rec.end_to_end_gflops) : "-"};
      },
      any_e2e));
  cols.push_back(file_field("host_memory", [](const RecordRow& x) { return x.rec.host_memory; }));
}

// What analysis derived: the speedup over the CPU, % of the reference, GFLOP per dollar.
void add_derived(std::vector<RC>& cols, const Analysis& a) {
  // Over the best CPU library of the same shape and dtype; named when several were measured.
  const bool named = a.speedups_name_cpu_library();
  cols.push_back(shared(
      "speedup_vs_cpu", named ? "vs best CPU" : "vs CPU", Align::right, 2,
      [](const RecordRow& x) { return num(x.ra.speedup_vs_cpu); },
      [named](const RecordRow& x) {
        if (!x.ra.speedup_vs_cpu) return Cell{};
        return Cell{
            fmt::format("{:.1f}x{}", *x.ra.speedup_vs_cpu, named ? " " + x.ra.cpu_backend : "")};
      },
      a.any_speedup()));
  cols.push_back(
      file_field("speedup_cpu_backend", [](const RecordRow& x) { return x.ra.cpu_backend; }));
  cols.push_back(shared(
      "pct_of_reference", a.reference_title(), Align::right, 3,
      [](const RecordRow& x) { return num(x.ra.pct_of_reference); },
      [](const RecordRow& x) {
        return Cell{x.ra.pct_of_reference ? fmt::format("{:.0f}%", *x.ra.pct_of_reference) : ""};
      },
      a.any_pct_of_reference()));
  cols.push_back(
      file_field("reference_backend", [](const RecordRow& x) { return x.ra.reference_backend; }));
  cols.push_back(shared(
      "gflop_per_usd", "GFLOP/$", Align::right, 3,
      [](const RecordRow& x) { return num(x.ra.gflop_per_usd); },
      [](const RecordRow& x) {
        return Cell{x.ra.gflop_per_usd ? format_gflops(*x.ra.gflop_per_usd) : ""};
      },
      a.any_gflop_per_usd()));
  cols.push_back(file_field("pct_below_median_gpu",
                            [](const RecordRow& x) { return num(x.ra.pct_below_median_gpu); }));
}

// Whether the answer was right.
void add_verification(std::vector<RC>& cols) {
  cols.push_back(file_field("verified", [](const RecordRow& x) { return yes_no(x.rec.verified); }));
  cols.push_back(shared(
      "max_rel_error", "max rel err", Align::right, 3,
      [](const RecordRow& x) { return x.rec.verified ? num(x.rec.max_rel_error) : ""; },
      [](const RecordRow& x) {
        return Cell{x.rec.verified ? fmt::format("{:.1e}", x.rec.max_rel_error) : "-"};
      }));
  cols.push_back(file_field(
      "tolerance", [](const RecordRow& x) { return x.rec.verified ? num(x.rec.tolerance) : ""; }));
  cols.push_back(file_field(
      "checked_entries", [](const RecordRow& x) { return std::to_string(x.rec.checked_entries); }));
  cols.push_back(file_field("warnings", [](const RecordRow& x) {
    std::string warnings;
    for (const auto& w : x.rec.warnings) warnings += (warnings.empty() ? "" : "; ") + w;
    return warnings;
  }));
}

// A telemetry cell: the value where it was read on a measured row, else empty.
CellOf telemetry_cell(std::optional<double> Telemetry::*field, const char* format) {
  return [=](const RecordRow& x) {
    const std::optional<double>& v = x.rec.main.telemetry.*field;
    return Cell{v && measured(x.rec) ? fmt::format(fmt::runtime(format), *v) : ""};
  };
}

// Added with results schema 2: the clocks, the burst rate, telemetry and the cache policy.
void add_schema_2(std::vector<RC>& cols, const RateColumns& rates) {
  cols.push_back(file_field("clocks", [](const RecordRow& x) { return x.rec.main.clocks; }));
  cols.push_back(shared(
      "burst_gflops", "GFLOPS burst", Align::right, 2,
      [](const RecordRow& x) { return x.rec.burst ? num(x.rec.burst->gflops) : ""; },
      [](const RecordRow& x) {
        return Cell{x.rec.burst && measured(x.rec) ? format_gflops(x.rec.burst->gflops) : "-"};
      },
      rates.burst));
  cols.push_back(shared(
      "mean_sm_clock_mhz", "MHz", Align::right, 3,
      [](const RecordRow& x) { return num(x.rec.main.telemetry.mean_sm_clock_mhz); },
      telemetry_cell(&Telemetry::mean_sm_clock_mhz, "{:.0f}"), rates.clock));
  cols.push_back(file_field(
      "mean_power_w", [](const RecordRow& x) { return num(x.rec.main.telemetry.mean_power_w); }));
  cols.push_back(shared(
      "gflops_per_watt", "GFLOPS/W", Align::right, 3,
      [](const RecordRow& x) { return num(x.rec.main.telemetry.gflops_per_watt); },
      telemetry_cell(&Telemetry::gflops_per_watt, "{:.1f}"), rates.per_watt));
  cols.push_back(file_field("energy_per_mult_j", [](const RecordRow& x) {
    return num(x.rec.main.telemetry.energy_per_mult_j);
  }));
  cols.push_back(
      file_field("cold_cache", [](const RecordRow& x) { return yes_no(x.rec.cold_cache); }));
  cols.push_back(file_field("operands_in_cache",
                            [](const RecordRow& x) { return yes_no(x.rec.operands_in_cache); }));
}

// FLOP per cycle: a rate in cycle space, as FLOP per clock cycle per SM (GPU rows) or per core (CPU
// rows), so a power-capped card and a cool one of the same model compare as silicon. Files carry
// both rates' figures; people's tables show the main rate's when asked (--columns flop_per_cycle).
constexpr std::string_view kFlopPerCycle = "flop_per_cycle";  // the column and its legend

void add_cycle_space(std::vector<RC>& cols, const RateColumns& rates) {
  RC main = shared(
      std::string(kFlopPerCycle), "FLOP/cycle", Align::right, 3,
      [](const RecordRow& x) { return num(x.rec.main.flop_per_cycle); },
      [](const RecordRow& x) {
        const std::optional<double>& v = x.rec.main.flop_per_cycle;
        return Cell{v && measured(x.rec) ? format_gflops(*v) : "-"};
      },
      rates.per_cycle);
  main.on_request = true;
  cols.push_back(std::move(main));
  cols.push_back(file_field("burst_flop_per_cycle", [](const RecordRow& x) {
    return x.rec.burst ? num(x.rec.burst->flop_per_cycle) : "";
  }));
}

// Added with issue 23: a workload's weights (its call count), and the library's default algorithm
// beside the one the row was timed with.
void add_workload_and_algorithms(std::vector<RC>& cols) {
  cols.push_back(file_field("workload_calls", [](const RecordRow& x) {
    return x.rec.workload_calls > 0 ? std::to_string(x.rec.workload_calls) : std::string();
  }));
  cols.push_back(file_field("algorithm", [](const RecordRow& x) { return x.rec.algorithm; }));
  cols.push_back(
      file_field("default_algorithm", [](const RecordRow& x) { return x.rec.default_algorithm; }));
  cols.push_back(file_field("default_gflops", [](const RecordRow& x) {
    return x.rec.default_rate ? num(x.rec.default_rate->gflops) : std::string();
  }));
  cols.push_back(file_field("tuned_gain", [](const RecordRow& x) { return num(x.rec.tuned_gain); }));
}

// Several GPUs anywhere in the run: rows name their GPU.
bool several_gpus(const Results& r) {
  if (r.system.gpus.size() > 1 || r.ranks.size() > 1) return true;
  for (const SystemInfo& s : r.ranks)
    if (s.gpus.size() > 1) return true;
  return false;
}

}  // namespace

std::string RowNaming::backend(const Record& rec) const {
  return rec.backend +
         (rec.device_index >= 0 && devices ? fmt::format("[{}]", rec.device_index) : "");
}

RowNaming row_naming(const Results& r) { return {r.ranks.size() > 1, several_gpus(r)}; }

std::vector<Column<RecordRow>> record_columns(const Results& r, const Analysis& a) {
  const RateColumns rates = rate_columns(r);
  std::vector<RC> cols;
  add_identity(cols, row_naming(r));
  add_timing(cols);
  add_rates(cols, r, rates);
  add_derived(cols, a);
  add_verification(cols);
  add_schema_2(cols, rates);
  add_cycle_space(cols, rates);
  add_workload_and_algorithms(cols);
  return cols;
}

// Priorities (issue 26): shape, dtype, backend, the main rate and status are kept longest (1); then
// the burst rate, % peak and vs CPU (2); the rest (3) goes first when a terminal is too narrow.
const std::vector<std::string_view>& people_layout() {
  // GPU rows have two rates: the columns say which is which (a CPU row's one rate sits in the main
  // column; the legend under the table says so).
  static const std::vector<std::string_view> names{"host",
                                                   "rank",
                                                   "shape",
                                                   "dtype",
                                                   "backend",
                                                   "median_s",
                                                   "cv",
                                                   "burst_gflops",
                                                   "gflops",
                                                   "mean_sm_clock_mhz",
                                                   kFlopPerCycle,
                                                   "gflops_per_watt",
                                                   "e2e_gflops",
                                                   "pct_of_peak",
                                                   "speedup_vs_cpu",
                                                   "pct_of_reference",
                                                   "gflop_per_usd",
                                                   "max_rel_error",
                                                   "status"};
  return names;
}

std::vector<Column<RecordRow>> columns_named(const std::vector<Column<RecordRow>>& columns,
                                             const std::vector<std::string_view>& names) {
  std::vector<Column<RecordRow>> out;
  for (std::string_view name : names) {
    auto it = std::find_if(columns.begin(), columns.end(),
                           [&](const Column<RecordRow>& c) { return c.name == name; });
    if (it != columns.end()) out.push_back(*it);
  }
  return out;
}

std::vector<RecordRow> record_rows(const Results& r, const Analysis& a,
                                   const std::function<bool(const Record&)>& keep) {
  std::vector<RecordRow> rows;
  for (std::size_t i = 0; i < r.records.size(); ++i)
    if (!keep || keep(r.records[i])) rows.push_back({r.records[i], a.records[i]});
  return rows;
}

// The legend of a column shown only on request (report.hpp), beside the column it explains.
std::string on_request_legend(const Grid& g) {
  for (const Grid::Head& h : g.heads)
    if (h.name == kFlopPerCycle)
      return "FLOP/cycle = the main rate per clock cycle, per SM on a GPU (at the window's mean SM "
             "clock), per core on a CPU (at its measured clock)\n";
  return "";
}

// The legend of the rate columns (report.hpp), beside the columns it explains.
std::string rate_legend(const Results& r) {
  const RateColumns c = rate_columns(r);
  if (!c.burst && !c.sustained && !c.burst_only) return "";
  std::string out = "rates:";
  if (c.burst || c.burst_only)
    out +=
        " burst = the GPU at its boost clock (50 warm-up runs, mean of the next 100, as "
        "published tables time it);";
  if (c.sustained)
    out += " sust. = after the clock settled under the power cap (what a long job gets);";
  out += " CPU rows have one rate";
  if (c.clock) out += "; MHz = mean SM clock of the main rate";
  return out + "\n";
}

}  // namespace gpubench
