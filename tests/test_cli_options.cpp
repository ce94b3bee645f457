// Bad option values through the real binary: each is a usage error (exit 2) of one short line that
// names the option, before anything is measured (issue 15 items 10-13, 15).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "command_runner.hpp"

namespace {

using Result = gpubench::test::CommandResult;

Result run(const std::string& args) { return gpubench::test::run_gpubench(args); }

const char* kMatmul = "matmul --sizes 32 --backends openblas --min-time 0.01 --warmup 1 ";

// Exit 2 with one line on stderr that names `option`, and no 300-digit bound.
void expect_usage_line(const std::string& args, const std::string& option) {
  const Result r = run(args);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
  EXPECT_NE(r.err.find(option), std::string::npos) << args << "\n" << r.err;
  EXPECT_LT(r.err.size(), 200u) << args << "\n" << r.err;
  EXPECT_EQ(r.err.find("internal"), std::string::npos) << args << "\n" << r.err;
  EXPECT_TRUE(r.out.empty()) << args << "\n" << r.out;
}

}  // namespace

TEST(CliOptions, PricesOutOfRangeOrNotFiniteAreUsageErrors) {
  for (const char* v : {"1e400", "1e-310", "1e-308", "inf", "nan", "-1", "0", "abc", "''"})
    expect_usage_line(std::string(kMatmul) + "--price-gpu 2 --price-cpu " + v, "--price-cpu");
}

TEST(CliOptions, PresetAndExplicitPricesAreAlternatives) {
  expect_usage_line(std::string(kMatmul) + "--price-preset h100-cloud --price-cpu 1",
                    "--price-cpu");
  expect_usage_line(std::string(kMatmul) + "--price-file prices.json", "--price-file");
}

TEST(CliOptions, EmptyMaxRegressionIsAUsageError) {
  expect_usage_line(std::string(kMatmul) + "--baseline x.json --max-regression ''",
                    "--max-regression");
}

TEST(CliOptions, TimesMustBeFiniteAndPositive) {
  for (const char* v : {"nan", "inf", "-inf", "1e400", "0", "-1", "abc", "''"}) {
    expect_usage_line(std::string(kMatmul) + "--min-time " + v, "--min-time");
    expect_usage_line(std::string(kMatmul) + "--max-time-per-case " + v, "--max-time-per-case");
    expect_usage_line(std::string("bandwidth --no-gpu --min-time ") + v, "--min-time");
  }
}

TEST(CliOptions, CountsMustBeWholeNumbersInRange) {
  for (const char* v : {"nan", "1.5", "-1", "1e3", "abc", "''", "99999999999999999999999"}) {
    expect_usage_line(std::string(kMatmul) + "--warmup " + v, "--warmup");
    expect_usage_line(std::string(kMatmul) + "--threads " + v, "--threads");
    expect_usage_line(std::string("bandwidth --no-gpu --host-mib ") + v, "--host-mib");
  }
}

TEST(CliOptions, MessageNamesTheRangeNotA300DigitBound) {
  const Result r = run(std::string(kMatmul) + "--min-time abc");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "gpubench: error: --min-time 'abc': expected a finite number above 0\n");
  const Result w = run(std::string(kMatmul) + "--warmup x");
  EXPECT_EQ(w.err, "gpubench: error: --warmup 'x': expected a whole number from 0 to 1000000\n");
}

TEST(CliOptions, SeedMustFitIn64Bits) {
  for (const char* v : {"-1", "18446744073709551616", "99999999999999999999999", "''", "1.0"})
    expect_usage_line(std::string(kMatmul) + "--seed " + v, "--seed");
  const Result r = run(std::string(kMatmul) + "--format json --seed 18446744073709551615");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"seed\": 18446744073709551615"), std::string::npos) << r.out;
}

