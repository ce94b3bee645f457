// `gpubench capture -- CMD`: the real binary capturing real programs (a C program calling CBLAS and
// Fortran BLAS, one that forks, Debian's numpy, one without BLAS); the shapes and counts must be
// exactly the ones the programs call, and the programs' output and exit status untouched.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <fstream>

#include <nlohmann/json.hpp>

#include "command_runner.hpp"

namespace gpubench::test {
namespace {

namespace fs = std::filesystem;

std::string scratch(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("gpubench_capture_" + std::to_string(getpid()));
  fs::create_directories(dir);
  return (dir / name).string();
}

// The data lines of a shapes file without their comments, sorted.
std::vector<std::string> shape_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty() && line.rfind("m,", 0) != 0) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

CommandResult capture(const std::string& out, const std::string& command) {
  return run_gpubench("capture -o " + out + " -- " + command);
}

const std::vector<std::string> kBlasProgramShapes = {
    "3,4,5,fp32,nn,1,1",  // cblas_sgemm row-major
    "7,6,8,fp64,nt,1,1",  // cblas_dgemm column-major 6x7x8, A transposed
    "3,2,4,fp32,tn,1,2",  // sgemm_ 2x3x4, B transposed, twice
    "5,5,5,fp64,tt,1,1",  // dgemm_ both transposed
};

TEST(CliCapture, CBlasAndFortranCallsAreMappedToRowMajorShapesWithCounts) {
  const std::string out = scratch("blas.csv");
  const CommandResult r = capture(out, GPUBENCH_BLAS_PROGRAM);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string file = read_file(out);
  EXPECT_EQ(shape_lines(file), sorted(kBlasProgramShapes)) << file;
  EXPECT_NE(file.find("# gpubench capture of: " GPUBENCH_BLAS_PROGRAM), std::string::npos) << file;
  EXPECT_NE(r.err.find("captured 5 GEMM calls, 4 distinct, from 1 process"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("of it"), std::string::npos) << "the top shapes' share of time: " << r.err;
}

TEST(CliCapture, TheWrittenFilesNameIsShownEscaped) {
  // A name with an escape sequence in it is written as given, and named with \x1b, not ESC.
  const std::string out = scratch("esc\x1b[31mred.csv");
  const CommandResult r = capture("'" + out + "'", GPUBENCH_BLAS_PROGRAM);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out));
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("esc\\x1b[31mred.csv; replay"), std::string::npos) << r.err;
}

TEST(CliCapture, ProgramOutputAndExitStatusAreUntouched) {
  const std::string out = scratch("untouched.csv");
  const CommandResult plain = run_command(std::string(GPUBENCH_BLAS_PROGRAM) + " fork 5");
  const CommandResult captured = capture(out, std::string(GPUBENCH_BLAS_PROGRAM) + " fork 5");
  ASSERT_EQ(plain.code, 5);
  EXPECT_EQ(captured.code, 5) << "gpubench capture exits with the program's status";
  EXPECT_EQ(captured.out, plain.out) << "results must be forwarded bit-identically";
  EXPECT_NE(captured.err.find("exited with status 5"), std::string::npos) << captured.err;
  EXPECT_FALSE(shape_lines(read_file(out)).empty()) << "what was captured is still written";
}

TEST(CliCapture, ForkedChildrenAreCapturedAndMerged) {
  const std::string out = scratch("fork.csv");
  const CommandResult r = capture(out, std::string(GPUBENCH_BLAS_PROGRAM) + " fork");
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> expected = kBlasProgramShapes;
  expected.push_back("9,9,9,fp32,nn,1,3");  // the child's, which leaves through _exit
  EXPECT_EQ(shape_lines(read_file(out)), sorted(expected));
  EXPECT_NE(r.err.find("from 2 processes"), std::string::npos) << r.err;
}

TEST(CliCapture, ReplayReadsTheCapturedFile) {
  const std::string out = scratch("replay.csv");
  ASSERT_EQ(capture(out, GPUBENCH_BLAS_PROGRAM).code, 0);
  const CommandResult r = run_gpubench("matmul --shapes " + out +
                                       " --backends openblas --min-time 0.001 --format table");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("workload fp32: 2 shapes, 3 GEMM calls"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("workload fp64: 2 shapes, 2 GEMM calls"), std::string::npos) << r.out;
}

// A replay weighs each case by its count, and every format carries the weights; the totals are
// in the table's and markdown's workload lines and in both JSON documents.
class ReplayFormats : public ::testing::Test {
 protected:
  static std::string shapes() {
    const std::string path = scratch("weights.csv");
    std::ofstream(path) << "m,n,k,dtype,layout,batch,count\n16,16,16,fp32,nn,1,5\n"
                           "32,24,8,fp32,nt,1,2\n";
    return path;
  }
  static CommandResult replay(const std::string& format) {
    return run_gpubench("matmul --shapes " + shapes() +
                        " --backends openblas --min-time 0.001 --format " + format);
  }
};

