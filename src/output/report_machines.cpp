// The machine view of `gpubench compare`: headlines per dtype, then each machine's best row per
// case, as a table, markdown, CSV or JSON.
#include "gpubench/output/report_machines.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/columns.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

// 628x, 14.2x, 1.07x: as many digits as a reader needs.
std::string times(double q) {
  if (q >= 100) return fmt::format("{:.0f}x", q);
  if (q >= 10) return fmt::format("{:.1f}x", q);
  return fmt::format("{:.2f}x", q);
}

std::string backend_of(const MachineBest& b) {
  if (!b.record) return "-";
  std::string s = b.record->backend;
  if (b.record->device_index > 0) s += fmt::format("[{}]", b.record->device_index);
  return s;
}

// "cloud (NVIDIA H200, cublas)"
std::string who(const MachineView& v, std::size_t run, const MachineCase& c) {
  const MachineBest& b = c.best[run];
  return fmt::format("{} ({}, {})", v.labels[run], b.device, backend_of(b));
}

std::string usd_text(double gflop_per_usd) {
  return fmt::format("{} GFLOP/$", format_gflops(gflop_per_usd));
}

// "fp32: cloud (...) is 628x laptop (...) at 2048, geomean 142x over 5 sizes", one per other run.
void versus_lines(const MachineView& v, const MachineDtype& d, std::vector<std::string>& out) {
  const MachineCase& largest = v.cases[d.common.back()];
  const std::string over = format_count(d.common.size(), d.all_square ? "size" : "shape");
  for (std::size_t o = 0; o < v.labels.size(); ++o) {
    if (o == d.winner) continue;
    const double at = largest.best[d.winner].value / largest.best[o].value;
    out.push_back(fmt::format("{}: {} is {} {} at {}, geomean {} over {}", to_string(d.dtype),
                              who(v, d.winner, largest), times(at), who(v, o, largest),
                              largest.shape.label(), times(d.geomean[d.winner] / d.geomean[o]),
                              over));
  }
}

// "  order: laptop ahead up to 256, cloud from 512 on", only where the order changes.
void order_line(const MachineView& v, const MachineDtype& d, std::vector<std::string>& out) {
  if (d.leads.size() < 2) return;
  std::string text;
  for (std::size_t s = 0; s < d.leads.size(); ++s) {
    const LeadSpan& span = d.leads[s];
    const std::string from = v.cases[span.first_case].shape.label();
    const std::string to = v.cases[span.last_case].shape.label();
    std::string where = s == 0                      ? "up to " + to
                        : s + 1 == d.leads.size()   ? "from " + from + " on"
                        : from == to                ? "at " + from
                                                    : "from " + from + " to " + to;
    text += fmt::format("{}{} fastest {}", s == 0 ? "" : ", ", v.labels[span.run], where);
  }
  out.push_back("  order changes: " + text);
}

// "  per dollar: cloud 1234 GFLOP/$, laptop 456 GFLOP/$: cloud is 2.71x cheaper for this work"
void price_line(const MachineView& v, const MachineDtype& d, std::vector<std::string>& out) {
  std::size_t cheapest = v.labels.size(), priced = 0;
  std::string text;
  for (std::size_t i = 0; i < v.labels.size(); ++i) {
    if (!d.gflop_per_usd[i]) continue;
    ++priced;
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", v.labels[i], usd_text(*d.gflop_per_usd[i]));
    if (cheapest == v.labels.size() || *d.gflop_per_usd[i] > *d.gflop_per_usd[cheapest]) cheapest = i;
  }
  if (priced == 0) return;
  if (priced < 2) {
    out.push_back("  per dollar: " + text + " (the other machines have no price: --price FILE=USD_PER_HOUR)");
    return;
  }
  double next = 0;
  for (std::size_t i = 0; i < v.labels.size(); ++i)
    if (i != cheapest && d.gflop_per_usd[i]) next = std::max(next, *d.gflop_per_usd[i]);
  out.push_back(fmt::format("  per dollar: {}: {} does {} the work per dollar of the next", text,
                            v.labels[cheapest], times(*d.gflop_per_usd[cheapest] / next)));
}

