#include "gpubench/output/results_sink.hpp"

#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "gpubench/analysis/regression_gate.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/outcome.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/output/report_analysis.hpp"

namespace gpubench {

ResultsSink::ResultsSink(ResultKind kind, const ResultsOptions& o) : kind_(kind) {
  format_ = parse_format(kind, o.format);
  const bool all = o.columns == "all";
  view_ = {o.width, parse_table_columns(o.columns), o.wide || all, all};
  std::vector<std::pair<std::string, std::string>> inputs = o.inputs;
  if (!o.baseline.empty()) inputs.emplace_back("--baseline", o.baseline);
  files_ = OutputFileSet(parse_output_targets(o.outputs, kind, inputs), std::cerr);
  if (!o.max_regression.empty() && o.baseline.empty())
    throw UsageError("--max-regression needs --baseline FILE (the run to compare with)");
  if (!o.baseline.empty()) {
    baseline_ = NamedResults{printable_text(o.baseline), read_results_file(o.baseline)};
    if (baseline_->results.records.empty())
      throw UsageError(fmt::format("--baseline '{}' holds no matmul results", o.baseline));
    // A case twice in the baseline would make the gate fail: refused now, before measuring.
    refuse_repeated_cases({*baseline_});
    if (!o.max_regression.empty()) max_regression_ = parse_max_regression(o.max_regression);
  }
}

void ResultsSink::save(const Results& results_so_far) const {
  if (files_.targets().empty()) return;
  Results so_far = results_so_far;  // marked incomplete until finish() writes the final results
  so_far.complete = false;
  std::optional<Analysis> analysis;
  save(so_far, false, analysis);
}

void ResultsSink::save(const Results& r, bool final_save, std::optional<Analysis>& analysis) const {
  const bool measured = measured_anything(r);
  for (const OutputTarget& t : files_.targets())
    if (save_reaches(t, final_save, measured)) {
      std::ostringstream text;
      render_to(t.format, text, r, analysis);
      files_.write(t, text.str());  // a failure is a warning; the exit code comes at the end
    }
}

void ResultsSink::render_to(Format f, std::ostream& os, const Results& r,
                            std::optional<Analysis>& analysis, const TableView& view) const {
  switch (kind_) {
    case ResultKind::matmul:
      if (!analysis) analysis = analyse(r);  // once, for every file and stdout
      if (f == Format::table) return write_table(os, r, *analysis, view);
      return render(f, os, r, *analysis);
    case ResultKind::bandwidth:
      return render_bandwidth(f, os, r);
    case ResultKind::peak:
      return render_peak(f, os, r);
    case ResultKind::compare:
      break;
  }
  throw std::logic_error("a comparison is not a run's results");
}

int ResultsSink::finish(std::ostream& out, const Results& r, int interrupt_code,
                        int results_code) const {
  std::optional<Analysis> analysis;
  save(r, true, analysis);
  render_to(format_, out, r, analysis, view_);  // the table and markdown end with the verdict
  out.flush();
  if (interrupt_code) return interrupt_code;
  const bool gate_passed = gate_passes(out, r);
  // An -o that failed mid-run was a warning then; the run ends as an environment error (3).
  if (const int write_code = files_.exit_code()) return write_code;
  if (!gate_passed) return kExitCheckFailed;
  return results_code;
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
