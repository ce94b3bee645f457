// Runs the real gpubench binary and checks what a user sees: rows, numbers, exit codes.
#include <gtest/gtest.h>

#include "command_runner.hpp"
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <string>

namespace {

using Run = gpubench::test::CommandResult;

Run run(const std::string& args) { return gpubench::test::run_gpubench(args); }

const char* kFast = " --min-time 0.01 --warmup 1 --threads 2 ";

// These tests are about a machine without a GPU: `info` lists one as "GPU 0:".
#define SKIP_WHEN_A_GPU_IS_PRESENT()                                      \
  if (run("info").out.find("GPU 0:") != std::string::npos) GTEST_SKIP() \
      << "a GPU is present"

}  // namespace

TEST(Cli, VersionAndHelp) {
  auto v = run("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("gpubench 0."), std::string::npos) << v.out;
  auto h = run("matmul --help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("--sizes"), std::string::npos);
}

TEST(Cli, NoSubcommandIsUsageError) {
  const auto r = run("");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("matmul"), std::string::npos) << r.err;  // the commands are listed
  // A parse error of CLI11's own is one line too, with where to look.
  const auto bad = run("peak --m-range 64 64");
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err,
            "gpubench: error: --m-range: At least 3 required but received 2 (see gpubench "
            "--help)\n");
}

TEST(Cli, MatmulCpuTableHasVerifiedRows) {
  auto r = run(std::string("matmul --sizes 64..256 --dtype fp32,fp64 --backends openblas") + kFast);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("6 cases: 6 ok, 0 failed"), std::string::npos) << r.out;
  // Every data row carries a positive GFLOPS figure, a small error and status ok.
  std::regex row(R"((\d+)\s+(fp32|fp64)\s+openblas\s+[\d.]+ [um]?s\s+±[\d.]+%\s+([\d.]+)\s.*\s(\d\.\de-\d\d)\s+ok)");
  int rows = 0;
  std::set<std::string> cases;
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), row), end; it != end; ++it) {
    ++rows;
    cases.insert((*it)[1].str() + " " + (*it)[2].str());
    EXPECT_GT(std::stod((*it)[3]), 0.0);
    EXPECT_LT(std::stod((*it)[4]), 1e-4);
  }
  EXPECT_EQ(rows, 6) << r.out;
  EXPECT_EQ(cases, (std::set<std::string>{"64 fp32", "128 fp32", "256 fp32", "64 fp64", "128 fp64",
                                          "256 fp64"}));
}

TEST(Cli, RectangularShape) {
  auto r = run(std::string("matmul --sizes 96x40x24 --backends openblas") + kFast);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("96x40x24"), std::string::npos) << r.out;
}

TEST(Cli, QuietWritesNothingToStderr) {
  auto r = run(std::string("matmul --sizes 32 --backends openblas --quiet") + kFast);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
}

TEST(Cli, UnsupportedDtypeRowAndTheRestRuns) {
  auto r = run(std::string("matmul --sizes 32 --dtype tf32,fp32 --backends openblas") + kFast);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("unsupported: tf32 is a GPU tensor-core mode"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 ok"), std::string::npos) << r.out;
}

class CliBadInput : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(CliBadInput, ExitTwoWithMessageAndNothingRun) {
  const auto [args, message] = GetParam();
  auto r = run(std::string("matmul ") + args + kFast);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.out << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
  EXPECT_EQ(r.out.find("GFLOPS"), std::string::npos) << "ran something: " << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    BadArgs, CliBadInput,
    ::testing::Values(std::make_pair("--sizes 8192..128", "'8192..128'"),
                      std::make_pair("--sizes abc", "--sizes grammar"),
                      std::make_pair("--sizes 0", "must be positive"),
                      std::make_pair("--sizes 64 --dtype int4", "unknown dtype 'int4'"),
                      std::make_pair("--sizes 64 --backends nope", "unknown backend 'nope'"),
                      std::make_pair("--sizes 64 --threads -1", "threads"),
                      std::make_pair("--sizes 64 --min-time 0", "min-time"),
                      std::make_pair("--sizes 64 --bogus", "bogus"),
                      std::make_pair("--sizes 64 --host-memory shared", "--host-memory")));

TEST(Cli, InfoReportsBlasAndGpuState) {
  auto r = run("info --threads 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("BLAS:       OpenBLAS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("core="), std::string::npos);
  EXPECT_NE(r.out.find("threads=2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CPU peak:"), std::string::npos);
  // Either a GPU is listed or the reason there is none.
  EXPECT_TRUE(r.out.find("GPU 0:") != std::string::npos ||
              r.out.find("no CUDA device") != std::string::npos)
      << r.out;
}

TEST(Cli, RequireGpuWithoutGpuExitsThree) {
  SKIP_WHEN_A_GPU_IS_PRESENT();
  auto r = run(std::string("matmul --sizes 32 --require-gpu") + kFast);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("no CUDA device"), std::string::npos) << r.err;
}

TEST(Cli, DefaultBackendsWithoutGpuStillExitZero) {
  SKIP_WHEN_A_GPU_IS_PRESENT();
  auto r = run(std::string("matmul --sizes 32") + kFast);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("cublas: skipped, no CUDA device"), std::string::npos) << r.out;
  auto explicit_gpu = run(std::string("matmul --sizes 32 --backends openblas,cublas") + kFast);
  EXPECT_EQ(explicit_gpu.code, 3) << explicit_gpu.out;
  EXPECT_NE(explicit_gpu.out.find("openblas"), std::string::npos);  // CPU results still printed
}
