// Where a command's results go, the one path of matmul, bandwidth and peak: stdout in --format,
// every --output file (rewritten atomically as results arrive), the --baseline regression gate,
// and the exit code the whole run ends with.
#pragma once

#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "gpubench/analysis/compare.hpp"
#include "gpubench/output/output_files.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/core/record.hpp"

namespace gpubench {

struct ResultsOptions {
  std::string format = "table";
  std::vector<std::string> outputs;
  std::string baseline;
  std::string max_regression;
  // The files the command reads besides --baseline ({"--shapes", "s.csv"}): no output may be one.
  std::vector<std::pair<std::string, std::string>> inputs;
  // The terminal table's layout: --columns, --wide, and the terminal's width (0 for a pipe or a
  // file) that the command found; files are never fitted.
  std::string columns;
  bool wide = false;
  std::size_t width = 0;
};

class ResultsSink {
 public:
  // Validates everything before anything is measured (exit 2): formats, output paths (writable,
  // none named twice, none an input), the baseline file and the threshold.
  ResultsSink(ResultKind kind, const ResultsOptions& o);

  Format stdout_format() const { return format_; }

  // Call with the results so far as they arrive: every --output file is replaced with them,
  // marked incomplete (see save_reaches for what a pipe or an existing file takes).
  void save(const Results& so_far) const;

  // The end of the run: the final save, the results on `out` in --format, then (unless a signal
  // stopped the run) the --baseline gate's verdict. Returns the exit code, the first that applies
  // of: `interrupt_code` (130, 143, 129: a signal stopped the run); kExitEnvironment when an
  // --output file could not be written (each was a warning when it happened, and the run went
  // on; a closing line on stderr names them); kExitCheckFailed when the gate failed;
  // `results_code` (results_exit_code(): under MPI the worst of every rank's).
  int finish(std::ostream& out, const Results& r, int interrupt_code, int results_code) const;

 private:
  void save(const Results& r, bool final_save, std::optional<Analysis>& analysis) const;
  void render_to(Format f, std::ostream& os, const Results& r,
                 std::optional<Analysis>& analysis, const TableView& view = {}) const;
  // With --baseline: prints the gate's verdict (to `out` for table/markdown, else to stderr, so
  // that machine-readable stdout stays parseable) and returns false when a case regressed.
  bool gate_passes(std::ostream& out, const Results& r) const;

  ResultKind kind_;
  TableView view_;  // how stdout's table is laid out
  Format format_ = Format::table;
  mutable OutputFileSet files_{{}, std::cerr};  // save() and finish() are const to the caller
  std::optional<NamedResults> baseline_;
  double max_regression_ = 0.05;
};

}  // namespace gpubench
