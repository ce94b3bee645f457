// `gpubench plot A.json [B.json ...] -o sweep.svg|sweep.html`: the sweep chart from saved results.
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/output/plot.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/atomic_file.hpp"
#include "gpubench/output/output_files.hpp"

namespace gpubench {

namespace {

struct PlotOptions {
  std::vector<std::string> inputs;
  std::string output;
};

int run_plot(const PlotOptions& o) {
  const bool html =
      ends_with_ignoring_case(o.output, ".html") || ends_with_ignoring_case(o.output, ".htm");
  if (!html && !ends_with_ignoring_case(o.output, ".svg"))
    throw UsageError(fmt::format("-o {}: the chart is written as .svg or .html", o.output));
  // Like matmul's --output: an unwritable path, or one of the inputs, is a usage error naming
  // it, before any work.
  check_destination_writable(o.output);
  InputFiles read;
  for (const std::string& path : o.inputs) read.emplace_back("plot", path);
  check_not_an_input(o.output, "-o", o.output, read);
  std::vector<Results> results;
  for (const std::string& path : o.inputs) results.push_back(read_results_file(path));
  const std::vector<std::string> labels = plot_labels(o.inputs, results);
  std::vector<PlotInput> inputs;
  for (std::size_t i = 0; i < results.size(); ++i)
    inputs.push_back({labels[i], std::move(results[i])});
  const std::string svg = render_svg(inputs);
  write_file_atomically(o.output, html ? render_html(svg, "gpubench sweep") : svg);
  std::cout << fmt::format("wrote {} ({})\n", o.output, format_count(inputs.size(), "input"));
  return kExitOk;
}

}  // namespace

void add_plot_command(CLI::App& app, Action& action, const std::string&) {
  auto o = std::make_shared<PlotOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plot", "Chart GFLOPS and GPU speedup against size from saved JSON results (SVG or HTML)");
  cmd->add_option("inputs", o->inputs, "Results files written by `gpubench matmul --output X.json`")
      ->required();
  cmd->add_option("-o,--output", o->output, "The chart: FILE.svg or FILE.html")->required();
  cmd->callback([&action, o] { action = [o] { return run_plot(*o); }; });
}

}  // namespace gpubench
