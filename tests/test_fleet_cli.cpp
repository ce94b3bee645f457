// Many GPUs, many processes: runs the real binary with --device/--concurrent and under mpirun,
// and checks the one table and the one JSON file that come out. The MPI tests run wherever MPI
// was built (two ranks on this host, CPU backend); the multi-GPU tests need two GPUs and skip
// without them.
#include <gtest/gtest.h>

#include "command_runner.hpp"
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

using Run = gpubench::test::CommandResult;

// Runs a shell command line; stdout and stderr apart.
Run shell(const std::string& cmd) { return gpubench::test::run_command(cmd); }

using gpubench::test::gpu_count;
using gpubench::test::run_gpubench;

#ifdef GPUBENCH_MPIEXEC
// CI runs as root, which Open MPI refuses unless told twice; the CI machine has 2 cores (the
// preflags then hold --oversubscribe). Under the ASan build, leak checking is off for the ranks:
// Open MPI leaves allocations of plugins it has unloaded at MPI_Finalize, which LeakSanitizer
// cannot tell from ours (the unit tests check our side with leak checking on).
std::string mpirun(int ranks) {
  return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 "
         GPUBENCH_MPIEXEC " " +
         std::string(GPUBENCH_MPIEXEC_NUMPROC_FLAG) + " " + std::to_string(ranks) + " " +
         GPUBENCH_MPIEXEC_PREFLAGS + " ";
}
#endif

json read_json(const std::string& path) {
  std::ifstream f(path);
  return json::parse(f, nullptr, /*allow_exceptions=*/false);
}

std::string hostname() {
  char h[256] = {};
  gethostname(h, sizeof h - 1);
  return h;
}

const char* kFast = " --min-time 0.01 --warmup 1 --quiet ";

}  // namespace

TEST(FleetCli, BadDeviceListIsUsageError) {
  for (const char* spec : {"x", "0,,1", "-1", "0,0"}) {
    auto r = run_gpubench(std::string("matmul --sizes 32 --backends openblas --device ") + spec + kFast);
    EXPECT_EQ(r.code, 2) << spec << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("--device"), std::string::npos) << spec << "\n" << r.err;
    EXPECT_EQ(r.out.find("GFLOPS"), std::string::npos) << "ran something: " << r.out;
  }
}

TEST(FleetCli, ConcurrentWithoutGpuRunsTheCpuAndSaysWhyTheGpuIsEmpty) {
  if (gpu_count() > 0) GTEST_SKIP() << "a GPU is present";
  auto r = run_gpubench(std::string("matmul --sizes 32,48 --device all --concurrent --threads 1") +
                    kFast);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("cublas: skipped, no CUDA device"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4 cases: 2 ok"), std::string::npos) << r.out;
}

TEST(FleetCli, MpiTwoRanksGatheredIntoOneTableAndOneJson) {
#ifndef GPUBENCH_MPIEXEC
  GTEST_SKIP() << "this gpubench was built without MPI (GPUBENCH_MPI=OFF or no MPI library "
                  "found): there is nothing to gather";
#else
  const std::string path = ::testing::TempDir() + "gpubench_mpi_two_ranks.json";
  std::remove(path.c_str());
  auto r = shell(mpirun(2) + GPUBENCH_BINARY +
                 " matmul --backends openblas --sizes 64,96 --threads 1 --output " + path + kFast);
  ASSERT_EQ(r.code, 0) << r.out << r.err;

  // One table (rank 0 prints, the others do not), saying where each rank ran.
  EXPECT_EQ(r.out.find(" cases: "), r.out.rfind(" cases: ")) << "more than one table:\n" << r.out;
  EXPECT_NE(r.out.find("MPI: 2 ranks on 1 host"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rank 1 on " + hostname()), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"((^|\n)host\s+rank\s+shape\s+dtype)")))
      << r.out;
  // Per case, one row from each rank, with the host column filled.
  std::regex row(R"((?:^|\n)(\S+)\s+([01])\s+(64|96)\s+fp32\s+openblas\s.*\sok)");
  std::set<std::string> seen;
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), row), end; it != end; ++it) {
    EXPECT_EQ((*it)[1].str(), hostname());
    seen.insert((*it)[2].str() + "/" + (*it)[3].str());
  }
  EXPECT_EQ(seen, (std::set<std::string>{"0/64", "0/96", "1/64", "1/96"})) << r.out;
  EXPECT_NE(r.out.find("4 cases: 4 ok, 0 failed"), std::string::npos) << r.out;

  // One JSON file: both ranks' SystemInfo and both ranks' records.
  const json doc = read_json(path);
  ASSERT_TRUE(doc.is_object()) << "not JSON: " << path;
  ASSERT_TRUE(doc.contains("ranks") && doc["ranks"].is_array()) << doc.dump(1).substr(0, 2000);
  ASSERT_EQ(doc["ranks"].size(), 2u);
  for (const json& s : doc["ranks"]) {
    EXPECT_EQ(s.value("hostname", ""), hostname());
    EXPECT_NE(s.value("command_line", "").find("matmul"), std::string::npos);
  }
  std::map<int, int> per_rank;
  for (const json& rec : doc.at("records")) {
    ++per_rank[rec.value("rank", -1)];
    EXPECT_EQ(rec.value("host", ""), hostname());
    EXPECT_EQ(rec.value("status", ""), "ok");
  }
  EXPECT_EQ(per_rank, (std::map<int, int>{{0, 2}, {1, 2}}));
#endif
}

