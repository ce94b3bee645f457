// The terminal table fitted to a width (issue 26): golden tables at 80, 120 and 200 characters from
// one fixed set of results (CPU only, CPU and GPU with burst and telemetry, a sweep of layouts and
// batches), and the properties behind them: no line wider than the width, what was left out named
// under the table, files and pipes untouched. GPUBENCH_UPDATE_GOLDEN=1 regenerates the goldens.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "golden.hpp"
#include "gpubench/analysis/analysis.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/text.hpp"
#include "sample_results.hpp"

using namespace gpubench;
using gpubench::testing::sample_results;

namespace {

Results cpu_only() {
  Results r = sample_results();
  r.system.gpus.clear();
  std::erase_if(r.records, [](const Record& rec) { return rec.device_kind == DeviceKind::gpu; });
  return r;
}

// The sample with a GPU row timed both ways and with telemetry: every column people read.
Results cpu_and_gpu() {
  Results r = sample_results();
  Record& gpu = r.records[1];
  gpu.main.clocks = "sustained";
  gpu.main.telemetry.mean_sm_clock_mhz = 1536;
  gpu.main.telemetry.gflops_per_watt = 965.9;
  gpu.burst = Rate{};
  gpu.burst->gflops = 789062;
  gpu.burst->seconds = gpu.main.seconds;
  return r;
}

// The GPU sample swept over layouts and batches: the widest shape labels.
Results layouts_and_batches() {
  Results r = cpu_and_gpu();
  for (Record& rec : r.records) {
    rec.shape.layout = Layout::nt;
    rec.shape.batch = 32;
  }
  return r;
}

std::string table_at(const Results& r, std::size_t width, TableView view = {}) {
  view.width = width;
  std::ostringstream os;
  write_table(os, r, analyse(r), view);
  return os.str();
}

std::size_t widest_line(const std::string& text) {
  std::istringstream in(text);
  std::size_t widest = 0;
  for (std::string line; std::getline(in, line);) widest = std::max(widest, display_width(line));
  return widest;
}

const std::vector<std::pair<const char*, Results (*)()>> kSets{
    {"CPU only", cpu_only},
    {"CPU and GPU", cpu_and_gpu},
    {"layouts and batches", layouts_and_batches}};

}  // namespace

class TableFit : public ::testing::TestWithParam<std::size_t> {};

TEST_P(TableFit, GoldenTablesAtTheWidth) {
  std::string all;
  for (const auto& [name, make] : kSets)
    all += std::string("=== ") + name + " ===\n" + table_at(make(), GetParam());
  gpubench::testing::expect_golden("table_fit_" + std::to_string(GetParam()) + ".txt", all);
}

TEST_P(TableFit, NoLineIsWiderThanTheWidth) {
  for (const auto& [name, make] : kSets)
    EXPECT_LE(widest_line(table_at(make(), GetParam())), GetParam()) << name;
}

INSTANTIATE_TEST_SUITE_P(Widths, TableFit, ::testing::Values(80, 120, 200));

TEST(TableFitRules, WithoutAWidthTheTableIsTodaysFullTable) {
  const Results r = layouts_and_batches();
  std::ostringstream full;
  write_table(full, r, analyse(r));
  EXPECT_EQ(table_at(r, 0), full.str());
  EXPECT_GT(widest_line(full.str()), 120u);  // the case the fitting is for
  EXPECT_EQ(full.str().find("left out"), std::string::npos);
}

TEST(TableFitRules, ANarrowTableNamesWhatItLeftOutAndHowToSeeIt) {
  const std::string text = table_at(cpu_and_gpu(), 80);
  EXPECT_NE(text.find("left out to fit 80 characters"), std::string::npos) << text;
  EXPECT_NE(text.find("--wide"), std::string::npos);
  EXPECT_NE(text.find("max_rel_error"), std::string::npos);  // priority 3 goes first
  EXPECT_NE(text.find("GFLOPS sust."), std::string::npos);   // priority 1 stays
  EXPECT_NE(text.find("status"), std::string::npos);
}

