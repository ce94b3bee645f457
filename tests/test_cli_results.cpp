// The real binary's results features: --format/--output files, compare, the regression gate,
// --shapes, bad results files, and a run interrupted by SIGINT/SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "command_runner.hpp"

namespace {

using Run = gpubench::test::CommandResult;

// Per-process names: ctest -j runs the tests of this file in parallel processes.
std::string tmp(const std::string& name) {
  return ::testing::TempDir() + "gpubench_results_" + std::to_string(getpid()) + "_" + name;
}

std::string slurp(const std::string& path) { return gpubench::test::read_file(path); }

Run run(const std::string& args) { return gpubench::test::run_gpubench(args); }

const std::string kData = std::string(GPUBENCH_TEST_DIR) + "/data/";
const char* kFast = " --backends openblas --min-time 0.01 --warmup 1 --threads 1 ";

}  // namespace

TEST(CliResults, OutputFilesInEveryFormatWhileTheTableGoesToStdout) {
  const std::string json = tmp("out.json"), csv = tmp("out.csv"), md = tmp("out.md"),
                    gb = tmp("out.gbench.json"), other = tmp("out.data");
  std::remove(json.c_str());
  auto r = run(std::string("matmul --sizes 32,48x40x24") + kFast + "-o " + json + " -o " + csv +
               " -o " + md + " -o " + gb + " -o " + other + ":csv");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 cases: 2 ok"), std::string::npos) << r.out;  // the table
  const auto doc = nlohmann::json::parse(slurp(json));
  ASSERT_EQ(doc["records"].size(), 2u);
  EXPECT_EQ(doc["records"][1]["label"], "48x40x24");
  EXPECT_GT(doc["records"][0]["gflops"].get<double>(), 0.0);
  EXPECT_NE(doc["command_line"].get<std::string>().find("--sizes 32,48x40x24"), std::string::npos);
  EXPECT_EQ(slurp(csv).rfind("m,n,k,layout,batch,dtype,backend", 0), 0u);
  EXPECT_EQ(slurp(other).rfind("m,n,k,", 0), 0u);
  EXPECT_NE(slurp(md).find("| 48x40x24 | fp32 | openblas |"), std::string::npos) << slurp(md);
  EXPECT_EQ(nlohmann::json::parse(slurp(gb))["benchmarks"].size(), 2u);
}

TEST(CliResults, FormatJsonOnStdoutIsParseable) {
  auto r = run(std::string("matmul --sizes 32 --format json") + kFast);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);  // nothing but the document on stdout
  EXPECT_EQ(doc["schema_version"], 2);
  auto csv = run(std::string("matmul --sizes 32 --format csv") + kFast);
  EXPECT_EQ(csv.out.rfind("m,n,k,", 0), 0u) << csv.out;
}

// /dev/stdout as an --output when stdout is a pipe (popen's, here): written in place. Checking it
// against the other -o files tried to canonicalise the pipe's "pipe:[N]" and died with an internal
// error.
TEST(CliResults, DevStdoutOnAPipeIsAnOutput) {
  auto r = run(std::string("matmul --sizes 32 --quiet -o /dev/stdout:csv -o /dev/fd/1:csv") +
               kFast);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("m,n,k,", 0), 0u) << r.out;
  EXPECT_EQ(r.err.find("internal"), std::string::npos) << r.err;
  // stdout redirected to a file (>>): the CSV is appended at stdout's offset, beside the table;
  // the file was replaced by each save (what was in it before lost) and the final results went
  // to a stray "... (deleted)" file.
  const std::string log = ::testing::TempDir() + "gpubench_stdout_" + std::to_string(getpid());
  std::ofstream(log) << "EARLIER\n";
  r = gpubench::test::run_command(std::string(GPUBENCH_BINARY) +
                                  " matmul --sizes 32,48 --quiet -o /dev/stdout:csv" + kFast +
                                  " >> " + log);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string text = gpubench::test::read_file(log);
  EXPECT_EQ(text.rfind("EARLIER\nm,n,k,", 0), 0u) << text;
  EXPECT_NE(text.find("GFLOPS"), std::string::npos) << text;  // the table too
  std::remove(log.c_str());
}