TEST_F(ReplayFormats, JsonHasTheWeightsAndThePassTime) {
  const CommandResult r = replay("json");
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  double pass = 0;
  std::vector<std::int64_t> calls;
  for (const auto& rec : doc["records"]) {
    calls.push_back(rec["workload_calls"].get<std::int64_t>());
    pass += double(calls.back()) * rec["seconds"]["median"].get<double>();
  }
  EXPECT_EQ(calls, (std::vector<std::int64_t>{5, 2}));
  ASSERT_EQ(doc["workload"].size(), 1u);
  const auto& w = doc["workload"][0];
  EXPECT_EQ(w["dtype"], "fp32");
  EXPECT_EQ(w["calls_per_pass"], 7);
  EXPECT_DOUBLE_EQ(w["flop_per_pass"].get<double>(), 5 * 2.0 * 16 * 16 * 16 + 2 * 2.0 * 32 * 24 * 8);
  EXPECT_NEAR(w["cpu"]["seconds_per_pass"].get<double>(), pass, pass * 1e-9);
  EXPECT_TRUE(w["gpu"].is_null());
}

// One CSV line's fields (quoted fields may hold commas and doubled quotes).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

TEST_F(ReplayFormats, CsvHasAWeightColumn) {
  const CommandResult r = replay("csv");
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(r.out);
  std::string header, first, second;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  const std::vector<std::string> columns = csv_fields(header);
  const auto at = std::find(columns.begin(), columns.end(), "workload_calls");
  ASSERT_NE(at, columns.end()) << header;
  const std::size_t i = std::size_t(at - columns.begin());
  EXPECT_EQ(csv_fields(first).at(i), "5") << first;
  EXPECT_EQ(csv_fields(second).at(i), "2") << second;
}

TEST_F(ReplayFormats, TableAndMarkdownHaveTheWorkloadLines) {
  for (const std::string format : {"table", "markdown"}) {
    const CommandResult r = replay(format);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("workload fp32: 2 shapes, 7 GEMM calls"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("per pass: CPU OpenBLAS"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("dominant shapes: "), std::string::npos) << r.out;
  }
}

TEST_F(ReplayFormats, GoogleBenchmarkJsonHasWeightsAndTotals) {
  const CommandResult r = replay("gbench-json");
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["benchmarks"].size(), 2u);
  EXPECT_EQ(doc["benchmarks"][0]["workload_calls"], 5);
  EXPECT_EQ(doc["benchmarks"][1]["workload_calls"], 2);
  EXPECT_EQ(doc["context"]["workload"][0]["calls_per_pass"], 7);
}

TEST(CliCapture, NoBlasIsAClearErrorAndWritesNothing) {
  const std::string out = scratch("none.csv");
  const CommandResult r = capture(out, "sh -c 'echo no matrices here'");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_EQ(r.out, "no matrices here\n");
  EXPECT_NE(r.err.find("no GEMM calls were seen"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("linked statically"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliCapture, AProgramThatCannotRunIsAUsageError) {
  const CommandResult r = capture(scratch("missing.csv"), "/nonexistent/program");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("gpubench: error: cannot run '/nonexistent/program'"), std::string::npos)
      << r.err;
  EXPECT_EQ(run_gpubench("capture").code, 2) << "the command is required";
}

// Debian's numpy (python3-numpy, installed by CI) calls cblas_sgemm/cblas_dgemm row-major from an
// extension that loads its BLAS RTLD_LOCAL. The script lists its own GEMMs.
TEST(CliCapture, NumpyScriptYieldsExactlyItsShapesAndCounts) {
  const std::string python = GPUBENCH_NUMPY_PYTHON;
  if (python.empty()) {
    if (std::getenv("GPUBENCH_CI_HAS_NUMPY")) FAIL() << "CI installs python3-numpy";
    GTEST_SKIP() << "no python3 with numpy (apt-get install python3-numpy)";
  }
  const std::string script = GPUBENCH_TEST_DIR "/capture/numpy_gemms.py";
  const std::string out = scratch("numpy.csv");
  const CommandResult plain = run_command(python + " " + script);
  const CommandResult r = capture(out, python + " " + script);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, plain.out) << "numpy's results must be identical under capture";
  const CommandResult expected = run_command(
      python + " -c \"import runpy; print(runpy.run_path('" + script + "')['EXPECTED'], end='')\"");
  EXPECT_EQ(shape_lines(read_file(out)), shape_lines(expected.out)) << read_file(out);
}

}  // namespace
}  // namespace gpubench::test
