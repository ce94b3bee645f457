// Saving results to files: the format dispatcher, --output parsing and atomic replacement.
#include "gpubench/output/output_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/output/atomic_file.hpp"

namespace gpubench {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<Format> format_from_extension(const std::string& path) {
  if (ends_with(path, ".gbench.json")) return Format::gbench_json;
  if (ends_with(path, ".json")) return Format::json;
  if (ends_with(path, ".csv")) return Format::csv;
  if (ends_with(path, ".md") || ends_with(path, ".markdown")) return Format::markdown;
  if (ends_with(path, ".txt")) return Format::table;
  return std::nullopt;
}


}  // namespace

void render(Format f, std::ostream& os, const Results& r) {
  switch (f) {
    case Format::table:
      return write_table(os, r);
    case Format::markdown:
      return write_markdown(os, r);
    case Format::csv:
      return write_csv(os, r);
    case Format::json:
      return write_json(os, r);
    case Format::gbench_json:
      return write_gbench_json(os, r);
  }
}

OutputTarget parse_output_target(const std::string& spec) {
  if (spec.empty()) throw UsageError("--output needs a file name");
  if (auto colon = spec.rfind(':'); colon != std::string::npos) {
    if (auto f = parse_format(spec.substr(colon + 1))) {
      if (colon == 0) throw UsageError(fmt::format("--output '{}' has no file name", spec));
      return {spec.substr(0, colon), *f};
    }
  }
  if (auto f = format_from_extension(spec)) return {spec, *f};
  throw UsageError(fmt::format(
      "--output '{}': cannot tell the format; use an extension (.json .csv .md .txt "
      ".gbench.json) or FILE:FORMAT with FORMAT one of table, markdown, csv, json, gbench-json",
      spec));
}

void check_writable(const OutputTarget& t) { check_destination_writable(t.path); }

void save_output(const OutputTarget& t, const Results& r) {
  std::ostringstream text;
  render(t.format, text, r);
  write_file_atomically(t.path, text.str());
}

}  // namespace gpubench
