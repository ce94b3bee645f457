// `gpubench peak` as a user runs it: a tiny budget on the CPU ends inside the budget with the best
// shape, the top shapes and the summary printed and the results JSON written; bad ranges and
// budgets are one line and exit 2; Ctrl-C prints and saves the best so far.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "command_runner.hpp"

namespace {

using Result = gpubench::test::CommandResult;
using Clock = std::chrono::steady_clock;

std::string tmp(const std::string& name) {
  return ::testing::TempDir() + "gpubench_peak_" + std::to_string(getpid()) + "_" + name;
}

Result run(const std::string& args) { return gpubench::test::run_gpubench(args); }

int lines_of(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

// Scheduling on a loaded 2-core CI machine: the process may end this much after its budget.
constexpr double kSlackSeconds = 1.5;

}  // namespace

TEST(CliPeak, TinyBudgetOnTheCpuEndsInTimeWithTheBestShapeAndTheJson) {
  if (gpubench::test::cpu_is_emulated())
    GTEST_SKIP() << "not measured (emulated CPU): the grid's smallest shape (1024^3) alone takes "
                    "about a minute under qemu, past any small budget, and there is no peak";
  const std::string out = tmp("cpu.json");
  std::remove(out.c_str());
  const double budget = 4;
  const auto t0 = Clock::now();
  const Result r = run("peak --backends openblas --dtype fp32 --threads 2 --budget 4 -o " + out);
  const double took = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_LT(took, budget + kSlackSeconds) << r.out;
  for (const char* part : {"peak on", "openblas fp32 on", "Grid: M 1024..16384 step 1024",
                           "Best: ", "of peak", "Top ", "Summary: over the "})
    EXPECT_NE(r.out.find(part), std::string::npos) << part << " missing:\n" << r.out;
  EXPECT_NE(r.err.find("peak: openblas fp32 [1] diagonal 1024"), std::string::npos) << r.err;

  const auto doc = nlohmann::json::parse(gpubench::test::read_file(out));
  EXPECT_EQ(doc["format"], "gpubench-results");
  EXPECT_TRUE(doc["complete"].get<bool>());
  EXPECT_FALSE(doc["interrupted"].get<bool>());
  ASSERT_EQ(doc["peak"].size(), 1u);
  const auto& search = doc["peak"][0];
  EXPECT_EQ(search["backend"], "openblas");
  EXPECT_EQ(search["dtype"], "fp32");
  EXPECT_EQ(search["grid_shapes"], 4096);
  ASSERT_GE(search["points"].size(), 1u);
  EXPECT_EQ(search["points"][0]["m"], 1024);  // the smallest cube first
  for (const auto& p : search["points"]) EXPECT_TRUE(p["verified"].get<bool>()) << p.dump();
  const auto& summary = search["summary"];
  ASSERT_TRUE(summary["best_row"].is_number()) << summary.dump();
  const auto& best = doc["records"][summary["best_row"].get<std::size_t>()];
  EXPECT_EQ(best["status"], "ok");
  EXPECT_GT(best["gflops"].get<double>(), 0.0);
  EXPECT_TRUE(best["verified"].get<bool>());
  // The best shape of the report is the best row of the file.
  const auto& shape = best["shape"];
  EXPECT_NE(r.out.find("Best: " + std::to_string(shape["m"].get<int>()) + "x" +
                       std::to_string(shape["n"].get<int>()) + "x" +
                       std::to_string(shape["k"].get<int>())),
            std::string::npos)
      << r.out;
  EXPECT_GT(summary["geomean_gflops"].get<double>(), 0.0);
}

TEST(CliPeak, JsonOnStdoutParses) {
  const Result r = run(
      "peak --backends openblas --threads 1 --m-range 64 256 64 --n-range 64 256 64 --k-range 64 "
      "256 64 --budget 1.5 --format json --quiet");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["peak"][0]["grid_shapes"], 64);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

// A grid measured whole reads 100% (not "1e+02%"); a budget spent before the search could begin
// says so instead of printing a negative budget.
TEST(CliPeak, WholeGridAndSpentBudgetReadPlainly) {
  Result r = run(
      "peak --backends openblas --threads 1 --m-range 64 128 64 --n-range 64 128 64 --k-range 64 "
      "128 64 --budget 3 --quiet");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(100% of the grid's 8)"), std::string::npos) << r.out;
  const std::string out = tmp("spent.json");
  r = run("peak --backends openblas --threads 1 --budget 0.000001 --quiet -o " + out);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("of its 0 s (spent before this search could begin)"), std::string::npos)
      << r.out;
  const auto doc = nlohmann::json::parse(gpubench::test::read_file(out));
  EXPECT_EQ(doc["peak"][0]["budget_seconds"].get<double>(), 0.0);
  // FILE:json names the file as matmul's -o does: /dev/full is the device (a full disk: exit 3),
  // not a new file called "/dev/full:json".
  r = run("peak --backends openblas --threads 1 --budget 0.5 --quiet -o /dev/full:json");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot write '/dev/full': No space left on device"), std::string::npos)
      << r.err;
}

// Nothing measured (the budget spent before the search began): exit 3, and an existing -o file
// keeps its earlier results, as matmul's and bandwidth's do (issue 25 item 5).
TEST(CliPeak, NothingMeasuredKeepsAnExistingFile) {
  const std::string out = tmp("kept.json");
  std::ofstream(out) << "earlier results";
  const Result r = run("peak --backends openblas --threads 1 --budget 0.000001 --quiet -o " + out);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_EQ(gpubench::test::read_file(out), "earlier results");
  std::remove(out.c_str());
}

// peak's results in every format of the table, on stdout and in -o files as for matmul.
TEST(CliPeak, MarkdownAndCsvOnStdoutAndInFiles) {
  const std::string md = tmp("peak.md"), csv = tmp("peak.csv"), json = tmp("peak.json");
  const Result r = run(
      "peak --backends openblas --threads 1 --m-range 64 128 64 --n-range 64 128 64 --k-range 64 "
      "128 64 --budget 3 --quiet --format markdown -o " + md + " -o " + csv + " -o " + json);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("### openblas fp32 on "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| # | M | N | K | search |"), std::string::npos) << r.out;
  EXPECT_EQ(gpubench::test::read_file(md), r.out);
  const std::string table = gpubench::test::read_file(csv);
  EXPECT_EQ(table.rfind("backend,device,dtype,layout,phase,m,n,k,status,gflops,pct_of_peak,reason\n",
                        0),
            0u)
      << table;
  EXPECT_NE(table.find("openblas,"), std::string::npos) << table;
  const auto doc = nlohmann::json::parse(gpubench::test::read_file(json));
  EXPECT_EQ(doc["peak"][0]["points"].size() + 1,
            std::size_t(std::count(table.begin(), table.end(), '\n')));
  const Result c = run(
      "peak --backends openblas --threads 1 --m-range 64 64 64 --n-range 64 64 64 --k-range 64 64 "
      "64 --budget 2 --quiet --format csv");
  ASSERT_EQ(c.code, 0) << c.out << c.err;
  EXPECT_EQ(c.out.rfind("backend,device,", 0), 0u) << c.out;
  for (const std::string& f : {md, csv, json}) std::remove(f.c_str());
}

TEST(CliPeak, BadRangesAndBudgetsAreOneLineAndExitTwo) {
  for (const std::string bad : std::vector<std::string>{"--m-range 4096 1024 256",
                                                        "--n-range 1024 4096 0",
                                                        "--k-range 0 0 0",
                                                        "--m-range 1 3000000000 1",
                                                        "--m-range 1024 abc 1",
                                                        "--m-range -5 10 1",
                                                        "--budget 0",
                                                        "--budget -3",
                                                        "--budget abc",
                                                        "--budget inf",
                                                        "--budget nan",
                                                        "--budget 1e9",
                                                        "--remeasure 0",
                                                        "--format gbench-json",
                                                        "--dtype fp8x",
                                                        "--layout xy",
                                                        "--m-range 64 64",
                                                        "--m-range 64 64 64 64",
                                                        "--budget " + std::string(500, '0') + "1e7",
                                                        "-o x.gbench.json",
                                                        "-o '   '",
                                                        "-o nan",
                                                        "-o -1",
                                                        "-o :json",
                                                        "-o ''"}) {
    const auto t0 = Clock::now();
    const Result r = run("peak --backends openblas --budget 30 " + bad);
    EXPECT_EQ(r.code, 2) << bad << "\n" << r.out << r.err;
    EXPECT_EQ(lines_of(r.err), 1) << bad << ":\n" << r.err;
    EXPECT_LT(r.err.size(), 400u) << bad << ":\n" << r.err;  // a long value is echoed cut short
    EXPECT_TRUE(r.out.empty()) << bad << ":\n" << r.out;
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 5.0) << bad;
  }
}

TEST(CliPeak, SigintPrintsAndSavesTheBestSoFar) {
  const std::string out = tmp("interrupted.json"), stdout_path = tmp("interrupted.txt");
  std::remove(out.c_str());
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen(stdout_path.c_str(), "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    execl(GPUBENCH_BINARY, GPUBENCH_BINARY, "peak", "--backends", "openblas", "--threads", "1",
          "--m-range", "64", "1024", "64", "--n-range", "64", "1024", "64", "--k-range", "64",
          "1024", "64", "--budget", "120", "-o", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  // Interrupted once the search has saved something (the file is rewritten about once a second).
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  auto points = [&] {
    try {
      return nlohmann::json::parse(gpubench::test::read_file(out))["peak"][0]["points"].size();
    } catch (const std::exception&) {
      return std::size_t(0);
    }
  };
  while (points() == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_GT(points(), 0u) << "nothing saved within 60 s";
  kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const auto doc = nlohmann::json::parse(gpubench::test::read_file(out));
  EXPECT_TRUE(doc["interrupted"].get<bool>());
  EXPECT_TRUE(doc["complete"].get<bool>());
  EXPECT_EQ(doc["peak"][0]["ended"], "interrupted");
  ASSERT_TRUE(doc["peak"][0]["summary"]["best_row"].is_number());
  const std::string table = gpubench::test::read_file(stdout_path);
  EXPECT_NE(table.find("Best: "), std::string::npos) << table;
  EXPECT_NE(table.find("Interrupted"), std::string::npos) << table;
}
