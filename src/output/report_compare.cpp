// Rendering a Comparison: the terminal table, markdown, csv and json of `gpubench compare`.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gpubench/core/format_util.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/columns.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

// Runs are called A, B, C... in headers; the legend maps letters to file names.
std::string letter(std::size_t i) {
  return i < 26 ? std::string(1, char('A' + i)) : fmt::format("R{}", i + 1);
}

std::string ranked_cell(const Record* r, RankBy by) { return r ? ranked_cell(*r, by) : "absent"; }

std::string ratio_cell(const std::optional<double>& q) {
  return q ? fmt::format("{:.2f}x", *q) : std::string("-");
}

std::string presence(const ComparedRow& row) {
  std::string in, out;
  for (std::size_t i = 0; i < row.records.size(); ++i) {
    std::string& list = row.records[i] ? in : out;
    list += (list.empty() ? "" : ", ") + letter(i);
  }
  return fmt::format("only in {} (absent from {})", in, out);
}

// Plain aligned columns; the first `left` columns are left-aligned, the others right-aligned.
void write_aligned(std::ostream& os, const std::vector<std::vector<std::string>>& rows,
                   std::size_t left, const std::string& indent = "") {
  std::size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  std::vector<bool> right(columns);
  for (std::size_t c = left; c < columns; ++c) right[c] = true;
  os << align_columns(rows, right, indent);
}

// One comparison row's case as people read it: "cublas[1] rank 2".
std::string backend_cell(const CaseKey& key) {
  std::string backend = key.backend;
  if (key.device_index > 0) backend += fmt::format("[{}]", key.device_index);
  if (key.rank != 0) backend += fmt::format(" rank {}", key.rank);
  return backend;
}

using CC = Column<ComparedRow>;

CC file_field(std::string name, std::function<std::string(const ComparedRow&)> f) {
  return {std::move(name), "", Align::right, 1, std::move(f), nullptr};
}

// Which case a row is: the shape (for people; files carry its dimensions), dtype and backend.
void add_case(std::vector<CC>& cols) {
  cols.push_back({"shape", "shape", Align::right, 1, nullptr,
                  [](const ComparedRow& row) { return Cell{row.key.shape().label()}; }});
  cols.push_back(file_field("m", [](const ComparedRow& row) { return std::to_string(row.key.m); }));
  cols.push_back(file_field("n", [](const ComparedRow& row) { return std::to_string(row.key.n); }));
  cols.push_back(file_field("k", [](const ComparedRow& row) { return std::to_string(row.key.k); }));
  cols.push_back(file_field(
      "layout", [](const ComparedRow& row) { return std::string(to_string(row.key.layout)); }));
  cols.push_back(
      file_field("batch", [](const ComparedRow& row) { return std::to_string(row.key.batch); }));
  const auto dtype = [](const ComparedRow& row) { return std::string(to_string(row.key.dtype)); };
  cols.push_back({"dtype", "dtype", Align::left, 1, dtype,
                  [=](const ComparedRow& row) { return Cell{dtype(row)}; }});
  cols.push_back({"backend", "backend", Align::left, 1,
                  [](const ComparedRow& row) { return row.key.backend; },
                  [](const ComparedRow& row) { return Cell{backend_cell(row.key)}; }});
  cols.push_back(file_field(
      "device_index", [](const ComparedRow& row) { return std::to_string(row.key.device_index); }));
  cols.push_back(
      file_field("rank", [](const ComparedRow& row) { return std::to_string(row.key.rank); }));
}

// Every column of a comparison: the case, each run's status and GFLOPS, each run's ratio over A.
std::vector<CC> comparison_columns(const Comparison& c) {
  std::vector<CC> cols;
  add_case(cols);
  for (std::size_t i = 0; i < c.names.size(); ++i) {
    cols.push_back(file_field("status_" + letter(i), [i](const ComparedRow& row) {
      return row.records[i] ? status_name(row.records[i]->status) : std::string("absent");
    }));
    // The ranked figure: GFLOPS, or FLOP per cycle with --by flop-per-cycle.
    const std::string name = c.by == RankBy::gflops ? "gflops_" : "flop_per_cycle_";
    cols.push_back({name + letter(i), fmt::format("{} {}", ranked_title(c.by), letter(i)),
                    Align::right, 1,
                    [i, by = c.by](const ComparedRow& row) {
                      const Record* r = row.records[i];
                      const auto v = r ? ranked_value(*r, by) : std::nullopt;
                      return v ? fmt::format("{}", *v) : std::string();
                    },
                    [i, by = c.by](const ComparedRow& row) {
                      return Cell{ranked_cell(row.records[i], by)};
                    }});
  }
  for (std::size_t i = 1; i < c.names.size(); ++i)
    cols.push_back({"ratio_" + letter(i), letter(i) + "/" + letter(0), Align::right, 2,
                    [i](const ComparedRow& row) {
                      const auto q = row.ratio(i);
                      return q ? fmt::format("{}", *q) : std::string();
                    },
                    [i](const ComparedRow& row) { return Cell{ratio_cell(row.ratio(i))}; }});
  return cols;
}

}  // namespace