// A file name that is not UTF-8 (another encoding's name) lands in the JSON's command line: the
// JSON writer threw on it, an internal error that lost the measured results. It is written as
// U+FFFD now, and the file reads back.
TEST(CliResults, AFileNameThatIsNotUtf8IsWrittenAndReadsBack) {
  const std::string path =
      ::testing::TempDir() + "gpubench_name_" + std::to_string(getpid()) + "_\xff.json";
  std::remove(path.c_str());
  auto r = run("matmul --sizes 32 --quiet -o '" + path + "'" + kFast);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto doc = nlohmann::json::parse(gpubench::test::read_file(path));
  EXPECT_NE(doc["command_line"].get<std::string>().find("_\xef\xbf\xbd.json"), std::string::npos);
  const std::string copy = path + ".copy.json";  // one file twice is refused: compare a copy
  std::filesystem::copy_file(path, copy, std::filesystem::copy_options::overwrite_existing);
  r = run("compare '" + path + "' '" + copy + "' --format json");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  std::remove(path.c_str());
  std::remove(copy.c_str());
}

// A file-size limit (ulimit -f) is a full disk by another name: a warning, the earlier file kept,
// no temporary left, exit 3. SIGXFSZ killed the process mid-file before (exit 153).
TEST(CliResults, AFileSizeLimitIsAWarningNotADeadProcess) {
  const std::string dir = ::testing::TempDir() + "gpubench_fsize_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directory(dir);
  std::ofstream(dir + "/r.json") << "OLD\n";
  auto r = gpubench::test::run_command("ulimit -f 1; " + std::string(GPUBENCH_BINARY) +
                                       " matmul --sizes 32 --quiet -o " + dir + "/r.json" + kFast);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_EQ(gpubench::test::read_file(dir + "/r.json"), "OLD\n");
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1) << "a temporary was left behind";
  std::filesystem::remove_all(dir);
}

TEST(CliResults, BadOutputOptionsExitTwoBeforeRunning) {
  for (const char* args :
       {"--format xml", "--output /nonexistent-dir/x.json", "--output x.weird",
        "--max-regression 5%", "--baseline /nonexistent.json", "--sizes 32 --shapes x.csv"}) {
    auto r = run(std::string("matmul --sizes 32 ") + args + kFast);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.out << r.err;
    EXPECT_EQ(r.out.find("GFLOPS"), std::string::npos) << args << ": ran something";
  }
}