// "epyc.json: AMD EPYC, 2 cores; no GPU, $0.05/h (incomplete: ...)"
std::string run_text(const MachineView& v, std::size_t i) {
  std::string s = v.files[i] + ": " + v.summaries[i];
  if (v.usd_per_hour[i]) s += fmt::format(", ${}/h", *v.usd_per_hour[i]);
  if (!v.partial[i].empty()) s += " (" + v.partial[i] + ")";
  return s;
}

std::vector<std::string> header(const MachineView& v) {
  std::vector<std::string> h{"dtype", "shape"};
  for (const std::string& label : v.labels) {
    h.push_back(label);
    h.push_back(std::string(ranked_title(v.by)));
    if (v.priced) h.push_back("GFLOP/$");
  }
  for (std::size_t i = 1; i < v.labels.size(); ++i) h.push_back(v.labels[i] + "/" + v.labels[0]);
  return h;
}

std::vector<std::string> cells(const MachineView& v, const MachineCase& c) {
  std::vector<std::string> row{std::string(to_string(c.dtype)), c.shape.label()};
  for (const MachineBest& b : c.best) {
    row.push_back(backend_of(b));
    row.push_back(b.record ? ranked_cell(*b.record, v.by) : "-");
    if (v.priced) row.push_back(b.gflop_per_usd ? format_gflops(*b.gflop_per_usd) : "-");
  }
  for (std::size_t i = 1; i < c.best.size(); ++i) {
    const auto q = c.ratio(i);
    row.push_back(q ? times(*q) : "-");
  }
  return row;
}

// "tf32: 7 cases only in cloud": cases not in every run, counted by dtype and by who has them.
std::vector<std::string> missing_lines(const MachineView& v) {
  std::map<std::pair<std::string, std::string>, int> count;
  std::vector<std::pair<std::string, std::string>> order;
  for (const MachineCase& c : v.cases) {
    if (c.in_every_run()) continue;
    std::string in, lacking;
    for (std::size_t i = 0; i < c.best.size(); ++i) {
      if (c.best[i].record) in += (in.empty() ? "" : ", ") + v.labels[i];
      if (c.best[i].lacks_figure) lacking += (lacking.empty() ? "" : ", ") + v.labels[i];
    }
    // Rows a run has but cannot rank (no clock read) are said so, not counted as absent.
    std::string where = in.empty() ? "" : "only in " + in;
    if (!lacking.empty())
      where += fmt::format("{}no {} in {}", where.empty() ? "" : "; ", ranked_words(v.by), lacking);
    const auto key = std::make_pair(std::string(to_string(c.dtype)), where);
    if (count[key]++ == 0) order.push_back(key);
  }
  std::vector<std::string> lines;
  for (const auto& key : order) {
    const int n = count[key];
    lines.push_back(fmt::format("{}: {} {}", key.first, format_count(n, "case"),
                                key.second.empty() ? "with no ok row in any run" : key.second));
  }
  return lines;
}

// Column `i` of the machine table, titled `title`: its CSV name, its side and its priority on a
// narrow terminal (the machines' backends and GFLOPS kept longest, then the ratios, GFLOP per
// dollar first to go).
Grid::Head machine_head(const MachineView& v, std::size_t i, const std::string& title) {
  if (i < 2) return {title, title, Align::left, 1};
  const std::size_t per_run = v.priced ? 3 : 2, run = (i - 2) / per_run;
  if (run >= v.labels.size())
    return {"ratio_" + v.labels[i - 2 - per_run * v.labels.size() + 1], title, Align::right, 2};
  switch ((i - 2) % per_run) {
    case 0: return {"backend_" + v.labels[run], title, Align::left, 1};
    case 1: return {"gflops_" + v.labels[run], title, Align::right, 1};
    default: return {"gflop_per_usd_" + v.labels[run], title, Align::right, 3};
  }
}

// The cases every machine measured, one row each, as a grid the terminal table can fit.
Grid machine_grid(const MachineView& v) {
  Grid g;
  const std::vector<std::string> titles = header(v);
  for (std::size_t i = 0; i < titles.size(); ++i) g.heads.push_back(machine_head(v, i, titles[i]));
  for (const MachineCase& c : v.cases) {
    if (!c.in_every_run()) continue;
    std::vector<Cell>& row = g.rows.emplace_back();
    for (std::string& text : cells(v, c)) row.emplace_back(std::move(text));
  }
  return g;
}