TEST(CliOptions, ThreadsAreCappedAtFourTimesTheHardwareThreads) {
  // Far above any machine's cap: exit 2 at once instead of SIGABRT (bandwidth) or a silent
  // OpenBLAS maximum (matmul).
  expect_usage_line("bandwidth --no-gpu --threads 100000", "--threads");
  expect_usage_line(std::string(kMatmul) + "--threads 100000", "--threads");
  // info sets the count in each library and reads it back: the same rule, the same one line.
  for (const char* v : {"100000", "2147483647", "0x10", "-1", "1e300", "''"})
    expect_usage_line(std::string("info --threads ") + v, "--threads '");
}

TEST(CliOptions, ThreadsAboveTheHardwareCountWarn) {
  // One over the hardware threads is within the cap (4x) and runs, with a warning.
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const Result r = run(std::string(kMatmul) + "--threads " + std::to_string(hw + 1));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: --threads"), std::string::npos) << r.err;
  const Result q = run(std::string(kMatmul) + "--quiet --threads " + std::to_string(hw + 1));
  EXPECT_EQ(q.code, 0);
  EXPECT_TRUE(q.err.empty()) << q.err;
}

// Nothing measured at all is exit 3, and an existing -o file keeps its earlier results (item 17).
TEST(CliOptions, NothingMeasuredExitsThreeAndKeepsTheOldFile) {
  const std::string path = ::testing::TempDir() + "gpubench_nothing_measured.json";
  { std::ofstream(path) << "earlier results"; }
  const Result r = run("matmul --sizes 65536x65536x65536 --backends openblas -o " + path);
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("no case could be measured"), std::string::npos) << r.err;
  EXPECT_EQ(gpubench::test::read_file(path), "earlier results");
  std::remove(path.c_str());
  // A new file is still written, with the skipped rows that say why.
  const Result n = run("matmul --sizes 65536x65536x65536 --backends openblas -o " + path);
  EXPECT_EQ(n.code, 3);
  EXPECT_NE(gpubench::test::read_file(path).find("skipped"), std::string::npos);
  std::remove(path.c_str());
}

TEST(CliOptions, ClocksAndCacheTakeTheirWordsOnly) {
  expect_usage_line(std::string(kMatmul) + "--clocks turbo", "--clocks");
  expect_usage_line(std::string(kMatmul) + "--cache hot", "--cache");
  // --flush-l2 is --cache cold: saying both is saying it twice, possibly differently.
  expect_usage_line(std::string(kMatmul) + "--flush-l2 --cache warm", "--flush-l2");
}

// A CPU row timed cold says so in its record, and carries no burst rate (CPU rows have one rate);
// --flush-l2 means the same as --cache cold.
TEST(CliOptions, CacheColdReachesTheCpuRows) {
  for (const char* how : {"--cache cold", "--flush-l2"}) {
    const Result r = run(std::string(kMatmul) + "--threads 1 --format json " + how);
    ASSERT_EQ(r.code, 0) << how << "\n" << r.err;
    EXPECT_NE(r.out.find("\"cold_cache\": true"), std::string::npos) << how;
    EXPECT_EQ(r.out.find("\"cold_cache\": false"), std::string::npos) << how;
    EXPECT_NE(r.out.find("\"burst\": null"), std::string::npos) << how;
  }
  const Result warm = run(std::string(kMatmul) + "--threads 1 --format json");
  ASSERT_EQ(warm.code, 0) << warm.err;
  EXPECT_NE(warm.out.find("\"cold_cache\": false"), std::string::npos);
  // 32x32x32 fp32 (12 KiB) fits in any CPU's last-level cache, where sysfs tells its size.
  const Result table = run(std::string(kMatmul) + "--threads 1");
  ASSERT_EQ(table.code, 0) << table.err;
  if (warm.out.find("\"operands_in_cache\": true") != std::string::npos)
    EXPECT_NE(table.out.find("operands fit in the device's last-level cache"), std::string::npos)
        << table.out;
}

