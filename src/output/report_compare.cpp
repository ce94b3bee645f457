// Rendering a Comparison: the terminal table, markdown, csv and json of `gpubench compare`.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "gpubench/core/format_util.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

// Runs are called A, B, C... in headers; the legend maps letters to file names.
std::string letter(std::size_t i) {
  return i < 26 ? std::string(1, char('A' + i)) : fmt::format("R{}", i + 1);
}

std::string gflops_cell(const Record* r) {
  if (!r) return "absent";
  if (!r->ok()) return to_string(r->status);
  return format_gflops(r->main.gflops);
}

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

std::vector<std::string> header_cells(const Comparison& c) {
  std::vector<std::string> h{"shape", "dtype", "backend"};
  for (std::size_t i = 0; i < c.names.size(); ++i) h.push_back("GFLOPS " + letter(i));
  for (std::size_t i = 1; i < c.names.size(); ++i) h.push_back(letter(i) + "/" + letter(0));
  return h;
}

std::vector<std::string> row_cells(const ComparedRow& row) {
  std::string backend = row.key.backend;
  if (row.key.device_index > 0) backend += fmt::format("[{}]", row.key.device_index);
  if (row.key.rank != 0) backend += fmt::format(" rank {}", row.key.rank);
  std::vector<std::string> cells{row.key.shape().label(), std::string(to_string(row.key.dtype)),
                                 backend};
  for (const Record* r : row.records) cells.push_back(gflops_cell(r));
  for (std::size_t i = 1; i < row.records.size(); ++i) cells.push_back(ratio_cell(row.ratio(i)));
  return cells;
}

}  // namespace

void write_comparison_table(std::ostream& os, const Comparison& c) {
  os << fmt::format("Comparing {} runs (ratios are GFLOPS over run A; higher is faster):\n",
                    c.names.size());
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

  std::vector<std::vector<std::string>> rows{header_cells(c)};
  for (const ComparedRow& row : c.rows) rows.push_back(row_cells(row));
  write_aligned(os, rows, 3);

  if (!c.geomeans.empty() && c.names.size() > 1) {
    os << "\nGeometric mean of the ratios (cases ok in every run):\n";
    std::vector<std::vector<std::string>> g;
    for (const GeoMean& m : c.geomeans) {
      std::vector<std::string> cells{m.backend, std::string(to_string(m.dtype)),
                                     fmt::format("{} case{}", m.rows, m.rows == 1 ? "" : "s")};
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
  const auto head = header_cells(c);
  os << "|";
  for (const auto& h : head) os << " " << h << " |";
  os << "\n|";
  for (std::size_t i = 0; i < head.size(); ++i) os << (i == 1 || i == 2 ? "---|" : "---:|");
  os << "\n";
  for (const ComparedRow& row : c.rows) {
    os << "|";
    for (const auto& cell : row_cells(row)) os << " " << markdown_cell(cell) << " |";
    os << "\n";
  }
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
  std::string line = "m,n,k,layout,batch,dtype,backend,device_index,rank";
  for (std::size_t i = 0; i < c.names.size(); ++i)
    line += fmt::format(",status_{0},gflops_{0}", letter(i));
  for (std::size_t i = 1; i < c.names.size(); ++i) line += fmt::format(",ratio_{}", letter(i));
  os << line << "\n";
  for (const ComparedRow& row : c.rows) {
    line = fmt::format("{},{},{},{},{},{},{},{},{}", row.key.m, row.key.n, row.key.k,
                       to_string(row.key.layout), row.key.batch, to_string(row.key.dtype),
                       csv_field(row.key.backend), row.key.device_index, row.key.rank);
    for (const Record* r : row.records) {
      const std::string status = r ? status_name(r->status) : "absent";
      line += fmt::format(",{},{}", status, r && r->ok() ? fmt::format("{}", r->main.gflops) : "");
    }
    for (std::size_t i = 1; i < row.records.size(); ++i) {
      const auto q = row.ratio(i);
      line += fmt::format(",{}", q ? fmt::format("{}", *q) : "");
    }
    os << line << "\n";
  }
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
  os << json_text(json{{"runs", runs},
                       {"machine_differences", differences},
                       {"rows", rows},
                       {"geomeans", geomeans},
                       {"any_interrupted", c.any_interrupted},
                       {"incomplete_runs", c.incomplete}})
     << "\n";
}

}  // namespace gpubench