TEST(TableFitRules, WideAndChosenColumnsAreNotFitted) {
  const Results r = cpu_and_gpu();
  EXPECT_EQ(widest_line(table_at(r, 80, {.wide = true})) > 80, true);
  const std::string chosen = table_at(r, 80, {.columns = {"backend", "threads", "gflops"}});
  EXPECT_NE(chosen.find("threads"), std::string::npos);  // a file-only field, under its name
  EXPECT_EQ(chosen.find("status"), std::string::npos);
  EXPECT_EQ(chosen.find("left out"), std::string::npos);
}

// FLOP per cycle (issue 22) is a column people see only when they ask; files always carry it.
TEST(TableFitRules, FlopPerCycleShowsOnlyWhenAsked) {
  Results r = cpu_and_gpu();
  r.records[1].main.flop_per_cycle = 3012.5;
  r.records[1].burst->flop_per_cycle = 3100;
  r.records[0].main.flop_per_cycle = 30.25;
  const std::string by_default = table_at(r, 0);
  EXPECT_EQ(by_default.find("FLOP/cycle"), std::string::npos) << by_default;
  std::ostringstream md;
  write_markdown(md, r, analyse(r));
  EXPECT_EQ(md.str().find("FLOP/cycle"), std::string::npos) << md.str();

  const std::string asked = table_at(r, 0, {.columns = {"backend", "flop_per_cycle"}});
  EXPECT_NE(asked.find("FLOP/cycle"), std::string::npos) << asked;
  EXPECT_NE(asked.find("3012"), std::string::npos) << asked;  // per SM, whole
  EXPECT_NE(asked.find("30.2"), std::string::npos) << asked;  // per core, one decimal
  EXPECT_NE(asked.find("FLOP/cycle = the main rate per clock cycle, per SM"), std::string::npos);
  EXPECT_EQ(by_default.find("FLOP/cycle ="), std::string::npos);
  const std::string all = table_at(r, 0, {.wide = true, .all = true});
  EXPECT_NE(all.find("FLOP/cycle"), std::string::npos) << all;
  EXPECT_EQ(table_at(r, 0, {.wide = true}).find("FLOP/cycle"), std::string::npos);

  std::ostringstream csv;
  write_csv(csv, r, analyse(r));
  EXPECT_NE(csv.str().find(",flop_per_cycle,burst_flop_per_cycle,"), std::string::npos);
  EXPECT_NE(csv.str().find(",3012.5,3100,"), std::string::npos) << csv.str();
}

TEST(TableFitRules, AStatusTooLongIsShortenedAndKeptWhole) {
  Results r = cpu_only();
  r.records[1].reason = std::string(120, 'x') + " the end";
  const std::string text = table_at(r, 80);
  EXPECT_LE(widest_line(text), 80u);
  EXPECT_NE(text.find("... [1]"), std::string::npos) << text;
  EXPECT_NE(text.find("the end"), std::string::npos);  // in the note, wrapped
}

TEST(TableFitRules, ColumnsAreCheckedAgainstTheCsvNames) {
  EXPECT_TRUE(parse_table_columns("all").empty());
  EXPECT_EQ(parse_table_columns("shape,gflops,status"),
            (std::vector<std::string>{"shape", "gflops", "status"}));
  try {
    parse_table_columns("shape,GFLOPS");
    FAIL() << "an unknown name was taken";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'GFLOPS'"), std::string::npos) << what;
    EXPECT_NE(what.find("max_rel_error"), std::string::npos) << what;  // the valid names
  }
}

TEST(WrapLines, BreaksAtSpacesWithAHangingIndent) {
  EXPECT_EQ(wrap_lines("short\n", 10), "short\n");
  EXPECT_EQ(wrap_lines("aaa bbb ccc ddd\n", 8), "aaa bbb\n  ccc\n  ddd\n");
  EXPECT_EQ(wrap_lines("  aaa bbb ccc\n", 9), "  aaa bbb\n    ccc\n");
  EXPECT_EQ(wrap_lines("abcdefghij\n", 4), "abcd\n  ef\n  gh\n  ij\n");
  EXPECT_EQ(wrap_lines("aaa bbb ccc ddd\n", 0), "aaa bbb ccc ddd\n");
}
