// libFuzzer target: the results-JSON loader and what runs on what it loads: compare (every
// format, both views), the regression gate and the plot. The input is two documents separated by the first
// NUL byte (the baseline, then the current run); without one, the document is compared with
// itself. A document the loader rejects (UsageError) is an expected outcome.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "gpubench/analysis/compare.hpp"
#include "gpubench/analysis/machines.hpp"
#include "gpubench/analysis/regression_gate.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/formats.hpp"
#include "gpubench/output/plot.hpp"
#include "gpubench/output/report_analysis.hpp"
#include "gpubench/output/report_machines.hpp"

namespace {

using namespace gpubench;

// What a loaded file must survive: written back out and read again (MPI ranks and --output do
// exactly that), it must still load.
Results load(std::string_view text, const std::string& origin) {
  Results r = results_from_json_text(text, origin);
  const std::string again = results_to_json_text(r);
  try {
    (void)results_from_json_text(again, origin + " (written back)");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "a loaded document no longer loads once written back: %s\n", e.what());
    FUZZ_CHECK(false);
  }
  return r;
}

void compare_and_gate(const std::vector<NamedResults>& runs, bool same_document) {
  const Comparison c = compare_runs(runs);
  // Compared: no file holds a case twice (which one counted would decide the gate).
  for (const NamedResults& run : runs) {
    std::set<CaseKey> cases;
    for (const Record& r : run.results.records) FUZZ_CHECK(cases.insert(case_key(r)).second);
  }
  // Every format of the format table that prints comparisons; none passes on a control
  // character from the file (a host name that retitles the terminal).
  for (const FormatSpec& f : format_table()) {
    if (!f.prints(ResultKind::compare)) continue;
    std::ostringstream os;
    render_comparison(f.format, os, c);
    FUZZ_CHECK(!has_control_characters(os.str()));
  }
  for (double max_regression : {0.0, 0.05, 0.5}) {
    const GateResult g = regression_gate(runs[0], runs[1], max_regression);
    std::ostringstream os;
    write_gate(os, g);
    FUZZ_CHECK(!has_control_characters(os.str()));
    // A run never regressed against itself: nothing is slower than itself, and nothing that was
    // ok is failing now.
    if (same_document) FUZZ_CHECK(g.passed());
  }
}

// The machine view (compare's view of runs from different machines), ranked both ways, priced and
// not, in every format and at a terminal's width: no control character from the file either.
void machine_views(const std::vector<NamedResults>& runs) {
  const std::vector<std::optional<double>> priced{2.0, 3.0};
  for (RankBy by : {RankBy::gflops, RankBy::flop_per_cycle})
    for (const auto* prices : {&priced, static_cast<const decltype(priced)*>(nullptr)}) {
      const MachineView v =
          machine_view(runs, machine_labels(runs), prices ? *prices : decltype(priced){}, by);
      for (const FormatSpec& f : format_table()) {
        if (!f.prints(ResultKind::compare)) continue;
        for (std::size_t width : {std::size_t{0}, std::size_t{80}}) {
          std::ostringstream os;
          write_machine_view(f.format, os, v, width);
          FUZZ_CHECK(!has_control_characters(os.str()));
        }
      }
    }
}

void plot(const std::vector<NamedResults>& runs) {
  std::vector<Results> results;
  for (const auto& r : runs) results.push_back(r.results);
  const auto labels = plot_labels({"a.json", "b.json"}, results);
  FUZZ_CHECK(labels.size() == runs.size());
  std::vector<PlotInput> one{{labels[0], runs[0].results}};
  std::vector<PlotInput> both{{labels[0], runs[0].results}, {labels[1], runs[1].results}};
  for (const auto* inputs : {&one, &both}) {
    try {
      const std::string svg = render_svg(*inputs);
      FUZZ_CHECK(!svg.empty());
      FUZZ_CHECK(!has_control_characters(svg));  // XML 1.0 has no place for them
      FUZZ_CHECK(!has_control_characters(render_html(svg, labels[0])));
    }
    FUZZ_EXPECTED_ERRORS  // nothing to draw
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nul = input.find('\0');
  const bool same_document = nul == std::string_view::npos;
  const std::string_view first = input.substr(0, nul);
  const std::string_view second = same_document ? first : input.substr(nul + 1);
  try {
    std::vector<NamedResults> runs;
    runs.push_back({"a.json", load(first, "a.json")});
    runs.push_back({"b.json", same_document ? runs[0].results : load(second, "b.json")});
    compare_and_gate(runs, same_document);
    machine_views(runs);
    plot(runs);
  }
  FUZZ_EXPECTED_ERRORS
  return 0;
}
