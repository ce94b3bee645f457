// `gpubench compare A.json B.json ...`: runs side by side (laptop vs cloud, before vs after), and
// optionally the regression gate with the first file as the baseline.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "number_options.hpp"
#include "terminal.hpp"
#include "gpubench/analysis/compare.hpp"
#include "gpubench/analysis/machines.hpp"
#include "gpubench/analysis/pricing.hpp"
#include "gpubench/analysis/references.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/analysis/regression_gate.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/output/formats.hpp"
#include "gpubench/output/report_analysis.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/report_machines.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

struct CompareOptions {
  std::vector<std::string> files;
  std::string format = "table";
  std::string max_regression;
  std::string view = "auto";
  std::string by = "gflops";  // --by: what ranks the runs (analysis/compare.hpp RankBy)
  std::vector<std::string> labels;
  std::vector<std::string> prices;  // FILE=USD_PER_HOUR
  std::vector<std::string> references;  // shipped reference machines, or "list"
};

// --reference list: what each shipped machine is, when and how it was measured.
// Wrapped to a terminal's width, as compare's other text.
int list_references() {
  const std::string file = default_reference_file();
  std::string text = fmt::format("Reference machines ({}):\n", file);
  for (const ReferenceMachine& r : reference_machines(file))
    text += fmt::format("  {}  {}\n", r.name, r.about);
  std::cout << wrap_lines(text, stdout_terminal_width());
  return kExitOk;
}

// The runs to compare: the user's files, then each --reference machine under its own name. A
// file's name is printed as printable text, like what the file holds (a shared folder's names
// can carry escape sequences too).
std::vector<NamedResults> read_runs(const CompareOptions& o) {
  std::vector<NamedResults> runs;
  for (const std::string& f : o.files) runs.push_back({printable_text(f), read_results_file(f)});
  for (const std::string& name : o.references) {
    if (std::count(o.references.begin(), o.references.end(), name) > 1)
      throw UsageError(fmt::format("--reference '{}' is given twice: compare needs different runs", name));
    const ReferenceMachine r = find_reference(default_reference_file(), name);
    runs.push_back({"reference " + r.name, read_results_file(r.file)});
  }
  for (const NamedResults& run : runs)
    if (run.results.records.empty())
      throw UsageError(fmt::format("'{}' holds no matmul results to compare", run.name));
  refuse_repeated_cases(runs);  // in the machine view too, where no compare_runs would see it
  return runs;
}

// One file given twice compares a run with itself: a slip, not a comparison.
void refuse_repeated_files(const std::vector<std::string>& files) {
  for (std::size_t i = 0; i < files.size(); ++i)
    for (std::size_t j = 0; j < i; ++j) {
      std::error_code ec;
      if (files[i] == files[j] || std::filesystem::equivalent(files[i], files[j], ec))
        throw UsageError(fmt::format("'{}' is given twice: compare needs different runs", files[i]));
    }
}

// --label A,B,...: one short name per run (files first, then references). A reference machine
// is called by its name unless --label says otherwise.
std::vector<std::string> run_labels(const CompareOptions& o, const std::vector<NamedResults>& runs) {
  if (o.labels.empty()) {
    if (o.references.empty()) return {};
    std::vector<std::string> labels = machine_labels(runs);
    for (std::size_t i = 0; i < o.references.size(); ++i) labels[o.files.size() + i] = o.references[i];
    return labels;
  }
  if (o.labels.size() != runs.size())
    throw UsageError(fmt::format("--label names {}, but {} are compared",
                                 format_count(o.labels.size(), "run"), runs.size()));
  for (const std::string& l : o.labels)
    if (l.empty() || std::count(o.labels.begin(), o.labels.end(), l) > 1)
      throw UsageError(fmt::format("--label: '{}' is {}: each run needs its own name", l,
                                   l.empty() ? "empty" : "given twice"));
  std::vector<std::string> labels;
  for (const std::string& l : o.labels) labels.push_back(printable_text(l));
  return labels;
}