TEST(CliOptions, CompareRefusesAnEmptyMaxRegressionToo) {
  expect_usage_line("compare a.json b.json --max-regression ''", "--max-regression");
}

TEST(CliOptions, PlotTakesUpperCaseExtensions) {
  const std::string dir = ::testing::TempDir();
  const std::string in = dir + "gpubench_plot_in.json", svg = dir + "gpubench_CHART.SVG";
  const Result r = run(std::string(kMatmul) + "--threads 1 -o " + in);
  ASSERT_EQ(r.code, 0) << r.err;
  const Result p = run("plot " + in + " -o " + svg);
  EXPECT_EQ(p.code, 0) << p.err;
  std::ifstream f(svg);
  std::string head(5, '\0');
  f.read(head.data(), 5);
  EXPECT_EQ(head, "<svg ") << "no SVG written to " << svg;
  std::remove(svg.c_str());
  std::remove(in.c_str());
}

// Issue 25 items 2 and 3: an empty value is a usage error naming the option, never "as if not
// given" (--baseline "$UNSET" turned the gate off, --shapes '' ran the default sweep).
TEST(CliOptions, EmptyValuesAreUsageErrors) {
  const std::string m = kMatmul;
  for (const auto& [args, option] : std::vector<std::pair<std::string, std::string>>{
           {m + "--baseline ''", "--baseline"},
           {m + "--baseline '' --max-regression 5%", "--baseline"},
           {m + "--baseline ' '", "--baseline"},
           {"matmul --backends openblas --shapes ''", "--shapes"},
           {m + "--price-preset ''", "--price-preset"},
           {m + "--price-preset h100-cloud --price-file ''", "--price-file"},
           {m + "--backends ''", "--backends"},
           {m + "--format ''", "--format"},
           {m + "--host-memory ''", "--host-memory"},
           {m + "--layout ''", "--layout"},
           {"peak --backends '' --budget 1", "--backends"},
           {"peak --layout '' --budget 1", "--layout"},
           {"bandwidth --no-gpu --format ''", "--format"},
           {"compare a.json b.json --format ''", "--format"}})
    expect_usage_line(args, option);
}

// Issue 25 item 12: a cap below the minimum cut every case short without a word.
TEST(CliOptions, ACapBelowTheMinimumTimeIsAUsageError) {
  expect_usage_line("matmul --sizes 32 --backends openblas --min-time 3 --max-time-per-case 0.5",
                    "--max-time-per-case 0.5 is less than --min-time 3");
}

// Issue 25 item 6: --min-time of bandwidth has an upper bound, as its other numbers.
TEST(CliOptions, BandwidthMinTimeHasABound) {
  expect_usage_line("bandwidth --no-gpu --min-time 100000", "--min-time");
}

// Issue 25 item 14: an unknown command is named, with the real ones.
TEST(CliOptions, AnUnknownCommandIsNamed) {
  const Result r = run("foo --sizes 32");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'foo'"), std::string::npos) << r.err;
  for (const char* command : {"matmul", "compare", "peak", "bandwidth", "info", "plot"})
    EXPECT_NE(r.err.find(command), std::string::npos) << command << "\n" << r.err;
  EXPECT_EQ(r.err.find(", man"), std::string::npos) << "the hidden command is listed: " << r.err;
}

// Issue 25 item 10: --version and --help whose output is lost are not a success.
TEST(CliOptions, VersionAndHelpIntoAFullDiskExitThree) {
  for (const char* args : {"--version", "--help", "matmul --help", "peak --help"}) {
    const Result r = run(std::string(args) + " >/dev/full");
    EXPECT_EQ(r.code, 3) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("cannot write to standard output"), std::string::npos) << r.err;
    EXPECT_EQ(run(args).code, 0) << args;
  }
}

