// The real binary's `bandwidth` and `plot` subcommands and matmul's price options.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "command_runner.hpp"

namespace {

using Run = gpubench::test::CommandResult;

using gpubench::test::gpu_count;
using gpubench::test::run_gpubench;

std::string slurp(const std::string& path) { return gpubench::test::read_file(path); }

const char* kSmall =
    " --host-mib 4 --transfer-mib 4 --device-copy-mib 8 --min-time 0.01 --threads 2";

}  // namespace

TEST(CliBandwidth, HostRowsAndGpuRowsSayWhy) {
  auto r = run_gpubench(std::string("bandwidth") + kSmall);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("host copy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("host triad"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GB/s"), std::string::npos) << r.out;
  for (const char* test : {"H2D", "D2H", "D2D copy"})
    EXPECT_NE(r.out.find(test), std::string::npos) << test << "\n" << r.out;
  if (gpu_count() == 0)  // every GPU row skipped for one reason: one line says why
    EXPECT_NE(r.out.find("GPU copies (H2D, D2H pinned/pageable, D2D): skipped, no CUDA device"),
              std::string::npos)
        << r.out;
}

TEST(CliBandwidth, FormatsAndOutputFiles) {
  const std::string md = ::testing::TempDir() + "gpubench_bw.md";
  const std::string csv = ::testing::TempDir() + "gpubench_bw.csv";
  std::remove(md.c_str());
  std::remove(csv.c_str());
  auto r = run_gpubench(std::string("bandwidth --no-gpu --format csv -o ") + md + " -o " + csv +
                        kSmall);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("host,test,", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find("H2D"), std::string::npos) << r.out;  // --no-gpu
  EXPECT_NE(slurp(md).find("| host triad |"), std::string::npos) << slurp(md);
  EXPECT_EQ(slurp(csv).rfind("host,test,", 0), 0u) << slurp(csv);
  EXPECT_NE(slurp(csv).find(",host triad,"), std::string::npos) << slurp(csv);
}

TEST(CliBandwidth, UnwritableOutputExitsTwoBeforeMeasuring) {
  // A directory that does not exist: the file cannot be written, and saying so after minutes of
  // measuring would lose them. Nothing may be measured or printed first.
  const std::string bad = ::testing::TempDir() + "gpubench_no_such_dir/bw.json";
  auto r = run_gpubench(std::string("bandwidth --no-gpu -o ") + bad + kSmall);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "") << "measured before checking --output";
}

TEST(CliBandwidth, BadInputExitsTwo) {
  EXPECT_EQ(run_gpubench("bandwidth --no-host --no-gpu").code, 2);
  // One file named twice (as matmul refuses it): one of the two outputs would be lost.
  const std::string twice = ::testing::TempDir() + "gpubench_bw_twice.json";
  auto same = run_gpubench("bandwidth --no-gpu -o " + twice + " -o " + twice + ":csv" + kSmall);
  EXPECT_EQ(same.code, 2) << same.out << same.err;
  EXPECT_NE(same.err.find("are the same file"), std::string::npos) << same.err;
  EXPECT_EQ(same.out, "");
  auto r = run_gpubench("bandwidth --format yaml --no-gpu");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown format 'yaml'"), std::string::npos) << r.err;
  EXPECT_EQ(run_gpubench("bandwidth --host-mib 0").code, 2);
  r = run_gpubench("bandwidth --no-host --device 0,x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'x'"), std::string::npos) << r.err;
}

TEST(CliBandwidth, DeviceAllMeasuresEveryGpuInTurn) {
  const int gpus = gpu_count();
  auto r = run_gpubench(std::string("bandwidth --no-host --device all --format markdown") + kSmall);
  // Without a GPU nothing could be measured: exit 3, as matmul (the rows still say why).
  ASSERT_EQ(r.code, gpus > 0 ? 0 : 3) << r.out << r.err;
  // Every GPU's rows; without a GPU, GPU 0's rows, which say why they are empty.
  for (int d = 0; d < std::max(gpus, 1); ++d)
    EXPECT_NE(r.out.find("| H2D | pinned | GPU " + std::to_string(d) + " |"), std::string::npos)
        << r.out;
  EXPECT_EQ(r.out.find("| H2D | pinned | GPU " + std::to_string(std::max(gpus, 1)) + " |"),
            std::string::npos)
      << r.out;
}

// Arrays larger than the machine's memory: both host rows say so before anything is allocated
// (an allocation that overcommit grants would meet the OOM killer at the first touch), nothing was
// measured (exit 3), and a results file from an earlier run is left as it was.
TEST(CliBandwidth, ArraysBeyondMemoryAreSkippedAndKeepEarlierResults) {
  const std::string json = ::testing::TempDir() + "gpubench_bw_keep.json";
  std::ofstream(json) << "{\"earlier\": true}\n";
  auto r = run_gpubench("bandwidth --no-gpu --min-time 0.01 --host-mib 1048576 -o " + json);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("skipped: needs 3 x 1048576 MiB of host memory"), std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("no test could be measured"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(json), "{\"earlier\": true}\n");
  // A new file is still written, to say why nothing ran.
  const std::string fresh = ::testing::TempDir() + "gpubench_bw_fresh.json";
  std::remove(fresh.c_str());
  r = run_gpubench("bandwidth --no-gpu --min-time 0.01 --host-mib 1048576 -o " + fresh);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(slurp(fresh).find("needs 3 x 1048576 MiB"), std::string::npos) << slurp(fresh);
}

