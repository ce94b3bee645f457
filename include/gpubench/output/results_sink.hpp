// Where a sweep's results go: stdout in --format, every --output file (rewritten atomically after
// each finished case), and the --baseline regression gate. Shared by subcommands that measure.
#pragma once

#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gpubench/analysis/compare.hpp"
#include "gpubench/output/output_files.hpp"
#include "gpubench/core/record.hpp"

namespace gpubench {

struct ResultsOptions {
  std::string format = "table";
  std::vector<std::string> outputs;
  std::string baseline;
  std::string max_regression;
};

class ResultsSink {
 public:
  // Validates everything before anything is measured (exit 2): formats, output paths, the
  // baseline file and the threshold.
  explicit ResultsSink(const ResultsOptions& o);

  Format stdout_format() const { return format_; }

  // Call with the results so far after each finished case: every --output file is replaced.
  void save(const Results& so_far) const;

  // Saves the final results and prints them to `out` in --format.
  void finish(std::ostream& out, const Results& r) const;

  // With --baseline: prints the gate's verdict (to `out` for table/markdown, else to stderr, so
  // that machine-readable stdout stays parseable) and returns false when a case regressed.
  bool gate_passes(std::ostream& out, const Results& r) const;

  // After finish(): kExitEnvironment, with a line on stderr, when an --output file could not be
  // written (each was a warning when it happened, and the run went on); else 0.
  int write_exit_code() const { return files_.exit_code(); }

 private:
  void save(const OutputTarget& t, const Results& r, const Analysis& a) const;

  Format format_ = Format::table;
  mutable OutputFileSet files_{{}, std::cerr};  // save() and finish() are const to the caller
  std::optional<NamedResults> baseline_;
  double max_regression_ = 0.05;
};

}  // namespace gpubench