TEST(CliResults, CompareAlignsTwoRunsAndListsMachineDifferences) {
  const std::string a = tmp("cmp_a.json"), b = tmp("cmp_b.json");
  ASSERT_EQ(run(std::string("matmul --sizes 32,64") + kFast + "-o " + a).code, 0);
  ASSERT_EQ(
      run("matmul --sizes 64,96 --backends openblas --min-time 0.01 --warmup 1 --threads 2 -o " + b)
          .code,
      0);
  auto r = run("compare " + a + " " + b);
  ASSERT_EQ(r.code, 0) << r.err;
  // Other differences (a measured clock) may widen the columns: check the line's content.
  const auto line_at = r.out.find("  BLAS threads:");
  ASSERT_NE(line_at, std::string::npos) << r.out;
  const std::string line = r.out.substr(line_at, r.out.find('\n', line_at) - line_at);
  EXPECT_NE(line.find(" A 1 "), std::string::npos) << line;
  EXPECT_EQ(line.substr(line.size() - 4), " B 2") << line;
  EXPECT_NE(r.out.find("Geometric mean"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("32 fp32 openblas: only in A (absent from B)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("96 fp32 openblas: only in B (absent from A)"), std::string::npos) << r.out;
  const auto doc = nlohmann::json::parse(run("compare " + a + " " + b + " --format json").out);
  EXPECT_EQ(doc["rows"].size(), 3u);
  EXPECT_NE(run("compare " + a + " " + b + " --format markdown").out.find("| shape |"),
            std::string::npos);
}

TEST(CliResults, CompareGateExitCodesOnFixtures) {
  auto regressed = run("compare " + kData + "gate_baseline.json " + kData +
                       "gate_regressed.json --max-regression 5%");
  EXPECT_EQ(regressed.code, 1) << regressed.out << regressed.err;
  EXPECT_NE(regressed.out.find("REGRESSED 128 fp32 openblas"), std::string::npos) << regressed.out;
  EXPECT_EQ(regressed.out.find("REGRESSED 64 "), std::string::npos) << regressed.out;

  auto lenient = run("compare " + kData + "gate_baseline.json " + kData +
                     "gate_regressed.json --max-regression 40%");
  EXPECT_EQ(lenient.code, 0) << lenient.out;
  EXPECT_NE(lenient.out.find("nothing regressed"), std::string::npos) << lenient.out;

  // -15% but with ±30% spread: noise, not a regression.
  auto noisy = run("compare " + kData + "gate_baseline.json " + kData +
                   "gate_noisy.json --max-regression 5%");
  EXPECT_EQ(noisy.code, 0) << noisy.out;
  EXPECT_NE(noisy.out.find("nothing regressed"), std::string::npos) << noisy.out;

  // Without --max-regression compare only reports.
  EXPECT_EQ(run("compare " + kData + "gate_baseline.json " + kData + "gate_regressed.json").code,
            0);
  // A machine-readable stdout stays parseable; the verdict goes to stderr.
  auto json = run("compare " + kData + "gate_baseline.json " + kData +
                  "gate_regressed.json --max-regression 5% --format json");
  EXPECT_EQ(json.code, 1);
  EXPECT_TRUE(nlohmann::json::accept(json.out)) << json.out;
  EXPECT_NE(json.err.find("REGRESSED 128 fp32 openblas"), std::string::npos) << json.err;
}

TEST(CliResults, MatmulBaselineGate) {
  // The baseline claims 1e7 GFLOPS: a drop of ~100%, more than any spread below ±100% (a larger
  // case and more samples than kFast keep this machine's noise well under that).
  auto fail = run("matmul --sizes 256 --backends openblas --min-time 0.1 --threads 1 --baseline " +
                  kData + "gate_impossible.json --max-regression 5%");
  EXPECT_EQ(fail.code, 1) << fail.out << fail.err;
  EXPECT_NE(fail.out.find("REGRESSED 256 fp32 openblas"), std::string::npos) << fail.out;
  EXPECT_NE(fail.out.find("not compared: 128 fp32 openblas: not in the new run"), std::string::npos)
      << fail.out;
  auto pass = run(std::string("matmul --sizes 64,128") + kFast + "--baseline " + kData +
                  "gate_trivial.json");
  EXPECT_EQ(pass.code, 0) << pass.out << pass.err;
  EXPECT_NE(pass.out.find("nothing regressed. 2 cases"), std::string::npos) << pass.out;
}

class CliBadResultsFile : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(CliBadResultsFile, ExitTwoWithAClearMessage) {
  const auto& [content, message] = GetParam();
  const std::string path = tmp("bad.json");
  if (content == "<missing>")
    std::remove(path.c_str());
  else
    std::ofstream(path) << content;
  for (const std::string& args :
       {"compare " + path + " " + kData + "gate_baseline.json",
        "matmul --sizes 32 " + std::string(kFast) + "--baseline " + path}) {
    auto r = run(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(r.out.find("GFLOPS"), std::string::npos) << args << ": ran or printed something";
  }
}

INSTANTIATE_TEST_SUITE_P(
    BadFiles, CliBadResultsFile,
    ::testing::Values(std::make_pair(std::string("<missing>"), std::string("No such file")),
                      std::make_pair(std::string("m,n,k\n1,2,3\n"), std::string("is not JSON")),
                      std::make_pair(std::string(R"({"schema_version": 3, "records": []})"),
                                     std::string("schema_version 3")),
                      std::make_pair(std::string(R"({"schema_version": 1, "records": []})"),
                                     std::string("holds no results")),
                      std::make_pair(std::string(R"({"context": {}, "benchmarks": []})"),
                                     std::string("not a gpubench results file"))));

TEST(CliResults, CompareNeedsTwoFiles) {
  auto r = run("compare " + kData + "gate_baseline.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("at least two"), std::string::npos) << r.err;
}

TEST(CliResults, ShapesFileRunsItsShapesAndDtypes) {
  const std::string shapes = tmp("shapes.csv"), out = tmp("shapes.json");
  std::ofstream(shapes) << "# m,n,k[,dtype]\nM,N,K,dtype\n48,40,24\n32,32,32,fp64  # attention\n";
  auto r = run(std::string("matmul --shapes ") + shapes + kFast + "-o " + out);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto doc = nlohmann::json::parse(slurp(out));
  ASSERT_EQ(doc["records"].size(), 2u);
  EXPECT_EQ(doc["records"][0]["label"], "48x40x24");
  EXPECT_EQ(doc["records"][0]["dtype"], "fp32");
  EXPECT_EQ(doc["records"][1]["label"], "32");
  EXPECT_EQ(doc["records"][1]["dtype"], "fp64");

  std::ofstream(shapes) << "64,64,64\n64,0,64\n";
  auto bad = run(std::string("matmul --shapes ") + shapes + kFast);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find(shapes + ":2: N must be positive, got 0"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.out.find("GFLOPS"), std::string::npos);
}

// Every layout and a batch on the CPU, checked against the fp64 reference; the batched shapes
// file's layout and batch columns; fp8 and int8 rows that say why the CPU cannot run them.
TEST(CliResults, LayoutsBatchesAndUnsupportedTypesOnTheCpu) {
  const std::string out = tmp("layouts.json");
  auto r = run(std::string("matmul --sizes 48x40x24 --dtype fp32,fp64,fp8,int8,fp8e5m2:fp32 "
                           "--layout nn,nt,tn,tt --batch 3") + kFast + "-o " + out);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto doc = nlohmann::json::parse(slurp(out));
  ASSERT_EQ(doc["records"].size(), 20u);
  int ok = 0;
  for (const auto& rec : doc["records"]) {
    const std::string dtype = rec["dtype"];
    EXPECT_EQ(rec["shape"]["batch"], 3);
    if (dtype == "fp32" || dtype == "fp64") {
      EXPECT_EQ(rec["status"], "ok") << rec.dump();
      EXPECT_TRUE(rec["verified"].get<bool>());
      EXPECT_EQ(rec["checked_entries"], 3 * 48 * 40);  // every entry of every product
      EXPECT_DOUBLE_EQ(rec["flops"].get<double>(), 3 * 2.0 * 48 * 40 * 24);
      ++ok;
    } else {
      EXPECT_EQ(rec["status"], "unsupported") << rec.dump();
      const std::string reason = rec["reason"];
      EXPECT_NE(reason.find(dtype == "int8" ? "int8" : "fp8"), std::string::npos) << reason;
    }
  }
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(doc["records"][1]["label"], "48x40x24 nt batch 3");
  EXPECT_NE(r.out.find("48x40x24 tt batch 3"), std::string::npos) << r.out;

  // Only fp8: nothing could be measured (exit 3), every row saying why.
  auto none = run(std::string("matmul --sizes 32 --dtype fp8 --layout nt") + kFast);
  EXPECT_EQ(none.code, 3) << none.out << none.err;
  EXPECT_NE(none.out.find("no CPU BLAS has an fp8 GEMM"), std::string::npos) << none.out;

  const std::string shapes = tmp("batched.csv");
  std::ofstream(shapes) << "m,n,k,dtype,layout,batch\n32,32,16,fp32,nt,4\n24,16,8,,tn\n";
  auto f = run(std::string("matmul --shapes ") + shapes + " --batch 2" + kFast + "-o " + out);
  ASSERT_EQ(f.code, 0) << f.out << f.err;
  const auto fdoc = nlohmann::json::parse(slurp(out));
  ASSERT_EQ(fdoc["records"].size(), 2u);
  EXPECT_EQ(fdoc["records"][0]["label"], "24x16x8 tn batch 2");  // --dtype's group runs first
  EXPECT_EQ(fdoc["records"][1]["label"], "32x32x16 nt batch 4");
  for (const auto& rec : fdoc["records"]) EXPECT_EQ(rec["status"], "ok") << rec.dump();

  for (const char* bad : {"--layout nx", "--batch 0", "--batch x", "--layout ''"}) {
    auto b = run(std::string("matmul --sizes 32 ") + bad + kFast);
    EXPECT_EQ(b.code, 2) << bad << b.err;
    EXPECT_EQ(b.out.find("GFLOPS"), std::string::npos) << bad;
  }
}

namespace {

// Starts the binary with stdout into a file; returns the pid.
pid_t spawn(const std::vector<std::string>& args, const std::string& stdout_path) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen(stdout_path.c_str(), "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Records in the file once it is complete JSON with at least one record; 0 otherwise.
std::size_t finished_records(const std::string& path) {
  try {
    return nlohmann::json::parse(slurp(path))["records"].size();
  } catch (const std::exception&) {
    return 0;
  }
}

void interrupt_and_check(int sig, int expected_code) {
  const std::string out = tmp("interrupted_" + std::to_string(sig) + ".json");
  const std::string stdout_path = tmp("interrupted_stdout_" + std::to_string(sig) + ".txt");
  std::remove(out.c_str());
  // 40 cases of at least 0.2 s each: many seconds of work, interrupted after the first is saved.
  const pid_t pid =
      spawn({GPUBENCH_BINARY, "matmul", "--sizes", "64..2560:+64", "--backends", "openblas",
             "--threads", "1", "--min-time", "0.2", "--warmup", "1", "--output", out},
            stdout_path);
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished_records(out) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_GT(finished_records(out), 0u) << "no case was saved within 60 s";
  kill(pid, sig);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "ended by a signal instead of exiting";
  EXPECT_EQ(WEXITSTATUS(status), expected_code);

  const auto doc = nlohmann::json::parse(slurp(out));  // valid JSON, complete
  EXPECT_TRUE(doc["interrupted"].get<bool>());
  EXPECT_TRUE(doc["complete"].get<bool>()) << "a stop by a signal still ends with the final save";
  const std::size_t saved = doc["records"].size();
  EXPECT_GE(saved, 1u);
  EXPECT_LT(saved, 40u) << "the run was not interrupted";
  for (const auto& rec : doc["records"]) {
    EXPECT_EQ(rec["status"], "ok") << rec.dump();
    EXPECT_GT(rec["gflops"].get<double>(), 0.0);
  }
  const std::string table = slurp(stdout_path);
  EXPECT_NE(table.find("(interrupted: partial results)"), std::string::npos) << table;
  // (singular for one case since issue 15 item 18)
  EXPECT_NE(table.find(std::to_string(saved) + (saved == 1 ? " case: " : " cases: ") +
                       std::to_string(saved) + " ok"),
            std::string::npos)
      << table;
}

}  // namespace

TEST(CliResults, SigintSavesFinishedCasesPrintsPartialTableExits130) {
  interrupt_and_check(SIGINT, 130);
}

TEST(CliResults, SigtermExits143) { interrupt_and_check(SIGTERM, 143); }

// Issue 15 item 4: one --output that fails mid-run (a full disk, here /dev/full behind a symlink,
// written in place at the end) used to end the run at once: exit 3, no table, and the -o files
// after it never got their final write. Now: a warning naming the file, the other files and the
// table as usual, and exit 3 at the end.
TEST(CliResults, AFailingOutputFileIsAWarningTheOthersAreWrittenAndTheRunExitsThree) {
  const std::string full = tmp("full.json"), good = tmp("good.csv");
  std::remove(full.c_str());
  std::remove(good.c_str());
  ASSERT_EQ(symlink("/dev/full", full.c_str()), 0);
  auto r = run(std::string("matmul --sizes 32,48") + kFast + "-o " + full + " -o " + good);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(full), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("2 cases"), std::string::npos) << "no table:\n" << r.out;
  const std::string csv = slurp(good);
  EXPECT_NE(csv.find("32,32,32"), std::string::npos) << csv;
  EXPECT_NE(csv.find("48,48,48"), std::string::npos) << csv;
  std::remove(full.c_str());
  std::remove(good.c_str());
}

// Issue 15 item 7: a closed terminal (SIGHUP) stops the run like SIGTERM.
TEST(CliResults, SighupStopsLikeSigtermExits129) { interrupt_and_check(SIGHUP, 129); }

// `nohup gpubench ...`: a SIGHUP the caller ignores stays ignored, and the run goes to its end.
TEST(CliResults, AnIgnoredSighupStaysIgnored) {
  const std::string out = tmp("nohup.json");
  std::remove(out.c_str());
  const pid_t pid = fork();
  if (pid == 0) {
    signal(SIGHUP, SIG_IGN);  // what nohup does; an ignored disposition survives exec
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    execl(GPUBENCH_BINARY, GPUBENCH_BINARY, "matmul", "--sizes", "64..640:+64", "--backends",
          "openblas", "--threads", "1", "--min-time", "0.05", "--output", out.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished_records(out) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(pid, SIGHUP);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const auto doc = nlohmann::json::parse(slurp(out));
  EXPECT_TRUE(doc["complete"].get<bool>());
  EXPECT_FALSE(doc["interrupted"].get<bool>());
  EXPECT_EQ(doc["records"].size(), 10u);
}

// Issue 15 item 7: the file a killed run leaves says it is incomplete, and compare and the gate
// say so (they used to take it for a whole run: it said "interrupted": false).
TEST(CliResults, AKilledRunLeavesAFileMarkedIncompleteThatCompareAndTheGateName) {
  const std::string out = tmp("killed.json");
  std::remove(out.c_str());
  const pid_t pid =
      spawn({GPUBENCH_BINARY, "matmul", "--sizes", "64..2560:+64", "--backends", "openblas",
             "--threads", "1", "--min-time", "0.2", "--warmup", "1", "--output", out},
            tmp("killed_stdout.txt"));
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished_records(out) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  const auto doc = nlohmann::json::parse(slurp(out));
  ASSERT_GT(doc["records"].size(), 0u);
  EXPECT_FALSE(doc["complete"].get<bool>());
  EXPECT_FALSE(doc["interrupted"].get<bool>());

  const std::string copy = tmp("killed_copy.json");  // one file twice is refused: a copy
  std::filesystem::copy_file(out, copy, std::filesystem::copy_options::overwrite_existing);
  auto cmp = run("compare " + out + " " + copy);
  EXPECT_EQ(cmp.code, 0) << cmp.out << cmp.err;
  EXPECT_NE(cmp.out.find(out + " is incomplete"), std::string::npos) << cmp.out;
  auto md = run("compare --format markdown " + out + " " + copy);
  EXPECT_NE(md.out.find("is incomplete"), std::string::npos) << md.out;
  auto js = nlohmann::json::parse(run("compare --format json " + out + " " + copy).out);
  EXPECT_EQ(js["incomplete_runs"].size(), 2u) << js.dump();
  auto gate = run("matmul --sizes 64 --backends openblas --min-time 0.01 --warmup 1 --threads 1 "
                  "--max-regression 99% --baseline " + out);
  EXPECT_EQ(gate.code, 0) << gate.out << gate.err;
  EXPECT_NE(gate.out.find(out + " is incomplete"), std::string::npos) << gate.out;
  EXPECT_NE(gate.out.find("Regression gate"), std::string::npos) << gate.out;
  std::remove(out.c_str());
  std::remove(copy.c_str());
}

// Issue 15 item 18: a hostname (or file name) with a line break or HTML must not inject a line or
// markup into markdown compare output.
TEST(CliResults, MarkdownCompareEscapesHostAndFileNames) {
  auto doc = nlohmann::json::parse(slurp(kData + "gate_baseline.json"));
  doc["system"]["hostname"] = "evil\n# heading <script>x</script> & |";
  const std::string evil = tmp("evil<b>.json");
  std::ofstream(evil) << doc.dump();
  auto r = run("compare --format markdown " + kData + "gate_baseline.json '" + evil + "'");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("<script>"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("<b>"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\n# heading"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("&lt;script&gt;x&lt;/script&gt; &amp; \\|"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("evil&lt;b&gt;.json"), std::string::npos) << r.out;
  std::remove(evil.c_str());
}

// No output may replace a file the run reads (issue 25 item 4): --shapes, --baseline, --price-file
// and plot's inputs, by inode (a link to the input too); one line, exit 2, the input unchanged.
TEST(CliResults, AnOutputThatIsAnInputIsRefused) {
  const std::string shapes = tmp("in_shapes.csv"), baseline = tmp("in_baseline.json"),
                    prices = tmp("in_prices.json"), chart = tmp("in_chart.svg");
  std::ofstream(shapes) << "32,32,32\n";
  std::filesystem::copy_file(kData + "gate_trivial.json", baseline,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(std::string(GPUBENCH_TEST_DIR) + "/../bench/prices.json", prices,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(chart);
  std::filesystem::create_symlink(baseline, chart);  // a chart name that is the results file
  const std::string before_shapes = slurp(shapes), before_baseline = slurp(baseline),
                    before_prices = slurp(prices);
  for (const std::string& args :
       {"matmul --shapes " + shapes + kFast + "-o " + shapes + ":csv",
        "matmul --sizes 32" + std::string(kFast) + "--baseline " + baseline + " -o " + baseline,
        "matmul --sizes 32" + std::string(kFast) + "--price-preset h100-cloud --price-file " +
            prices + " -o " + prices,
        "plot " + baseline + " -o " + chart}) {
    const auto r = run(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("reads: name another file"), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(slurp(shapes), before_shapes);
  EXPECT_EQ(slurp(baseline), before_baseline);
  EXPECT_EQ(slurp(prices), before_prices);
  for (const std::string& f : {shapes, baseline, prices, chart}) std::remove(f.c_str());
}

namespace {

// Any byte that could drive a terminal: C0 controls but the line end, DEL, and the C1 controls
// (U+0080..U+009F, "\xc2\x80".."\xc2\x9f" in UTF-8).
void expect_printable(const std::string& what, const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool c1 = c == 0xc2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9f;
    if ((c < 0x20 && c != '\n') || c == 0x7f || c1) {
      ADD_FAILURE() << what << ": control byte " << int(c) << " at " << i << " in:\n"
                    << text.substr(i > 100 ? i - 100 : 0, 200);
      return;
    }
  }
}

}  // namespace

// Issue 25 item 7: a shared results file whose host name, CPU, library, backend and warnings hold
// escape sequences (retitling the window, clearing the screen, C1 CSI) reaches no terminal raw:
// not through compare in any format, the gate of compare and of matmul --baseline, nor plot, whose
// SVG and HTML a real XML parser reads. Nor do the same sequences in a file's name or a --label.
TEST(CliResults, ControlCharactersInAResultsFileNeverReachTheTerminal) {
  const std::string hostile = kData + "control_chars.json";
  ASSERT_NE(slurp(hostile).find("\\u001b]0;"), std::string::npos) << "the fixture lost its escapes";
  // One file twice is refused: a copy, whose name (a shared folder's) holds escapes too.
  const std::string copy = tmp("hostile_\x1b]0;named\x07_copy.json");
  std::filesystem::copy_file(hostile, copy, std::filesystem::copy_options::overwrite_existing);
  for (const char* view : {"machines", "backends"}) {
    for (const char* format : {"table", "markdown", "csv", "json"}) {
      const std::string args = std::string("compare --view ") + view + " --format " + format;
      const auto r = run(args + " " + hostile + " " + kData + "gate_baseline.json '" + copy + "'");
      EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
      EXPECT_FALSE(r.out.empty()) << args;
      expect_printable(args, r.out + r.err);
    }
  }
  const auto labelled = run("compare --view machines " + hostile + " " + kData +
                            "gate_baseline.json --label 'a\x1b[2J,b' --max-regression 99%");
  EXPECT_EQ(labelled.code, 0) << labelled.err;
  EXPECT_NE(labelled.out.find("a\\x1b[2J"), std::string::npos) << labelled.out;
  expect_printable("compare --label", labelled.out + labelled.err);
  const auto gate = run("compare " + kData + "gate_baseline.json " + hostile + " --max-regression 5%");
  EXPECT_EQ(gate.code, 0) << gate.err;
  expect_printable("compare --max-regression", gate.out + gate.err);
  const auto matmul = run(std::string("matmul --sizes 64") + kFast + "--baseline '" + copy +
                         "' --max-regression 99%");
  EXPECT_TRUE(matmul.code == 0 || matmul.code == 1) << matmul.err;
  EXPECT_NE(matmul.out.find("gate"), std::string::npos) << matmul.out;
  expect_printable("matmul --baseline", matmul.out + matmul.err);
  for (const char* ext : {".svg", ".html"}) {
    const std::string chart = tmp(std::string("hostile") + ext);
    const auto plot = run("plot " + hostile + " '" + copy + "' -o " + chart);  // named by file
    ASSERT_EQ(plot.code, 0) << plot.err;
    expect_printable(std::string("plot ") + ext, plot.out + plot.err + slurp(chart));
    const auto parsed = gpubench::test::run_command(
        "python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' " + chart);
    EXPECT_EQ(parsed.code, 0) << chart << " is not well-formed XML: " << parsed.err;
    std::remove(chart.c_str());
  }
  std::remove(copy.c_str());
}

// Issue 25 item 11: a file with two records of one case is refused by compare (either view) and
// the gate in either order (the first one used to win, so the order decided the gate).
TEST(CliResults, TwoRecordsOfOneCaseAreRefusedInEitherOrder) {
  auto doc = nlohmann::json::parse(slurp(kData + "gate_baseline.json"));
  doc["records"].push_back(doc["records"][0]);
  doc["records"].back()["gflops"] = 1.0;
  const std::string twice = tmp("twice.json");
  std::ofstream(twice) << doc.dump();
  for (const std::string& args :
       {"compare " + twice + " " + kData + "gate_baseline.json --max-regression 5%",
        "compare " + kData + "gate_baseline.json " + twice + " --max-regression 5%",
        "compare --view machines " + twice + " " + kData + "control_chars.json",
        std::string("matmul --sizes 64") + kFast + "--baseline " + twice}) {
    const auto r = run(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("holds two records of 64 fp32 openblas"), std::string::npos) << r.err;
  }
  std::remove(twice.c_str());
}