// --price FILE=USD_PER_HOUR: the whole machine's price, for the run read from FILE.
std::vector<std::optional<double>> run_prices(const CompareOptions& o) {
  std::vector<std::optional<double>> prices(o.files.size());
  for (const std::string& spec : o.prices) {
    const auto eq = spec.rfind('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(fmt::format("--price '{}': expected FILE=USD_PER_HOUR", spec));
    const std::string file = spec.substr(0, eq);
    std::size_t run = o.files.size();
    for (std::size_t i = 0; i < o.files.size(); ++i) {
      std::error_code ec;
      if (o.files[i] == file || std::filesystem::equivalent(o.files[i], file, ec)) run = i;
    }
    if (run == o.files.size())
      throw UsageError(fmt::format("--price '{}': '{}' is not one of the files compared", spec, file));
    prices[run] = checked_usd_per_hour(parse_positive_number("--price", spec.substr(eq + 1)),
                                       "--price " + file);
  }
  return prices;
}

bool machine_view_wanted(const CompareOptions& o, const std::vector<NamedResults>& runs) {
  if (o.view == "machines") return true;
  if (o.view == "backends") return false;
  return from_different_machines(runs);
}

// The regression gate of every later run against the first; its verdict joins a human-readable
// stdout (wrapped to a terminal's `width`), while machine-readable stdout stays clean.
bool gate_all(const std::vector<NamedResults>& runs, double threshold, Format format,
              std::size_t width) {
  std::ostringstream text;
  bool passed = true;
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const GateResult g = regression_gate(runs[0], runs[i], threshold);
    text << "\n";
    write_gate(text, g);
    passed = passed && g.passed();
  }
  (spec_of(format).for_people ? std::cout : std::cerr) << wrap_lines(text.str(), width);
  return passed;
}

int run_compare(const CompareOptions& o) {
  if (std::find(o.references.begin(), o.references.end(), "list") != o.references.end())
    return list_references();
  if (o.files.size() + o.references.size() < 2)
    throw UsageError("compare needs at least two runs: results files (gpubench matmul --output "
                     "X.json) or --reference NAME");
  refuse_repeated_files(o.files);
  const Format format = parse_format(ResultKind::compare, o.format);
  const RankBy by = parse_rank_by(o.by);
  // A bool and a double rather than std::optional: GCC 12 warns -Wmaybe-uninitialized on the
  // optional's value once gate_all is inlined (a false positive).
  const bool gate = !o.max_regression.empty();
  const double threshold = gate ? parse_max_regression(o.max_regression) : 0.0;
  const auto prices = run_prices(o);
  const std::vector<NamedResults> runs = read_runs(o);
  const auto labels = run_labels(o, runs);
  // On a terminal the table fits its width and the text wraps; a pipe gets it all, unwrapped.
  const std::size_t width = format == Format::table ? stdout_terminal_width() : 0;
  if (machine_view_wanted(o, runs))
    write_machine_view(format, std::cout, machine_view(runs, labels, prices, by), width);
  else if (format == Format::table)
    write_comparison_table(std::cout, compare_runs(runs, by), width);
  else
    render_comparison(format, std::cout, compare_runs(runs, by));
  if (!gate) return kExitOk;
  return gate_all(runs, threshold, format, width) ? kExitOk : kExitCheckFailed;
}

}  // namespace

void add_compare_command(CLI::App& app, Action& action, const std::string& /*command_line*/) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Put saved runs side by side: GFLOPS per case, ratios to the first run, machine "
      "differences; optionally fail on a regression");
  cmd->add_option("files", o->files, "Results files from gpubench matmul --output X.json");
  cmd->add_option("--format", o->format, format_help(ResultKind::compare))->capture_default_str();
  cmd->add_option("--max-regression", o->max_regression,
                  "Exit 1 when a case of a later file is slower than the first file's by more "
                  "than this (e.g. 5%) and more than the runs' measured spread");
  cmd->add_option("--view", o->view,
                  "machines: each run's best row per case, side by side (chosen when the runs "
                  "come from different machines); backends: each backend against itself")
      ->check(CLI::IsMember({"auto", "machines", "backends"}))
      ->capture_default_str();
  cmd->add_option("--by", o->by,
                  "What ranks the runs and what the ratios divide: gflops, or flop-per-cycle "
                  "(FLOP per clock cycle per SM on a GPU, per core on a CPU: the clock taken out, "
                  "so a power-capped card and a cool one of the same model compare as silicon)")
      ->type_name("gflops|flop-per-cycle")
      ->capture_default_str();
  cmd->add_option("--label", o->labels,
                  "Short machine names, one per file in order (default: host, GPU or CPU model)")
      ->delimiter(',')
      ->allow_extra_args(false);  // one value per --label: the files that follow stay files
  cmd->add_option("--reference", o->references,
                  "Put a reference machine shipped with gpubench beside the files (repeatable); "
                  "'list' says which there are and how each was measured")
      ->type_name("NAME|list")
      ->allow_extra_args(false);
  cmd->add_option("--price", o->prices,
                  "FILE=USD_PER_HOUR: the price of the machine that wrote FILE, for GFLOP per "
                  "dollar (repeatable; default: the run's own --price-cpu/--price-gpu)")
      ->type_name("FILE=USD_PER_HOUR")
      ->allow_extra_args(false);
  cmd->callback([&action, o] { action = [o] { return run_compare(*o); }; });
}

}  // namespace gpubench
