// Golden outputs of the markdown, CSV, JSON and Google Benchmark reporters on a fixed set of
// records. After an intended change, regenerate with GPUBENCH_UPDATE_GOLDEN=1 and review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden.hpp"
#include "gpubench/output/formats.hpp"
#include "gpubench/output/record_columns.hpp"
#include "gpubench/output/report.hpp"
#include "sample_results.hpp"

using namespace gpubench;
using gpubench::testing::expect_golden;
using gpubench::testing::sample_results;

namespace {

std::string rendered(Format f, const Results& r = sample_results()) {
  std::ostringstream os;
  render(f, os, r);
  return os.str();
}

// The sample with a GPU row timed both ways, with telemetry, and a CPU row that fits in the cache.
Results results_with_rates() {
  Results r = sample_results();
  auto gpu = std::find_if(r.records.begin(), r.records.end(), [](const Record& rec) {
    return rec.ok() && rec.device_kind == DeviceKind::gpu;
  });
  gpu->main.clocks = "sustained";
  gpu->main.telemetry.mean_sm_clock_mhz = 1536;
  gpu->main.telemetry.mean_power_w = 700;
  gpu->main.telemetry.gflops_per_watt = 965.9;
  Rate burst;
  burst.gflops = 789062;
  burst.seconds = gpu->main.seconds;
  gpu->burst = burst;
  r.records.front().operands_in_cache = true;
  return r;
}

// The cells of the first line of `text` that starts with `start`, split at `separator`.
std::vector<std::string> cells_of_line(const std::string& text, const std::string& start,
                                       const std::regex& separator) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line.erase(0, line.find_first_not_of(' '));
    if (line.rfind(start, 0) == 0) {
      std::vector<std::string> cells;
      for (std::sregex_token_iterator it(line.begin(), line.end(), separator, -1), end; it != end;
           ++it)
        if (!it->str().empty()) cells.push_back(*it);
      return cells;
    }
  }
  return {};
}

}  // namespace

TEST(Reporters, MarkdownGolden) { expect_golden("sample.md", rendered(Format::markdown)); }
TEST(Reporters, CsvGolden) { expect_golden("sample.csv", rendered(Format::csv)); }
TEST(Reporters, JsonGolden) { expect_golden("sample.json", rendered(Format::json)); }
TEST(Reporters, GbenchJsonGolden) {
  expect_golden("sample.gbench.json", rendered(Format::gbench_json));
}

// Properties the goldens must have, checked independently of the golden text.
TEST(Reporters, CsvHasOneLinePerRecordAndQuotesHazards) {
  const std::string csv = rendered(Format::csv);
  std::istringstream in(csv);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_EQ(lines, 1 + int(sample_results().records.size()));
  // The warning holds a quote and a pipe: quoted, with the quote doubled.
  EXPECT_NE(csv.find(R"("noisy: spread ""wide"", check load | other jobs")"), std::string::npos)
      << csv;
  EXPECT_EQ(csv.rfind("m,n,k,layout,batch,dtype,backend,", 0), 0u);
}

TEST(Reporters, MarkdownEndsWithTheVerdictWhenThereAreCpuAndGpuRows) {
  const std::string md = rendered(Format::markdown);
  const auto verdict = md.find("```text\nDo I need a GPU?");
  ASSERT_NE(verdict, std::string::npos) << md;
  EXPECT_GT(verdict, md.find("6 cases:"));
  EXPECT_EQ(md.substr(md.size() - 4), "```\n");

  Results cpu_only = sample_results();
  std::erase_if(cpu_only.records, [](const Record& r) { return r.device_kind == DeviceKind::gpu; });
  std::ostringstream os;
  render(Format::markdown, os, cpu_only);
  EXPECT_EQ(os.str().find("Do I need a GPU?"), std::string::npos) << os.str();
}

TEST(Reporters, MarkdownEscapesPipesAndShowsSpeedups) {
  const std::string md = rendered(Format::markdown);
  EXPECT_NE(md.find("tensor-core mode \\| not on CPUs"), std::string::npos) << md;
  // Every table line has as many unescaped pipes as the header: no cell breaks the table.
  std::istringstream in(md);
  std::string line;
  int rows = 0;
  std::size_t header_pipes = 0;
  while (std::getline(in, line)) {
    if (line.rfind("|", 0) != 0) continue;
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    if (rows++ == 0) header_pipes = pipes;
    EXPECT_EQ(pipes, header_pipes) << line;
  }
  EXPECT_EQ(rows, 2 + int(sample_results().records.size()));
  EXPECT_NE(md.find("| 100.0x"), std::string::npos) << md;  // cuBLAS over the CPU row
  EXPECT_NE(md.find("**FAILED**: verification"), std::string::npos) << md;
  EXPECT_NE(md.find("6 cases: 3 ok, 1 failed, 2 skipped or unsupported"), std::string::npos);
}

