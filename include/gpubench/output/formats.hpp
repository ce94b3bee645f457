// The one format table: every output format's name, aliases, file extensions and printers. It
// drives --format and --output parsing, their help text and their error messages for matmul,
// bandwidth, peak and compare alike. A new format is one row here and its printer functions.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/analysis/analysis.hpp"
#include "gpubench/analysis/compare.hpp"
#include "gpubench/core/record.hpp"

namespace gpubench {

enum class Format { table, markdown, csv, json, gbench_json };

// What a subcommand asks a printer to print.
enum class ResultKind { matmul, bandwidth, peak, compare };

struct FormatSpec {
  Format format;
  std::string_view name;                     // "gbench-json": what --format takes and help shows
  std::vector<std::string_view> aliases;     // other names --format and FILE:FORMAT accept
  std::vector<std::string_view> extensions;  // ".gbench.json": --output picks the format by these
  // For people (table, markdown): notes such as the regression gate may join stdout; the other
  // formats keep stdout parseable and send them to stderr.
  bool for_people = false;
  // The printers; null where the format cannot print that kind of result.
  void (*matmul)(std::ostream&, const Results&, const Analysis&) = nullptr;
  void (*bandwidth)(std::ostream&, const Results&) = nullptr;
  void (*peak)(std::ostream&, const Results&) = nullptr;
  void (*compare)(std::ostream&, const Comparison&) = nullptr;

  bool prints(ResultKind k) const;
};

const std::vector<FormatSpec>& format_table();
const FormatSpec& spec_of(Format f);

// "table, markdown, csv, json, gbench-json": the formats that can print `k`, for help and errors.
std::string format_names(ResultKind k);

// A --format value (or the FORMAT of FILE:FORMAT) for a subcommand printing `k`. Throws UsageError
// naming `option`, the bad value and the formats valid for `k`.
Format parse_format(ResultKind k, const std::string& name, const std::string& option = "--format");

// --output FILE[:FORMAT] targets: which file gets which format.
struct OutputTarget {
  std::string path;
  Format format = Format::json;
};

// "run.json", "run.csv", "run.md", "run.txt" (table), "run.gbench.json", or "PATH:FORMAT". Throws
// UsageError for an unknown extension or format, or one that cannot print `k`.
OutputTarget parse_output_target(const std::string& spec, ResultKind k = ResultKind::matmul);

// Whether `spec` names a format, by a ":FORMAT" suffix or a known extension (what
// parse_output_target reads it by); a name that does not is one parse_output_target refuses.
bool names_a_format(const std::string& spec);

// The help text of --format and of --output for a subcommand printing `k`.
std::string format_help(ResultKind k);
std::string output_help(ResultKind k);

// Prints in format `f`: matmul results (analysed here, once), bandwidth results, a peak search's
// results, a comparison.
void render(Format f, std::ostream& os, const Results& r);
void render(Format f, std::ostream& os, const Results& r, const Analysis& a);
void render_bandwidth(Format f, std::ostream& os, const Results& r);
void render_peak(Format f, std::ostream& os, const Results& r);
void render_comparison(Format f, std::ostream& os, const Comparison& c);

}  // namespace gpubench