TEST(FleetCli, MpiRankThatCannotRunReportsItInItsRowsAndTheOthersAreKept) {
#ifndef GPUBENCH_MPIEXEC
  GTEST_SKIP() << "this gpubench was built without MPI: there is nothing to gather";
#else
  if (gpu_count() > 0) GTEST_SKIP() << "a GPU is present: --require-gpu would not fail";
  // Two programs in one MPI job: rank 1 demands a GPU this machine does not have.
  const std::string args =
      std::string(" matmul --backends openblas --sizes 64 --threads 1") + kFast;
  auto r = shell(mpirun(1) + GPUBENCH_BINARY + args + " : " + GPUBENCH_MPIEXEC_NUMPROC_FLAG +
                 " 1 " + GPUBENCH_BINARY + args + " --require-gpu");
  EXPECT_EQ(r.code, 3) << r.out << r.err;  // the environment error of rank 1
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\S+\s+0\s+64\s+fp32\s+openblas\s.*\sok)")))
      << r.out;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex(R"(\n\S+\s+1\s+64\s+fp32\s+openblas\s.*FAILED: rank 1 could not run: )"
                        R"(--require-gpu: no CUDA device)")))
      << r.out;
#endif
}

// --- Two GPUs or more: what ran where is said in each test's output.

TEST(FleetCli, EveryGpuSequentiallyAndConcurrently) {
  const int gpus = gpu_count();
  if (gpus < 2) GTEST_SKIP() << "needs two GPUs; this machine has " << gpus;
  for (const std::string mode : {"", " --concurrent"}) {
    const std::string path = ::testing::TempDir() + "gpubench_all_gpus.json";
    auto r = run_gpubench("matmul --backends cublas --device all --sizes 256,512 --output " + path +
                      kFast + mode);
    ASSERT_EQ(r.code, 0) << mode << "\n" << r.out << r.err;
    for (int d = 0; d < gpus; ++d)
      for (const char* n : {"256", "512"})
        EXPECT_TRUE(std::regex_search(
            r.out, std::regex(std::string(R"(\n\s*)") + n + R"(\s+fp32\s+cublas\[)" +
                              std::to_string(d) + R"(\]\s.*\sok)")))
            << mode << " GPU " << d << " n=" << n << "\n" << r.out;
    // The summary compared the cards.
    EXPECT_TRUE(r.out.find("GPUs compared: " + std::to_string(gpus)) != std::string::npos ||
                r.out.find("slow GPU: ") != std::string::npos)
        << r.out;
    const json doc = read_json(path);
    std::map<int, std::string> bus;
    for (const json& rec : doc.at("records")) bus[rec.value("device_index", -1)] = rec.value("pci_bus_id", "");
    EXPECT_EQ(int(bus.size()), gpus) << mode;
    std::set<std::string> distinct;
    for (const auto& [d, b] : bus) {
      EXPECT_FALSE(b.empty()) << "GPU " << d;
      distinct.insert(b);
    }
    EXPECT_EQ(int(distinct.size()), gpus) << mode;
  }
}

TEST(FleetCli, MpiOneRankPerGpu) {
#ifndef GPUBENCH_MPIEXEC
  GTEST_SKIP() << "this gpubench was built without MPI";
#else
  const int gpus = gpu_count();
  if (gpus < 2) GTEST_SKIP() << "needs two GPUs; this machine has " << gpus;
  const std::string path = ::testing::TempDir() + "gpubench_mpi_gpus.json";
  auto r = shell(mpirun(2) + GPUBENCH_BINARY + " matmul --backends cublas --sizes 512 --output " +
                 path + kFast);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const json doc = read_json(path);
  std::map<int, int> device_of_rank;
  for (const json& rec : doc.at("records"))
    device_of_rank[rec.value("rank", -1)] = rec.value("device_index", -1);
  // The local rank picks the GPU: rank 0 -> GPU 0, rank 1 -> GPU 1.
  EXPECT_EQ(device_of_rank, (std::map<int, int>{{0, 0}, {1, 1}})) << r.out;
#endif
}
