#include "gpubench/output/formats.hpp"
#include "gpubench/core/text.hpp"

#include <cctype>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/report_peak.hpp"

namespace gpubench {

namespace {

std::string_view kind_name(ResultKind k) {
  switch (k) {
    case ResultKind::matmul:
      return "matmul";
    case ResultKind::bandwidth:
      return "bandwidth";
    case ResultKind::peak:
      return "peak";
    case ResultKind::compare:
      return "compare";
  }
  return "?";
}

// Case-insensitive: out.JSON and out.Csv are what they look like (issue 15 item 18).
bool ends_with(std::string_view s, std::string_view suffix) {
  return ends_with_ignoring_case(s, suffix);
}

// Any format of the table by name or alias, whatever it can print.
const FormatSpec* find_by_name(std::string_view name) {
  for (const FormatSpec& f : format_table()) {
    if (f.name == name) return &f;
    for (std::string_view alias : f.aliases)
      if (alias == name) return &f;
  }
  return nullptr;
}

// The longest extension wins: "x.gbench.json" is gbench-json, not json.
const FormatSpec* find_by_extension(std::string_view path) {
  const FormatSpec* best = nullptr;
  std::size_t best_length = 0;
  for (const FormatSpec& f : format_table())
    for (std::string_view ext : f.extensions)
      if (ends_with(path, ext) && ext.size() > best_length) best = &f, best_length = ext.size();
  return best;
}

std::string extension_list(ResultKind k) {
  std::string out;
  for (const FormatSpec& f : format_table())
    if (f.prints(k))
      for (std::string_view ext : f.extensions) out += (out.empty() ? "" : " ") + std::string(ext);
  return out;
}

}  // namespace

bool FormatSpec::prints(ResultKind k) const {
  switch (k) {
    case ResultKind::matmul:
      return matmul != nullptr;
    case ResultKind::bandwidth:
      return bandwidth != nullptr;
    case ResultKind::peak:
      return peak != nullptr;
    case ResultKind::compare:
      return compare != nullptr;
  }
  return false;
}

const std::vector<FormatSpec>& format_table() {
  static const std::vector<FormatSpec> table{
      {Format::table,
       "table",
       {"txt"},
       {".txt"},
       true,
       write_table,
       write_bandwidth_table,
       write_peak_table,
       write_comparison_table},
      {Format::markdown,
       "markdown",
       {"md"},
       {".md", ".markdown"},
       true,
       write_markdown,
       write_bandwidth_markdown,
       write_peak_markdown,
       write_comparison_markdown},
      {Format::csv,
       "csv",
       {},
       {".csv"},
       false,
       write_csv,
       write_bandwidth_csv,
       write_peak_csv,
       write_comparison_csv},
      // Bandwidth results are one more section of the same results document; a peak search's
      // entries each gain their derived summary.
      {Format::json,
       "json",
       {},
       {".json"},
       false,
       write_json,
       [](std::ostream& os, const Results& r) { write_json(os, r, analyse(r)); },
       write_peak_json,
       write_comparison_json},
      {Format::gbench_json,
       "gbench-json",
       {"gbench"},
       {".gbench.json"},
       false,
       write_gbench_json,
       nullptr,
       nullptr,
       nullptr},
  };
  return table;
}

const FormatSpec& spec_of(Format f) {
  for (const FormatSpec& s : format_table())
    if (s.format == f) return s;
  throw std::logic_error("format missing from the format table");
}

std::string format_names(ResultKind k) {
  std::string out;
  for (const FormatSpec& f : format_table())
    if (f.prints(k)) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

Format parse_format(ResultKind k, const std::string& name, const std::string& option) {
  const FormatSpec* f = find_by_name(name);
  if (!f || !f->prints(k))
    throw UsageError(fmt::format("{}: unknown format '{}' for {}; use one of {}", option, name,
                                 kind_name(k), format_names(k)));
  return f->format;
}

bool names_a_format(const std::string& spec) {
  const auto colon = spec.rfind(':');
  return (colon != std::string::npos && find_by_name(std::string_view(spec).substr(colon + 1))) ||
         find_by_extension(spec);
}

OutputTarget parse_output_target(const std::string& spec, ResultKind k) {
  if (spec.empty()) throw UsageError("--output needs a file name");
  const std::string option = fmt::format("--output '{}'", spec);
  // PATH:FORMAT when what follows the last colon names a format; otherwise the colon belongs to
  // the path and the extension decides.
  if (auto colon = spec.rfind(':'); colon != std::string::npos) {
    if (find_by_name(spec.substr(colon + 1))) {
      if (colon == 0) throw UsageError(fmt::format("--output '{}' has no file name", spec));
      return {spec.substr(0, colon), parse_format(k, spec.substr(colon + 1), option)};
    }
  }
  if (const FormatSpec* f = find_by_extension(spec))
    return {spec, parse_format(k, std::string(f->name), option)};
  throw UsageError(fmt::format(
      "{}: cannot tell the format; use an extension ({}) or FILE:FORMAT with FORMAT one of {}",
      option, extension_list(k), format_names(k)));
}

std::string format_help(ResultKind k) {
  return fmt::format("What goes to stdout: {}", format_names(k));
}

std::string output_help(ResultKind k) {
  return fmt::format(
      "Also save to FILE (repeatable); format from the extension ({}) or FILE:FORMAT",
      extension_list(k));
}

void render(Format f, std::ostream& os, const Results& r) { render(f, os, r, analyse(r)); }

void render(Format f, std::ostream& os, const Results& r, const Analysis& a) {
  spec_of(f).matmul(os, r, a);
}

void render_bandwidth(Format f, std::ostream& os, const Results& r) {
  const FormatSpec& s = spec_of(f);
  if (!s.bandwidth) throw UsageError(fmt::format("{} cannot print bandwidth results", s.name));
  s.bandwidth(os, r);
}

void render_peak(Format f, std::ostream& os, const Results& r) {
  const FormatSpec& s = spec_of(f);
  if (!s.peak) throw UsageError(fmt::format("{} cannot print a peak search", s.name));
  s.peak(os, r);
}

void render_comparison(Format f, std::ostream& os, const Comparison& c) {
  const FormatSpec& s = spec_of(f);
  if (!s.compare) throw UsageError(fmt::format("{} cannot print a comparison", s.name));
  s.compare(os, c);
}

}  // namespace gpubench
