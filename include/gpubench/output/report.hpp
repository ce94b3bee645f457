// Printers: pure functions of Results and their Analysis (and of a Comparison for `compare`).
// They never measure and never derive a number themselves: analysis/analysis.hpp does, once.
// Which printer prints which format is decided by the format table in output/formats.hpp.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/analysis/analysis.hpp"
#include "gpubench/analysis/compare.hpp"
#include "gpubench/core/record.hpp"
#include "gpubench/output/columns.hpp"

namespace gpubench {

// How the terminal table is laid out (issue 26). The default, for a pipe or a file, is every column
// people read and no line wrapped.
struct TableView {
  std::size_t width = 0;             // the terminal's width in characters; 0: not known
  std::vector<std::string> columns;  // --columns: names as in CSV and JSON; empty: by priority
  bool wide = false;                 // --wide: every column whatever the width
  bool all = false;                  // --columns all: those shown on request too
};

// The names --columns takes (every record column, as in CSV), and a --columns list checked against
// them: "all" is every column people read (an empty list, TableView::all); an unknown name is a
// UsageError.
std::vector<std::string> table_column_names();
std::vector<std::string> parse_table_columns(const std::string& list);

// The terminal table: system header, one row per record, the slow-GPU summary, the case counts
// and, when it applies, the verdict. With a width, the table drops columns by priority to fit (one
// line says which) and the text around it wraps.
void write_table(std::ostream& os, const Results& r, const Analysis& a);
void write_table(std::ostream& os, const Results& r, const Analysis& a, const TableView& view);
// A GitHub-flavoured markdown summary (PR comment, CI step summary): system, table, summary.
void write_markdown(std::ostream& os, const Results& r, const Analysis& a);
// One header line, then one line per record with every statistic (RFC 4180 quoting).
void write_csv(std::ostream& os, const Results& r, const Analysis& a);
// The versioned results document (src/output/gpubench-results.schema.json): the data of
// core/results_json.hpp plus the derived numbers of the Analysis.
void write_json(std::ostream& os, const Results& r, const Analysis& a);
// Google Benchmark's JSON layout (context + benchmarks, GFLOPS as a counter), for its compare.py
// and CI trackers that read that format.
void write_gbench_json(std::ostream& os, const Results& r, const Analysis& a);

// Summary lines the table and markdown printers share: the slow-GPU comparison (nothing when fewer
// than two GPUs were compared) and "6 cases: 3 ok, 1 failed, 2 skipped or unsupported".
std::vector<std::string> slow_device_lines(const Analysis& a, bool several_ranks);
std::string case_counts(const Results& r);
// The legend of the rate columns ("burst = ...; sust. = ..."), empty when no GPU row was timed at
// a named clock; and one line per backend naming its warm rows whose operands fit in the device's
// last-level cache (`name` says how rows name their backend).
std::string rate_legend(const Results& r);
// The legend of the columns shown only on request (flop_per_cycle) among `g`'s, empty when none.
std::string on_request_legend(const Grid& g);
std::vector<std::string> in_cache_lines(const Results& r,
                                        const std::function<std::string(const Record&)>& name);

// `gpubench bandwidth`: the terminal table, markdown and CSV of Results::bandwidth (its JSON is
// write_json's document).
void write_bandwidth_table(std::ostream& os, const Results& r);
void write_bandwidth_markdown(std::ostream& os, const Results& r);
void write_bandwidth_csv(std::ostream& os, const Results& r);

// `gpubench compare`: the terminal table, markdown, CSV (one line per case) and JSON.
// What a compare table fitted to a terminal says under it to see every column (no --wide there).
inline constexpr std::string_view kCompareSeesEveryColumn =
    "--format markdown or a pipe shows every column";
void write_comparison_table(std::ostream& os, const Comparison& c);
// The same fitted to a terminal `width` characters wide (0: not a terminal, unchanged): the table
// drops columns by priority (ratios first), and the text around it wraps at word boundaries.
void write_comparison_table(std::ostream& os, const Comparison& c, std::size_t width);
void write_comparison_markdown(std::ostream& os, const Comparison& c);
void write_comparison_csv(std::ostream& os, const Comparison& c);
void write_comparison_json(std::ostream& os, const Comparison& c);

}  // namespace gpubench
