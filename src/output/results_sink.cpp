#include "gpubench/output/results_sink.hpp"

#include <iostream>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/analysis/regression_gate.hpp"
#include "gpubench/core/results_json.hpp"

namespace gpubench {

void add_results_options(CLI::App* cmd, ResultsOptions& o) {
  cmd->add_option("--format", o.format,
                  "What goes to stdout: table, markdown, csv, json, gbench-json")
      ->capture_default_str();
  cmd->add_option("--output,-o", o.outputs,
                  "Also save to FILE (repeatable); format from the extension (.json .csv .md .txt "
                  ".gbench.json) or FILE:FORMAT. Rewritten after every finished case");
  cmd->add_option("--baseline", o.baseline,
                  "A results JSON to hold this run to: exit 1 when a case got slower than "
                  "--max-regression beyond the measured spread");
  cmd->add_option("--max-regression", o.max_regression,
                  "The slowdown --baseline tolerates, e.g. 5% (default 5%)");
}

ResultsSink::ResultsSink(const ResultsOptions& o) {
  const auto f = parse_format(o.format);
  if (!f)
    throw UsageError(fmt::format(
        "--format '{}' is not one of table, markdown, csv, json, gbench-json", o.format));
  format_ = *f;
  for (const std::string& spec : o.outputs) {
    targets_.push_back(parse_output_target(spec));
    check_writable(targets_.back());
  }
  if (!o.max_regression.empty() && o.baseline.empty())
    throw UsageError("--max-regression needs --baseline FILE (the run to compare with)");
  if (!o.baseline.empty()) {
    baseline_ = NamedResults{o.baseline, read_results_file(o.baseline)};
    if (baseline_->results.records.empty())
      throw UsageError(fmt::format("--baseline '{}' holds no matmul results", o.baseline));
    if (!o.max_regression.empty()) max_regression_ = parse_max_regression(o.max_regression);
  }
}

void ResultsSink::save(const Results& so_far) const {
  for (const OutputTarget& t : targets_) save_output(t, so_far);
}

void ResultsSink::finish(std::ostream& out, const Results& r) const {
  save(r);
  render(format_, out, r);
  out.flush();
}

bool ResultsSink::gate_passes(std::ostream& out, const Results& r) const {
  if (!baseline_) return true;
  const GateResult g = regression_gate(*baseline_, NamedResults{"this run", r}, max_regression_);
  std::ostream& os = format_ == Format::table || format_ == Format::markdown ? out : std::cerr;
  os << "\n";
  write_gate(os, g);
  return g.passed();
}

}  // namespace gpubench
