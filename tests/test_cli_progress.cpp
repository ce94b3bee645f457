// Progress on stderr (--progress): a line per finished case when stderr is no terminal (here a
// file, as in a CI log), nothing with --quiet or --progress never, and stdout the same in every
// mode, so that a script reading CSV or JSON never sees it.
#include <gtest/gtest.h>

#include <string>

#include "command_runner.hpp"

namespace {

using gpubench::test::run_gpubench;

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

const std::string kSweep = "matmul --sizes 32,64 --backends openblas --min-time 0.01 --threads 2 ";

TEST(CliProgress, IntoAFileALinePerFinishedCase) {
  auto r = run_gpubench(kSweep);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("[1/2] openblas fp32 32: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[2/2] openblas fp32 64: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("GFLOPS in "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("left\n"), std::string::npos) << r.err;  // the second line has a speed
  EXPECT_NE(r.err.find("done: 2 of 2 cases in "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no terminal line into a file";
  // The report is on stdout only.
  EXPECT_EQ(r.out.find("[1/2]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("openblas"), std::string::npos) << r.out;
}

TEST(CliProgress, QuietAndNeverWriteNothing) {
  for (const char* flags : {"--quiet", "--progress never", "--quiet --progress always"}) {
    auto r = run_gpubench(kSweep + flags);
    EXPECT_EQ(r.code, 0) << flags;
    EXPECT_EQ(r.err, "") << flags;
  }
}

TEST(CliProgress, AlwaysDrawsTheTerminalLineAndWipesIt) {
  auto r = run_gpubench(kSweep + "--progress always");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("\r[1/2] openblas fp32 32 ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\r[2/2] openblas fp32 64 ("), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), std::string::npos) << "nothing left on screen: " << r.err;
}

TEST(CliProgress, MachineReadableStdoutIsTheSameInEveryMode) {
  for (const char* format : {"csv", "json"}) {
    const std::string quiet = run_gpubench(kSweep + "--progress never --format " + format).out;
    for (const char* mode : {"auto", "always"}) {
      auto r = run_gpubench(kSweep + "--progress " + mode + " --format " + format);
      ASSERT_EQ(r.code, 0) << r.err;
      EXPECT_FALSE(r.err.empty()) << mode;
      // The same rows: CSV a line per case; JSON a "gflops" per case (line counts vary with
      // the "noisy" warnings a run may or may not get).
      const std::string row = std::string(format) == "csv" ? "\n" : "\"gflops\"";
      EXPECT_EQ(count(r.out, row), count(quiet, row)) << format << " " << mode;
      EXPECT_EQ(r.out.find('\r'), std::string::npos) << format << " " << mode;
      EXPECT_EQ(r.out.find("[1/2]"), std::string::npos) << format << " " << mode;
      EXPECT_EQ(r.out.substr(0, 1), quiet.substr(0, 1)) << format << " " << mode;
    }
  }
}

TEST(CliProgress, BadModeExitsTwo) {
  auto r = run_gpubench(kSweep + "--progress sometimes");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--progress"), std::string::npos) << r.err;
}

TEST(CliProgress, BandwidthLogsEachTest) {
  auto r = run_gpubench("bandwidth --no-gpu --min-time 0.01 --host-mib 8 --threads 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("[1/1] host memory: host triad "), std::string::npos) << r.err;
  EXPECT_EQ(run_gpubench("bandwidth --no-gpu --min-time 0.01 --host-mib 8 --progress never").err,
            "");
}

}  // namespace