// Who the machines are and the headlines: the text above the table.
std::string table_head(const MachineView& v) {
  std::string out = fmt::format(
      "Comparing {} machines by each one's best row per case (ratios{} over {}; higher is "
      "faster):\n",
      v.labels.size(), v.by == RankBy::gflops ? "" : " of FLOP per cycle", v.labels[0]);
  std::vector<std::vector<std::string>> legend;
  for (std::size_t i = 0; i < v.labels.size(); ++i)
    legend.push_back({v.labels[i], "= " + run_text(v, i)});
  out += align_columns(legend, {}, "  ") + "\n";
  for (const std::string& line : machine_headlines(v)) out += line + "\n";
  return out;
}

// The table fitted to a terminal `width` wide (0: not a terminal), the text around it wrapped.
void write_table(std::ostream& os, const MachineView& v, std::size_t width) {
  os << wrap_lines(table_head(v), width);
  const FittedGrid f = fit_grid(machine_grid(v), width);
  if (!f.grid.rows.empty()) os << "\n" << render_grid(Dialect::table, f.grid);
  std::string below = fitted_notes(f, width, kCompareSeesEveryColumn);
  const auto missing = missing_lines(v);
  if (!missing.empty()) below += "\nCases not measured (ok) by every machine:\n";
  for (const std::string& line : missing) below += "  " + line + "\n";
  os << wrap_lines(below, width);
}

void write_markdown(std::ostream& os, const MachineView& v) {
  os << fmt::format("### gpubench compare: {} machines\n\n", v.labels.size());
  for (std::size_t i = 0; i < v.labels.size(); ++i)
    os << fmt::format("- **{}** = {}\n", markdown_cell(v.labels[i]), markdown_cell(run_text(v, i)));
  os << "\n";
  for (const std::string& line : machine_headlines(v))
    os << (line.rfind("  ", 0) == 0 ? "  - " + markdown_cell(line.substr(2)) : "- " + markdown_cell(line)) << "\n";
  const auto h = header(v);
  os << "\n|";
  for (const std::string& cell : h) os << " " << markdown_cell(cell) << " |";
  os << "\n|";
  for (std::size_t i = 0; i < h.size(); ++i) os << (i < 2 ? "---|" : "---:|");
  os << "\n";
  for (const MachineCase& c : v.cases) {
    if (!c.in_every_run()) continue;
    os << "|";
    for (const std::string& cell : cells(v, c)) os << " " << markdown_cell(cell) << " |";
    os << "\n";
  }
  const auto missing = missing_lines(v);
  if (!missing.empty()) os << "\n**Cases not measured (ok) by every machine**\n\n";
  for (const std::string& line : missing) os << "- " << markdown_cell(line) << "\n";
}

void write_csv(std::ostream& os, const MachineView& v) {
  std::vector<std::string> h{"dtype", "m", "n", "k", "layout", "batch"};
  for (const std::string& l : v.labels)
    for (const char* field : {"backend", "device", v.by == RankBy::gflops ? "gflops" : "flop_per_cycle",
                              "gflop_per_usd", "ratio"})
      h.push_back(fmt::format("{}_{}", field, l));
  os << csv_line(h) << "\n";
  for (const MachineCase& c : v.cases) {
    std::vector<std::string> row{std::string(to_string(c.dtype)), std::to_string(c.shape.m),
                                 std::to_string(c.shape.n), std::to_string(c.shape.k),
                                 std::string(to_string(c.shape.layout)), std::to_string(c.shape.batch)};
    for (std::size_t i = 0; i < c.best.size(); ++i) {
      const MachineBest& b = c.best[i];
      const auto q = c.ratio(i);
      row.push_back(b.record ? b.record->backend : "");
      row.push_back(b.record ? b.device : "");
      row.push_back(b.record ? fmt::format("{}", b.value) : "");
      row.push_back(b.gflop_per_usd ? fmt::format("{}", *b.gflop_per_usd) : "");
      row.push_back(q ? fmt::format("{}", *q) : "");
    }
    os << csv_line(row) << "\n";
  }
}