// A named pipe as --output. Nobody reading it: a warning and exit 3 after a few seconds (opening
// it blocked until a reader came, and the signal handler restarted the wait: not even SIGTERM
// ended it).
// A reader: it gets one document, the final one (a save after every test left the second open
// waiting forever once the reader had taken the first and gone).
TEST(CliBandwidth, ANamedPipeGetsTheFinalResultsOnceOrAWarningWithoutAReader) {
  const std::string fifo = ::testing::TempDir() + "gpubench_bw_fifo_" + std::to_string(getpid());
  std::remove(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto r = run_gpubench("bandwidth --no-gpu --progress never -o " + fifo + ":csv" + kSmall);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("no process read the pipe within 5 s"), std::string::npos) << r.err;
  // One pipe named twice: two documents down it would arrive as one.
  r = run_gpubench("bandwidth --no-gpu -o " + fifo + ":csv -o " + fifo + ":json" + kSmall);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("are the same file"), std::string::npos) << r.err;

  const std::string got = fifo + ".read";
  r = gpubench::test::run_command("timeout 60 cat " + fifo + " > " + got + " & timeout 60 " +
                                  GPUBENCH_BINARY + " bandwidth --no-gpu --progress never -o " +
                                  fifo + ":csv" + kSmall + "; code=$?; wait; exit $code");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const std::string csv = slurp(got);
  EXPECT_EQ(csv.rfind("host,test,", 0), 0u) << csv;
  EXPECT_NE(csv.find(",host triad,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("host,test,", 1), std::string::npos) << "more than one document:\n" << csv;
  std::remove(fifo.c_str());
  std::remove(got.c_str());
}

TEST(CliPlot, MissingInputExitsTwo) {
  const std::string missing = ::testing::TempDir() + "gpubench_no_such_results.json";
  const std::string svg = ::testing::TempDir() + "gpubench_never.svg";
  auto r = run_gpubench("plot " + missing + " -o " + svg);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("gpubench_no_such_results.json"), std::string::npos) << r.err;
  EXPECT_TRUE(slurp(svg).empty());
}

TEST(CliPlot, OutputMustBeSvgOrHtml) {
  auto r = run_gpubench("plot a.json -o chart.png");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(".svg or .html"), std::string::npos) << r.err;
  EXPECT_EQ(run_gpubench("plot a.json").code, 2);  // -o is required
}

// Issue 15 item 18: plot checks its output up front like matmul (exit 2 naming the user's path,
// not exit 3 naming a temporary file after the chart was drawn).
TEST(CliPlot, UnwritableOutputExitsTwoNamingThePath) {
  const std::string bad = ::testing::TempDir() + "gpubench_no_such_dir/x.svg";
  auto r = run_gpubench(std::string("plot ") + GPUBENCH_TEST_DIR + "/golden/verdict_sweep.json -o " +
                        bad);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("'" + bad + "'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(".tmp"), std::string::npos) << r.err;
}

TEST(CliPrice, BadPricesExitTwoBeforeMeasuring) {
  auto one = run_gpubench("matmul --sizes 32 --backends openblas --price-cpu 1");
  EXPECT_EQ(one.code, 2);
  EXPECT_NE(one.err.find("--price-cpu and --price-gpu go together"), std::string::npos) << one.err;
  EXPECT_EQ(one.out.find("GFLOPS"), std::string::npos) << one.out;
  auto preset = run_gpubench("matmul --sizes 32 --backends openblas --price-preset nope");
  EXPECT_EQ(preset.code, 2);
  EXPECT_NE(preset.err.find("unknown price preset 'nope'"), std::string::npos) << preset.err;
  EXPECT_NE(preset.err.find("h100-cloud"), std::string::npos) << preset.err;
  EXPECT_EQ(run_gpubench("matmul --sizes 32 --price-cpu 1 --price-gpu -2").code, 2);
}

TEST(CliPlot, SavedResultsBecomeAWellFormedChart) {
  for (const char* ext : {".svg", ".html"}) {
    const std::string out = ::testing::TempDir() + "gpubench_cli_chart" + ext;
    std::remove(out.c_str());
    auto r = run_gpubench(std::string("plot ") + GPUBENCH_TEST_DIR + "/golden/verdict_sweep.json " +
                          GPUBENCH_TEST_DIR + "/golden/verdict_sweep.json -o " + out);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("wrote " + out + " (2 inputs)"), std::string::npos) << r.out;
    const std::string check = std::string(GPUBENCH_PYTHON3) + " " + GPUBENCH_TEST_DIR +
                              "/check_svg.py " + out +
                              (std::string(ext) == ".html" ? " --html" : "") +
                              " --expect 'verdict_sweep.json #1: cublas fp32'"
                              " --expect 'price ratio 3.0x' >/dev/null";
    EXPECT_EQ(std::system(check.c_str()), 0) << check;
  }
}

// Issue 15 item 4 for bandwidth: a full disk behind one -o (/dev/full) is a warning; the other
// file and the table still come out, and the exit code is 3 at the end.
TEST(CliBandwidth, AFailingOutputFileIsAWarningAndExitsThreeAtTheEnd) {
  const std::string full = ::testing::TempDir() + "gpubench_bw_full.json";
  const std::string md = ::testing::TempDir() + "gpubench_bw_ok.md";
  std::remove(full.c_str());
  std::remove(md.c_str());
  ASSERT_EQ(symlink("/dev/full", full.c_str()), 0);
  auto r = run_gpubench(std::string("bandwidth --no-gpu -o ") + full + " -o " + md + kSmall);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(full), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("host triad"), std::string::npos) << "no table:\n" << r.out;
  EXPECT_NE(slurp(md).find("| host triad |"), std::string::npos) << slurp(md);
  std::remove(full.c_str());
  std::remove(md.c_str());
}