namespace {

// Who the runs are and how their machines differ: the text above the table.
std::string comparison_head(const Comparison& c) {
  std::ostringstream os;
  os << fmt::format("Comparing {} runs (ratios are {} over run A; higher is faster):\n",
                    c.names.size(), ranked_words(c.by));
  for (std::size_t i = 0; i < c.names.size(); ++i)
    os << fmt::format("  {} = {}\n", letter(i), c.names[i]);
  if (c.any_interrupted) os << "  (at least one run was interrupted: partial results)\n";
  for (const std::string& n : c.incomplete)
    os << fmt::format("  ({} is incomplete: the run that wrote it never finished)\n", n);
  os << "\n";
  if (c.differences.empty()) {
    os << "Machines: no difference in CPU, BLAS, GPU, driver or clocks.\n";
  } else {
    os << "Machine differences:\n";
    std::vector<std::vector<std::string>> rows;
    for (const MachineDifference& d : c.differences) {
      std::vector<std::string> cells{d.what + ":"};
      for (std::size_t i = 0; i < d.values.size(); ++i)
        cells.push_back(letter(i) + " " + d.values[i]);
      rows.push_back(cells);
    }
    write_aligned(os, rows, rows.empty() ? 0 : rows.front().size(), "  ");
  }
  std::string same;
  for (const MachineDifference& s : c.same)
    if (s.what == "CPU" || s.what == "BLAS" || s.what == "BLAS core" || s.what == "GPU")
      same += fmt::format("{}{} {}", same.empty() ? "" : ", ", s.what, s.values.front());
  if (!same.empty()) os << "Same in every run: " << same << "\n";
  os << "\n";
  return os.str();
}

// The geometric means and the cases some run lacks: the text below the table.
std::string comparison_tail(const Comparison& c) {
  std::ostringstream os;
  if (!c.geomeans.empty() && c.names.size() > 1) {
    os << "\nGeometric mean of the ratios (cases ok in every run):\n";
    std::vector<std::vector<std::string>> g;
    for (const GeoMean& m : c.geomeans) {
      std::vector<std::string> cells{m.backend, std::string(to_string(m.dtype)),
                                     format_count(m.rows, "case")};
      for (std::size_t i = 1; i < m.ratios.size(); ++i)
        cells.push_back(fmt::format("{}/{} {:.2f}x", letter(i), letter(0), m.ratios[i]));
      g.push_back(cells);
    }
    write_aligned(os, g, 2, "  ");
  }
  bool heading = false;
  for (const ComparedRow& row : c.rows) {
    if (row.in_all_runs()) continue;
    if (!heading) os << "\nCases not in every run:\n", heading = true;
    os << fmt::format("  {}: {}\n", row.key.label(), presence(row));
  }
  return os.str();
}

}  // namespace

void write_comparison_table(std::ostream& os, const Comparison& c) {
  write_comparison_table(os, c, 0);
}

void write_comparison_table(std::ostream& os, const Comparison& c, std::size_t width) {
  os << wrap_lines(comparison_head(c), width);
  const FittedGrid f = fit_grid(grid_of(Dialect::table, comparison_columns(c), c.rows), width);
  os << render_grid(Dialect::table, f.grid);
  os << wrap_lines(fitted_notes(f, width, kCompareSeesEveryColumn) + comparison_tail(c), width);
}