nlohmann::ordered_json optional_number(const std::optional<double>& x) {
  return x && std::isfinite(*x) ? nlohmann::ordered_json(*x) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json case_json(const MachineCase& c) {
  using json = nlohmann::ordered_json;
  json runs = json::array();
  for (std::size_t i = 0; i < c.best.size(); ++i) {
    const MachineBest& b = c.best[i];
    if (!b.record) {
      runs.push_back(nullptr);
      continue;
    }
    runs.push_back({{"backend", b.record->backend},
                    {"device", b.device},
                    {"device_index", b.record->device_index},
                    {"gflops", b.record->main.gflops},
                    {"flop_per_cycle", optional_number(b.record->main.flop_per_cycle)},
                    {"gflop_per_usd", optional_number(b.gflop_per_usd)},
                    {"ratio", optional_number(c.ratio(i))}});
  }
  return {{"dtype", std::string(to_string(c.dtype))},
          {"shape", {{"m", c.shape.m}, {"n", c.shape.n}, {"k", c.shape.k},
                     {"layout", std::string(to_string(c.shape.layout))}, {"batch", c.shape.batch}}},
          {"label", c.shape.label()},
          {"in_every_run", c.in_every_run()},
          {"runs", runs}};
}

void write_json(std::ostream& os, const MachineView& v) {
  using json = nlohmann::ordered_json;
  json machines = json::array();
  for (std::size_t i = 0; i < v.labels.size(); ++i)
    machines.push_back({{"label", v.labels[i]}, {"name", v.files[i]}, {"machine", v.summaries[i]},
                        {"usd_per_hour", optional_number(v.usd_per_hour[i])},
                        {"partial", v.partial[i].empty() ? nlohmann::ordered_json(nullptr)
                                                         : nlohmann::ordered_json(v.partial[i])}});
  json dtypes = json::array();
  for (const MachineDtype& d : v.dtypes) {
    json geomean = json::array(), per_usd = json::array(), leads = json::array();
    for (double g : d.geomean) geomean.push_back(g);
    for (const auto& u : d.gflop_per_usd) per_usd.push_back(optional_number(u));
    for (const LeadSpan& s : d.leads)
      leads.push_back({{"machine", v.labels[s.run]}, {"from", v.cases[s.first_case].shape.label()},
                       {"to", v.cases[s.last_case].shape.label()}});
    dtypes.push_back({{"dtype", std::string(to_string(d.dtype))},
                      {"common_cases", d.common.size()},
                      {"winner", d.common.empty() ? json(nullptr) : json(v.labels[d.winner])},
                      {"geomean_ratios", geomean},
                      {"geomean_gflop_per_usd", per_usd},
                      {"leads", leads},
                      {"cases_not_in_every_run", d.missing}});
  }
  json cases = json::array();
  for (const MachineCase& c : v.cases) cases.push_back(case_json(c));
  os << json_text(json{{"view", "machines"}, {"ranked_by", rank_by_name(v.by)}, {"machines", machines}, {"headlines", machine_headlines(v)},
                       {"dtypes", dtypes}, {"cases", cases}})
     << "\n";
}

}  // namespace

std::vector<std::string> machine_headlines(const MachineView& v) {
  std::vector<std::string> out;
  for (const MachineDtype& d : v.dtypes) {
    if (d.common.empty()) {
      out.push_back(fmt::format("{}: no case measured (ok) by every machine", to_string(d.dtype)));
      continue;
    }
    versus_lines(v, d, out);
    order_line(v, d, out);
    price_line(v, d, out);
  }
  return out;
}

void write_machine_view(Format f, std::ostream& os, const MachineView& v, std::size_t width) {
  switch (f) {
    case Format::table: return write_table(os, v, width);
    case Format::markdown: return write_markdown(os, v);
    case Format::csv: return write_csv(os, v);
    case Format::json: return write_json(os, v);
    default: throw UsageError("the machine view prints as table, markdown, csv or json");
  }
}

}  // namespace gpubench
