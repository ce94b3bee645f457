#include "gpubench/output/results_sink.hpp"

#include <filesystem>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/analysis/regression_gate.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/atomic_file.hpp"
#include "gpubench/output/report_analysis.hpp"

namespace gpubench {

ResultsSink::ResultsSink(const ResultsOptions& o) {
  format_ = parse_format(ResultKind::matmul, o.format);
  std::vector<OutputTarget> targets = parse_output_targets(o.outputs, ResultKind::matmul);
  files_ = OutputFileSet(std::move(targets), std::cerr);
  if (!o.max_regression.empty() && o.baseline.empty())
    throw UsageError("--max-regression needs --baseline FILE (the run to compare with)");
  if (!o.baseline.empty()) {
    baseline_ = NamedResults{o.baseline, read_results_file(o.baseline)};
    if (baseline_->results.records.empty())
      throw UsageError(fmt::format("--baseline '{}' holds no matmul results", o.baseline));
    if (!o.max_regression.empty()) max_regression_ = parse_max_regression(o.max_regression);
  }
}

namespace {
// Whether any case ran (ok, or measured and wrong): see save_reaches.
bool measured_anything(const Results& r) {
  for (const Record& rec : r.records)
    if (rec.status == Status::ok || rec.status == Status::failed) return true;
  return false;
}
}  // namespace

void ResultsSink::save(const Results& results_so_far) const {
  Results so_far = results_so_far;  // marked incomplete until finish() writes the final results
  so_far.complete = false;
  std::optional<Analysis> a;  // made once, and only when a file takes it
  const bool measured = measured_anything(so_far);
  for (const OutputTarget& t : files_.targets())
    if (save_reaches(t, false, measured)) {
      if (!a) a = analyse(so_far);
      save(t, so_far, *a);
    }
}

void ResultsSink::finish(std::ostream& out, const Results& r) const {
  const Analysis a = analyse(r);  // once, for every file and stdout
  const bool measured = measured_anything(r);
  for (const OutputTarget& t : files_.targets())
    if (save_reaches(t, true, measured)) save(t, r, a);
  render(format_, out, r, a);  // the table and markdown end with the verdict where it applies
  out.flush();
}

void ResultsSink::save(const OutputTarget& t, const Results& r, const Analysis& a) const {
  std::ostringstream text;
  render(t.format, text, r, a);
  files_.write(t, text.str());
}

bool ResultsSink::gate_passes(std::ostream& out, const Results& r) const {
  if (!baseline_) return true;
  const GateResult g = regression_gate(*baseline_, NamedResults{"this run", r}, max_regression_);
  std::ostream& os = spec_of(format_).for_people ? out : std::cerr;
  os << "\n";
  write_gate(os, g);
  return g.passed();
}

}  // namespace gpubench
