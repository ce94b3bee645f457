// `gpubench compare` of runs from different machines, through the real binary: the machine view
// chosen by itself, --view, --label, --price FILE=USD_PER_HOUR, and bad input (one line, exit 2).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command_runner.hpp"

namespace {

using gpubench::test::run_gpubench;

const std::string kBench = std::string(GPUBENCH_TEST_DIR) + "/../bench/results/";
const std::string kEpyc = kBench + "cpu_libraries_devvm_2026-11-29.json";
const std::string kXeon = kBench + "cpu-threads2.json";
const std::string kH200 = kBench + "gpu_question_h200_2026-11-29.json";

int lines(const std::string& s) { return int(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(CliMachines, RunsFromDifferentMachinesGetTheMachineView) {
  auto r = run_gpubench("compare " + kEpyc + " " + kH200);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Comparing 2 machines"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fp32: H200 (NVIDIA H200, cublas) is "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" AMD EPYC (AMD EPYC, openblas) at 8192, geomean "), std::string::npos)
      << r.out;
  // Near the top: the headline comes before the table.
  EXPECT_LT(r.out.find("fp32: H200"), r.out.find("dtype  shape")) << r.out;
  // The same machine twice keeps the per-backend view the gate uses.
  auto same = run_gpubench("compare " + kBench + "cpu-threads1.json " + kXeon);
  EXPECT_NE(same.out.find("Comparing 2 runs"), std::string::npos) << same.out;
  // --view picks either.
  EXPECT_NE(run_gpubench("compare --view backends " + kEpyc + " " + kH200).out.find("Comparing 2 runs"),
            std::string::npos);
  EXPECT_NE(run_gpubench("compare --view machines " + kBench + "cpu-threads1.json " + kXeon)
                .out.find("Comparing 2 machines"),
            std::string::npos);
}

TEST(CliMachines, LabelsAndPricesAtCompareTime) {
  auto r = run_gpubench("compare " + kEpyc + " " + kXeon + " " + kH200 +
                        " --label laptop,ci,cloud --price " + kH200 + "=3.5 --price " + kEpyc +
                        "=0.05");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("fp64: cloud (NVIDIA H200, cublas) is "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GFLOP/$"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  per dollar: laptop "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cloud/laptop"), std::string::npos) << r.out;
  const auto doc = nlohmann::json::parse(
      run_gpubench("compare --format json --label laptop,ci,cloud " + kEpyc + " " + kXeon + " " +
                   kH200)
          .out);
  EXPECT_EQ(doc["view"], "machines");
  EXPECT_EQ(doc["machines"][2]["label"], "cloud");
}

TEST(CliMachines, BadInputIsOneLineAndExitTwo) {
  for (const std::string& args :
       {"compare " + kEpyc + " " + kEpyc,                              // one run twice
        "compare " + kEpyc + " " + kBench + "/../results/" +
            std::filesystem::path(kEpyc).filename().string(),           // the same file, renamed
        "compare --label a " + kEpyc + " " + kH200,                    // one label, two runs
        "compare --label a,a " + kEpyc + " " + kH200,                  // a label twice
        "compare --price nothere.json=3 " + kEpyc + " " + kH200,       // not a compared file
        "compare --price " + kH200 + "=free " + kEpyc + " " + kH200,   // not a price
        "compare --view cpus " + kEpyc + " " + kH200,
        "compare " + kXeon + " --reference nope",                      // no such reference
        std::string("compare --reference h200 --reference h200"),      // one reference twice
        std::string("compare --reference h200")}) {                    // one run alone
    auto r = run_gpubench(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.out << r.err;
    EXPECT_EQ(lines(r.err), 1) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("gpubench: error: ", 0), 0u) << args << "\n" << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
  EXPECT_NE(run_gpubench("compare " + kEpyc + " " + kEpyc).err.find("is given twice"),
            std::string::npos);
}

TEST(CliMachines, ReferenceMachinesAreListedAndStandBesideARun) {
  auto list = run_gpubench("compare --reference list");
  EXPECT_EQ(list.code, 0) << list.out << list.err;
  EXPECT_NE(list.out.find("  h200  NVIDIA H200"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("  epyc-2core  "), std::string::npos) << list.out;
  auto r = run_gpubench("compare " + kXeon + " --reference h200");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("= reference h200: Intel Xeon, 16 cores; NVIDIA H200"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("fp32: h200 (NVIDIA H200, cublas) is "), std::string::npos) << r.out;
  // Two references alone are a comparison too.
  EXPECT_EQ(run_gpubench("compare --reference epyc-2core --reference h200").code, 0);
}

// On a terminal (issue 26), compare's machine lines, headlines and notes wrap at word boundaries
// and its tables fit: no line over the width. A pipe gets the same text unwrapped.
TEST(CliMachines, OnATerminalNoCompareLineIsWiderThanItsColumns) {
  using gpubench::test::on_terminal;
  using gpubench::test::widest_line;
  if (gpubench::test::run_command("script -qec true /dev/null").code != 0)
    GTEST_SKIP() << "no util-linux script";
  const std::string machines = "compare " + kEpyc + " " + kXeon + " " + kH200 +
                               " --label laptop,ci,cloud --price " + kH200 + "=3.5";
  const std::string runs = "compare " + kBench + "cpu-threads1.json " + kXeon +
                           " --max-regression 5%";
  const std::string references = "compare --reference list";
  for (const std::string& args : {machines, runs, references}) {
    const auto piped = run_gpubench(args);
    ASSERT_GT(widest_line(piped.out), 80u) << args << "\n" << piped.out;  // the case it is for
    const auto fitted = on_terminal(80, args);
    EXPECT_EQ(fitted.code, piped.code) << args << "\n" << fitted.out;
    EXPECT_LE(widest_line(fitted.out), 80u) << args << "\n" << fitted.out;
    // Wrapped, not cut: the machine line's last words are still there.
    const std::string tail = args == runs         ? "Same in every run:"
                             : args == references ? "xeon-2core"
                                                  : "per dollar:";
    EXPECT_NE(fitted.out.find(tail), std::string::npos) << fitted.out;
  }
}

// --by flop-per-cycle (issue 22): two H100 runs, one cool at 1980 MHz, one power-capped at 1500
// MHz. By GFLOPS the cool card is ahead; in cycle space the capped one is (its silicon did more
// per clock); where the capped run read no clock, the row says so instead of printing 0.
TEST(CliMachines, FlopPerCycleRanksInCycleSpace) {
  const std::string data = std::string(GPUBENCH_TEST_DIR) + "/data/";
  const std::string pair = data + "cycles_cool.json " + data + "cycles_capped.json";
  // `compare ARGS pair` exits 0 and prints each of `texts`.
  const auto expect_printed = [&](const std::string& args, std::vector<std::string> texts) {
    const auto r = run_gpubench("compare " + args + pair);
    ASSERT_EQ(r.code, 0) << args << "\n" << r.out << r.err;
    for (const std::string& text : texts)
      EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  };
  const std::string h100 = " (NVIDIA H100 80GB HBM3, cublas)";
  expect_printed("", {"bf16: cool-h100" + h100 + " is 1.18x capped-h100" + h100});
  expect_printed("--by flop-per-cycle ",
                 {"ratios of FLOP per cycle over cool-h100",
                  "bf16: capped-h100" + h100 + " is 1.13x cool-h100" + h100 + " at 4096",
                  "FLOP/cycle", "2678",
                  "bf16: 1 case only in cool-h100; no FLOP per cycle in capped-h100"});
  // The per-backend view: the same order (the geomean), and a row without the figure says so.
  expect_printed("--view backends --by flop-per-cycle ",
                 {"ratios are FLOP per cycle over run A", "FLOP/cycle B", "no clock", "B/A 1.13x"});
  const auto doc = nlohmann::json::parse(
      run_gpubench("compare --format json --by flop-per-cycle " + pair).out);
  EXPECT_EQ(doc["ranked_by"], "flop-per-cycle");

  const auto bad = run_gpubench("compare --by mhz " + pair);
  EXPECT_EQ(bad.code, 2) << bad.out << bad.err;
  EXPECT_EQ(lines(bad.err), 1) << bad.err;
  EXPECT_EQ(bad.err.rfind("gpubench: error: --by 'mhz'", 0), 0u) << bad.err;
  EXPECT_EQ(bad.out, "");
}