TEST(Reporters, GbenchJsonHasGoogleBenchmarkLayout) {
  const auto doc = nlohmann::json::parse(rendered(Format::gbench_json));
  ASSERT_TRUE(doc.contains("context"));
  EXPECT_EQ(doc["context"]["host_name"], "box");
  EXPECT_EQ(doc["context"]["num_cpus"], 8);
  ASSERT_TRUE(doc["benchmarks"].is_array());
  // Only measured rows: three ok records of six.
  ASSERT_EQ(doc["benchmarks"].size(), 3u);
  const auto& b = doc["benchmarks"][0];
  EXPECT_EQ(b["name"], "matmul/openblas/fp32/1024");
  EXPECT_EQ(b["run_type"], "iteration");
  EXPECT_EQ(b["time_unit"], "ns");
  EXPECT_DOUBLE_EQ(b["real_time"].get<double>(), 0.01 * 1e9);
  EXPECT_EQ(b["iterations"], 10);
  EXPECT_NEAR(b["GFLOPS"].get<double>(), 214.748, 0.001);
}

TEST(Reporters, JsonHasEveryRecordAndStatus) {
  const auto doc = nlohmann::json::parse(rendered(Format::json));
  EXPECT_EQ(doc["schema_version"], 2);
  ASSERT_EQ(doc["records"].size(), 6u);
  EXPECT_EQ(doc["records"][3]["status"], "failed");
  EXPECT_EQ(doc["records"][4]["status"], "skipped");
  EXPECT_EQ(doc["records"][5]["status"], "unsupported");
  EXPECT_TRUE(doc["records"][4]["peak_gflops"].is_null());
  EXPECT_TRUE(doc["records"][0]["end_to_end_seconds"].is_null());
  EXPECT_EQ(doc["records"][1]["end_to_end_seconds"]["median"], 0.0004);
  EXPECT_EQ(doc["system"]["gpus"][0]["compute_capability"], "9.0");
}

// GPU rows timed both ways show both rates, named, with the legend; telemetry adds the clock and
// GFLOPS/W; warm rows that fit in the cache are named under the table (every format that prints
// for people), and each rate is a column or counter in the machine formats.
TEST(Reporters, RatesTelemetryAndCacheInEveryFormat) {
  const Results r = results_with_rates();
  auto out = [&](Format f) { return rendered(f, r); };
  const std::string table = out(Format::table), md = out(Format::markdown);
  for (const std::string& text : {table, md}) {
    EXPECT_NE(text.find("GFLOPS burst"), std::string::npos) << text;
    EXPECT_NE(text.find("GFLOPS sust."), std::string::npos) << text;
    EXPECT_NE(text.find("789062"), std::string::npos) << text;
    EXPECT_NE(text.find("965.9"), std::string::npos) << text;
    EXPECT_NE(text.find("rates: burst = "), std::string::npos) << text;
    EXPECT_NE(text.find("operands fit in the device's last-level cache"), std::string::npos)
        << text;
  }
  EXPECT_NE(table.find("1536"), std::string::npos) << table;
  const std::string csv = out(Format::csv);
  EXPECT_NE(csv.find("burst_gflops"), std::string::npos);
  EXPECT_NE(csv.find(",789062,"), std::string::npos) << csv;
  const std::string gbench = out(Format::gbench_json);
  EXPECT_NE(gbench.find("\"GFLOPS_burst\": 789062"), std::string::npos) << gbench;
  EXPECT_NE(gbench.find("\"GFLOPS_per_watt\": 965.9"), std::string::npos) << gbench;
}

// The terminal table and markdown print one list of columns (output/record_columns.hpp): the same
// titles in the same order (markdown had no MHz column), the same cells ("100.0x", not "100.0×").
TEST(Reporters, TableAndMarkdownCarryTheSameColumns) {
  const Results r = results_with_rates();
  const std::string table = rendered(Format::table, r), md = rendered(Format::markdown, r);
  const auto table_titles = cells_of_line(table, "shape", std::regex("  +"));
  const auto md_titles = cells_of_line(md, "| shape", std::regex(" *\\| *"));
  EXPECT_GE(table_titles.size(), 14u) << table;
  EXPECT_EQ(table_titles, md_titles) << table << md;
  EXPECT_NE(std::find(md_titles.begin(), md_titles.end(), "MHz"), md_titles.end()) << md;
  EXPECT_NE(md.find("| 100.0x |"), std::string::npos) << md;
  EXPECT_EQ(md.find("×"), std::string::npos) << md;
}

// Every column people read that has a value for files is a CSV column under the same name.
TEST(Reporters, EveryColumnPeopleReadIsACsvColumnOfTheSameName) {
  const auto header = cells_of_line(rendered(Format::csv), "m,n,k", std::regex(","));
  const Results r = sample_results();
  const Analysis a = analyse(r);
  for (const Column<RecordRow>& c : columns_named(record_columns(r, a), people_layout())) {
    if (!c.field) continue;
    EXPECT_NE(std::find(header.begin(), header.end(), c.name), header.end()) << c.name;
  }
  // flop_per_cycle and burst_flop_per_cycle (issue 22), then workload_calls, algorithm,
  // default_algorithm, default_gflops and tuned_gain (issue 23) last
  EXPECT_EQ(header.size(), 57u);
}