// Issue 25 item 9: whatever text an option is given, its echo is one short printable line (the
// value cut short and escaped by shown_input): no 10 kB message, no raw escape sequence or
// non-UTF-8 byte reaching the terminal. One row per option that takes text.
TEST(CliOptions, EveryEchoedValueIsShortAndPrintable) {
  std::string hostile = "\x1b]0;pwned\x07\x1b[2J\xff\xfe";
  hostile += std::string(10000, 'A');
  ASSERT_EQ(::setenv("GPUBENCH_HOSTILE", hostile.c_str(), 1), 0);
  const std::string v = "\"$GPUBENCH_HOSTILE\"";
  const std::string dir = ::testing::TempDir();
  const std::string in = dir + "gpubench_echo_in.json";
  ASSERT_EQ(run(std::string(kMatmul) + "--threads 1 -o " + in).code, 0);
  const std::string in2 = dir + "gpubench_echo_in2.json";  // compare refuses one file twice
  ASSERT_EQ(run(std::string(kMatmul) + "--threads 1 -o " + in2).code, 0);
  const std::string two = "compare " + in + " " + in2;
  const std::string m = kMatmul;
  const std::vector<std::string> rows{
      m + "--format " + v,
      m + "--output " + v,
      m + "--output " + v + ".json",
      "matmul --sizes 32 --backends " + v,  // kMatmul names --backends already
      m + "--progress " + v,
      m + "--cache " + v,
      m + "--clocks " + v,
      m + "--host-memory " + v,
      m + "--price-preset " + v,
      m + "--price-preset h100-cloud --price-file " + v,
      m + "--baseline " + v,
      m + "--baseline " + in + " --max-regression " + v,
      "matmul --backends openblas --shapes " + v,
      m + "--layout " + v,
      m + "--dtype " + v,
      m + "--batch " + v,
      m + "--device " + v,
      "matmul --sizes " + v,
      m + "--min-time " + v,
      m + "--blas-lib " + v,
      m + "--blas-lib openblas=" + v,
      "peak --budget 1 --layout " + v,
      "peak --budget 1 --dtype " + v,
      "peak --budget 1 --backends " + v,
      "peak --budget 1 --format " + v,
      "peak --budget " + v,
      "peak --budget 1 --m-range " + v,
      "bandwidth --no-gpu --format " + v,
      "bandwidth --no-gpu --output " + v,
      "bandwidth --no-gpu --progress " + v,
      "bandwidth --device " + v,
      "compare " + v + " " + in,
      two + " --format " + v,
      two + " --max-regression " + v,
      two + " --view " + v,
      two + " --by " + v,
      two + " --reference " + v,
      two + " --price " + v,
      two + " --price " + in + "=" + v,
      "plot " + v + " -o " + dir + "gpubench_echo.svg",
      "plot " + in + " -o " + v,
      "plot " + in + " -o " + v + ".svg",
      "info --threads " + v,
      "completion " + v,
      v,
      "matmul " + v,
      "matmul --" + v + "=1",
  };
  for (const std::string& args : rows) {
    const Result r = run(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err.substr(0, 300);
    // One error (--sizes adds its grammar on the lines after), the value cut short.
    EXPECT_LT(r.err.size(), 1200u) << args << "\n" << r.err.substr(0, 300);
    EXPECT_LT(r.err.find('\n'), 500u) << args << "\n" << r.err.substr(0, 600);
    EXPECT_EQ(r.err.rfind("gpubench: error: ", 0), 0u) << args << "\n" << r.err.substr(0, 300);
    // The value itself is echoed, escaped (not another error, such as an option given twice).
    EXPECT_NE(r.err.find("\\x1b]0;pwned\\x07"), std::string::npos) << args << "\n"
                                                                << r.err.substr(0, 300);
    for (unsigned char c : r.err)
      if ((c < 0x20 && c != '\n') || c >= 0x7f) {
        ADD_FAILURE() << args << ": raw byte " << int(c) << " in: " << r.err.substr(0, 300);
        break;
      }
  }
  std::remove(in.c_str());
  std::remove(in2.c_str());
}
