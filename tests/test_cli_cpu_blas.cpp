// The CPU BLAS libraries through the real binary: each library's rows, the `cpu` group, the rows
// of a library that is not installed, and --blas-lib's checks (exit 2 before anything runs).
// CI installs OpenBLAS and BLIS; MKL is optional and its checks skip when it is absent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "command_runner.hpp"
#include "cpu_libraries.hpp"

namespace {

using Result = gpubench::test::CommandResult;

Result run(const std::string& args) { return gpubench::test::run_gpubench(args); }

const char* kFast = " --min-time 0.01 --warmup 1 --threads 2 --format csv ";

bool installed(const std::string& library_name) {
  static const std::string info = run("info").out;
  return info.find("BLAS:       " + library_name + " ") != std::string::npos &&
         info.find("BLAS:       " + library_name + " not loaded") == std::string::npos;
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST(CliCpuBlas, InfoHasABlockPerLibraryWithItsThreadsReadBack) {
  const Result r = run("info --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  // OpenBLAS, BLIS, MKL (and NVPL BLAS, ArmPL on aarch64): loaded or not.
  EXPECT_EQ(count(r.out, "BLAS:       "), int(gpubench::test::kCpuLibrariesOfThisBuild.size()))
      << r.out;
  EXPECT_NE(r.out.find("BLAS:       OpenBLAS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BLAS:       BLIS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BLAS:       MKL"), std::string::npos) << r.out;
  if (installed("BLIS")) EXPECT_NE(r.out.find("config="), std::string::npos) << r.out;
  EXPECT_EQ(count(r.out, "threads=1"), count(r.out, "build: ")) << r.out;
  EXPECT_NE(r.out.find("placement: "), std::string::npos) << r.out;
}

// The CSV row of one case, or empty.
std::string csv_row(const std::string& out, const std::string& backend, const std::string& dtype) {
  const std::string key = "48,48,48,nn,1," + dtype + "," + backend + ",";
  const auto at = out.find(key);
  if (at == std::string::npos) return "";
  return out.substr(at, out.find('\n', at) - at);
}

// Every library found runs fp32 and fp64, verified; bf16 and fp16 run verified or say why not.
TEST(CliCpuBlas, CpuGroupRunsEveryLibraryFoundVerified) {
#if defined(__SANITIZE_ADDRESS__)
  // The binary is built with ASan too: LeakSanitizer's exit-time tracer crashes on the libgomp
  // worker threads that OpenMP BLIS leaves (GCC 12), so the run would exit 1 for the sanitizer.
  GTEST_SKIP() << "BLIS's OpenMP threads crash LeakSanitizer's tracer; the release build runs this";
#endif
  const Result r =
      run(std::string("matmul --sizes 48 --dtype fp32,fp64,fp16,bf16 --backends cpu") + kFast);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  int libraries = 0;
  for (const auto& [backend, display] :
       {std::pair<std::string, std::string>{"openblas", "OpenBLAS"},
        {"blis", "BLIS"},
        {"mkl", "MKL"}}) {
    if (!installed(display)) {
      EXPECT_EQ(csv_row(r.out, backend, "fp32"), "") << "cpu selected a missing library\n" << r.out;
      continue;
    }
    ++libraries;
    for (const char* d : {"fp32", "fp64"}) {
      const std::string row = csv_row(r.out, backend, d);
      EXPECT_NE(row.find(",ok,"), std::string::npos) << row;
      EXPECT_NE(row.find(",true,"), std::string::npos) << "not verified: " << row;
    }
    for (const char* d : {"fp16", "bf16"}) {
      const std::string row = csv_row(r.out, backend, d);
      const bool ran =
          row.find(",ok,") != std::string::npos && row.find(",true,") != std::string::npos;
      const bool said_why = row.find(",unsupported,") != std::string::npos;
      EXPECT_TRUE(ran || said_why) << row;
    }
  }
  EXPECT_GE(libraries, 1) << "no CPU library ran";
  // CI installs OpenBLAS and BLIS (.ci/run sets this): BLIS silently not loading must fail there.
  // Elsewhere (the GPU machine has no BLIS) whatever is installed is what runs.
  if (std::getenv("GPUBENCH_CI_HAS_BLIS"))
    EXPECT_GE(libraries, 2) << "CI installs OpenBLAS and BLIS";
}

// A library asked for by name that is not installed is a row with the reason and the install
// hint; the rest of the run goes on.
TEST(CliCpuBlas, AMissingLibraryIsARowWithTheInstallHint) {
  if (installed("MKL")) GTEST_SKIP() << "MKL is installed here: no missing library to show";
  const Result r = run(std::string("matmul --sizes 48 --backends openblas,mkl") + kFast);
  ASSERT_EQ(r.code, 0) << r.out << r.err;  // the OpenBLAS row ran
  const std::string row = csv_row(r.out, "mkl", "fp32");
  EXPECT_NE(row.find("libmkl_rt.so.2 not found"), std::string::npos) << r.out;
#if defined(__aarch64__)
  EXPECT_NE(row.find("x86-64 only"), std::string::npos) << row;  // nothing to install on Arm
#else
  EXPECT_NE(row.find("--blas-lib mkl="), std::string::npos) << row;
#endif
  EXPECT_NE(csv_row(r.out, "openblas", "fp32").find(",ok,"), std::string::npos) << r.out;
}

// BLIS aborts the whole process from its first call when BLIS_ARCH_TYPE names a configuration it
// was not built with; gpubench makes that BLIS one row saying why and runs the other libraries.
TEST(CliCpuBlas, ALibraryThatWouldAbortTheProcessIsARowSayingWhy) {
  if (!installed("BLIS")) {
    ASSERT_EQ(std::getenv("GPUBENCH_CI_HAS_BLIS"), nullptr) << "CI installs BLIS";
    GTEST_SKIP() << "BLIS is not installed here";
  }
  const std::string env = "BLIS_ARCH_TYPE=9999 ";
  const Result info = gpubench::test::run_command(env + GPUBENCH_BINARY + " info");
  ASSERT_EQ(info.code, 0) << info.out << info.err;
  EXPECT_NE(info.out.find("BLAS:       BLIS not loaded"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("with BLIS_ARCH_TYPE=9999 set"), std::string::npos) << info.out;
  EXPECT_EQ(info.err.find("libblis:"), std::string::npos)
      << "BLIS's own lines leaked: " << info.err;

  // Installed, so in the `cpu` group ("every library found"), as a row saying why.
  const Result r = gpubench::test::run_command(env + GPUBENCH_BINARY +
                                               " matmul --sizes 48 --backends cpu" + kFast);
  EXPECT_EQ(r.code, installed("OpenBLAS") ? 0 : 3) << r.out << r.err;
  EXPECT_NE(csv_row(r.out, "blis", "fp32").find("BLIS_ARCH_TYPE=9999"), std::string::npos) << r.out;
  if (installed("OpenBLAS"))
    EXPECT_NE(csv_row(r.out, "openblas", "fp32").find(",ok,"), std::string::npos) << r.out;
}

// A BLIS_ARCH_TYPE this BLIS was built with picks that configuration, and gpubench reports it.
// (Ids are BLIS 0.9.0's arch_t: 3 is haswell, AVX2, which every machine that runs it has.)
TEST(CliCpuBlas, AValidBlisArchTypeIsHonouredAndReported) {
  if (run("info").out.find("BLAS:       BLIS 0.9.0 ") == std::string::npos)
    GTEST_SKIP() << "not BLIS 0.9.0: its architecture ids may differ";
#if !defined(__x86_64__)
  GTEST_SKIP() << "id 3 (haswell) is an x86-64 configuration, not built into this BLIS";
#endif
  const Result info =
      gpubench::test::run_command(std::string("BLIS_ARCH_TYPE=3 ") + GPUBENCH_BINARY + " info");
  ASSERT_EQ(info.code, 0) << info.out << info.err;
  EXPECT_NE(info.out.find("BLAS:       BLIS 0.9.0 config=haswell"), std::string::npos) << info.out;
}

TEST(CliCpuBlas, DefaultSweepRunsOneCpuLibrary) {
  const Result r = run(std::string("matmul --sizes 48 --dtype fp32") + kFast);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  int cpu_rows = 0;
  for (const char* b : {"openblas", "blis", "mkl"}) cpu_rows += !csv_row(r.out, b, "fp32").empty();
  EXPECT_EQ(cpu_rows, 1) << r.out;
}

TEST(CliCpuBlas, BlasLibWithABadPathIsAUsageErrorBeforeAnythingRuns) {
  for (const std::string& item : {std::string("blis=/nonexistent/libblis.so.4"),
                                  std::string("nope=/tmp"), std::string("blis")}) {
    const Result r = run(std::string("matmul --sizes 48 --blas-lib ") + item + kFast);
    EXPECT_EQ(r.code, 2) << item << "\n" << r.err;
    EXPECT_EQ(r.out, "") << item;  // nothing ran
    EXPECT_NE(r.err.find("--blas-lib"), std::string::npos) << r.err;
  }
  const Result info = run("info --blas-lib mkl=/nonexistent/libmkl_rt.so.2");
  EXPECT_EQ(info.code, 2) << info.out << info.err;
  EXPECT_NE(info.err.find("no such file"), std::string::npos) << info.err;
  const Result dir = run("info --blas-lib mkl=" + ::testing::TempDir());
  EXPECT_EQ(dir.code, 2) << dir.out << dir.err;
  EXPECT_NE(dir.err.find("not a file (a directory?)"), std::string::npos) << dir.err;
}

TEST(CliCpuBlas, BlasLibWithAFileThatIsNotABlasSaysSo) {
  const std::string text = ::testing::TempDir() + "gpubench_not_a_library.so";
  std::ofstream(text) << "not an ELF file\n";
  Result r = run("matmul --sizes 48 --blas-lib blis=" + text + kFast);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("cannot load"), std::string::npos) << r.err;
  std::remove(text.c_str());
  // A real shared library without CBLAS in it.
#if defined(__aarch64__)
  const std::string libm = "/lib/aarch64-linux-gnu/libm.so.6";  // Debian's multiarch folder
#else
  const std::string libm = "/lib/x86_64-linux-gnu/libm.so.6";
#endif
  r = run("matmul --sizes 48 --blas-lib blis=" + libm + kFast);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("is not a CBLAS library"), std::string::npos) << r.err;
}

// --blas-lib pointed at the library's real file: the run names that file.
TEST(CliCpuBlas, BlasLibLoadsTheGivenFile) {
  const std::string info = run("info").out;
  const auto from = info.find("from: ", info.find("BLAS:       BLIS"));
  if (!installed("BLIS") || from == std::string::npos) GTEST_SKIP() << "BLIS is not installed";
  const std::string path = info.substr(from + 6, info.find(';', from) - from - 6);
  const Result r = run("info --blas-lib blis=" + path);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("from: " + path + ";"), std::string::npos) << r.out;
}
