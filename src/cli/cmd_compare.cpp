// `gpubench compare A.json B.json ...`: runs side by side (laptop vs cloud, before vs after), and
// optionally the regression gate with the first file as the baseline.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "number_options.hpp"
#include "gpubench/analysis/compare.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/analysis/regression_gate.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/formats.hpp"
#include "gpubench/output/report_analysis.hpp"

namespace gpubench {

namespace {

struct CompareOptions {
  std::vector<std::string> files;
  std::string format = "table";
  std::string max_regression;
};

int run_compare(const CompareOptions& o) {
  if (o.files.size() < 2)
    throw UsageError("compare needs at least two results files (gpubench matmul --output X.json)");
  const Format format = parse_format(ResultKind::compare, o.format);
  const std::optional<double> threshold =
      o.max_regression.empty() ? std::nullopt
                               : std::optional<double>(parse_max_regression(o.max_regression));

  std::vector<NamedResults> runs;
  for (const std::string& f : o.files) {
    runs.push_back({f, read_results_file(f)});
    if (runs.back().results.records.empty())
      throw UsageError(fmt::format("'{}' holds no matmul results to compare", f));
  }
  render_comparison(format, std::cout, compare_runs(runs));

  if (!threshold) return kExitOk;
  // The gate's verdict joins a human-readable stdout; machine-readable stdout stays clean.
  std::ostream& os =
      spec_of(format).for_people ? std::cout : std::cerr;
  bool passed = true;
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const GateResult g = regression_gate(runs[0], runs[i], *threshold);
    os << "\n";
    write_gate(os, g);
    passed = passed && g.passed();
  }
  return passed ? kExitOk : kExitCheckFailed;
}

}  // namespace

void add_compare_command(CLI::App& app, Action& action, const std::string& /*command_line*/) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Put saved runs side by side: GFLOPS per case, ratios to the first run, machine "
      "differences; optionally fail on a regression");
  cmd->add_option("files", o->files, "Results files from gpubench matmul --output X.json")
      ->required();
  cmd->add_option("--format", o->format, format_help(ResultKind::compare))->capture_default_str();
  cmd->add_option("--max-regression", o->max_regression,
                  "Exit 1 when a case of a later file is slower than the first file's by more "
                  "than this (e.g. 5%) and more than the runs' measured spread");
  cmd->callback([&action, o] { action = [o] { return run_compare(*o); }; });
}

}  // namespace gpubench
