// --output FILE[:FORMAT] targets: which file gets which format, saved atomically after each case.
#pragma once

#include <string>
#include <vector>

#include "gpubench/core/record.hpp"
#include "gpubench/output/report.hpp"

namespace gpubench {

struct OutputTarget {
  std::string path;
  Format format = Format::json;
};

// "run.json", "run.csv", "run.md", "run.txt" (table), "run.gbench.json", or "PATH:FORMAT" with a
// format parse_format knows. Throws UsageError for an unknown extension or format.
OutputTarget parse_output_target(const std::string& spec);

// Fails early (UsageError, exit 2, nothing run) when a target's directory cannot take the file,
// instead of after an hour of measuring.
void check_writable(const OutputTarget& t);

// Renders `r` in the target's format and replaces the file atomically (temp file + rename).
void save_output(const OutputTarget& t, const Results& r);

}  // namespace gpubench