void write_comparison_markdown(std::ostream& os, const Comparison& c) {
  os << fmt::format("### gpubench compare: {} runs\n\n", c.names.size());
  for (std::size_t i = 0; i < c.names.size(); ++i)
    os << fmt::format("- **{}** = {}\n", letter(i), markdown_cell(c.names[i]));
  if (c.any_interrupted) os << "- at least one run was interrupted: partial results\n";
  for (const std::string& n : c.incomplete)
    os << fmt::format("- {} is incomplete: the run that wrote it never finished\n",
                      markdown_cell(n));
  os << "\n";
  if (!c.differences.empty()) {
    os << "| machine |";
    for (std::size_t i = 0; i < c.names.size(); ++i) os << " " << letter(i) << " |";
    os << "\n|---|";
    for (std::size_t i = 0; i < c.names.size(); ++i) os << "---|";
    os << "\n";
    for (const MachineDifference& d : c.differences) {
      os << "| " << markdown_cell(d.what) << " |";
      for (const auto& v : d.values) os << " " << markdown_cell(v) << " |";
      os << "\n";
    }
    os << "\n";
  } else {
    os << "Machines: no difference in CPU, BLAS, GPU, driver or clocks.\n\n";
  }
  os << render_columns(Dialect::markdown, comparison_columns(c), c.rows);
  if (!c.geomeans.empty() && c.names.size() > 1) {
    os << "\n**Geometric mean of the ratios** (cases ok in every run)\n\n";
    os << "| backend | dtype | cases |";
    for (std::size_t i = 1; i < c.names.size(); ++i)
      os << " " << letter(i) << "/" << letter(0) << " |";
    os << "\n|---|---|---:|";
    for (std::size_t i = 1; i < c.names.size(); ++i) os << "---:|";
    os << "\n";
    for (const GeoMean& m : c.geomeans) {
      os << fmt::format("| {} | {} | {} |", markdown_cell(m.backend), to_string(m.dtype), m.rows);
      for (std::size_t i = 1; i < m.ratios.size(); ++i)
        os << fmt::format(" {:.2f}x |", m.ratios[i]);
      os << "\n";
    }
  }
  bool heading = false;
  for (const ComparedRow& row : c.rows) {
    if (row.in_all_runs()) continue;
    if (!heading) os << "\n**Cases not in every run**\n\n", heading = true;
    os << fmt::format("- {}: {}\n", markdown_cell(row.key.label()), presence(row));
  }
}

void write_comparison_csv(std::ostream& os, const Comparison& c) {
  os << render_columns(Dialect::csv, comparison_columns(c), c.rows);
}

void write_comparison_json(std::ostream& os, const Comparison& c) {
  using json = nlohmann::ordered_json;
  json runs = json::array();
  for (std::size_t i = 0; i < c.names.size(); ++i)
    runs.push_back({{"label", letter(i)}, {"name", c.names[i]}});
  json differences = json::array();
  for (const MachineDifference& d : c.differences)
    differences.push_back({{"what", d.what}, {"values", d.values}});
  json rows = json::array();
  for (const ComparedRow& row : c.rows) {
    json per_run = json::array();
    for (std::size_t i = 0; i < row.records.size(); ++i) {
      const Record* r = row.records[i];
      const auto q = row.ratio(i);
      if (!r) {
        per_run.push_back(nullptr);
        continue;
      }
      per_run.push_back({{"status", status_name(r->status)},
                         {"gflops", r->ok() ? json_number(r->main.gflops) : json(nullptr)},
                         {"flop_per_cycle", json_number(ranked_value(*r, RankBy::flop_per_cycle))},
                         {"cv", r->ok() ? json_number(r->main.seconds.cv()) : json(nullptr)},
                         {"ratio", json_number(q)}});
    }
    rows.push_back({{"shape",
                     {{"m", row.key.m},
                      {"n", row.key.n},
                      {"k", row.key.k},
                      {"layout", std::string(to_string(row.key.layout))},
                      {"batch", row.key.batch}}},
                    {"label", row.key.shape().label()},
                    {"dtype", std::string(to_string(row.key.dtype))},
                    {"backend", row.key.backend},
                    {"device_index", row.key.device_index},
                    {"rank", row.key.rank},
                    {"in_every_run", row.in_all_runs()},
                    {"runs", per_run}});
  }
  json geomeans = json::array();
  for (const GeoMean& m : c.geomeans) {
    json ratios = json::array();
    for (double q : m.ratios) ratios.push_back(json_number(q));
    geomeans.push_back({{"backend", m.backend},
                        {"dtype", std::string(to_string(m.dtype))},
                        {"cases", m.rows},
                        {"ratios", ratios}});
  }
  os << json_text(json{{"ranked_by", rank_by_name(c.by)},
                       {"runs", runs},
                       {"machine_differences", differences},
                       {"rows", rows},
                       {"geomeans", geomeans},
                       {"any_interrupted", c.any_interrupted},
                       {"incomplete_runs", c.incomplete}})
     << "\n";
}

}  // namespace gpubench
