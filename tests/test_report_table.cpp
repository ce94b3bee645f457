#include <gtest/gtest.h>

#include <sstream>

#include "gpubench/output/report.hpp"
#include "sample_results.hpp"

using namespace gpubench;

namespace {
Record rec(std::int64_t n, const char* backend, DeviceKind k, double seconds) {
  return gpubench::testing::sample_record(n, backend, k, seconds);
}

Results sample() {
  Results r;
  r.system.gpubench_version = "9.9.9";
  r.system.hostname = "box";
  r.system.cpu.model = "Test CPU";
  r.system.libraries.push_back(
      {.name = "OpenBLAS", .role = kCpuBlasRole, .version = "0.3.26", .detected = "Haswell",
       .detected_as = "core"});
  r.system.gpu_runtime.status = "no CUDA device: test";
  r.records.push_back(rec(1024, "openblas", DeviceKind::cpu, 0.01));       // 214.7 GFLOPS
  r.records.push_back(rec(1024, "cublas", DeviceKind::gpu, 0.0001));       // 100x
  r.records.push_back(rec(1024, "kernel:naive", DeviceKind::gpu, 0.001));  // 10% of cuBLAS
  Record skipped = rec(2048, "openblas", DeviceKind::cpu, 1);
  skipped.status = Status::failed;
  skipped.reason = "verification failed: max rel. error 0.5 > tolerance 1e-05";
  r.records.push_back(skipped);
  return r;
}
}  // namespace

TEST(Speedup, ComputedAgainstCpuRowOfSameCase) {
  const Results r = sample();
  const Analysis a = analyse(r);
  EXPECT_FALSE(a.records[0].speedup_vs_cpu.has_value());  // CPU rows have none
  ASSERT_TRUE(a.records[1].speedup_vs_cpu.has_value());
  EXPECT_NEAR(*a.records[1].speedup_vs_cpu, 100.0, 1e-9);
  EXPECT_NEAR(*a.records[2].pct_of_reference, 10.0, 1e-9);
  EXPECT_FALSE(a.records[1].pct_of_reference.has_value());
}

TEST(Speedup, NoneWithoutCpuRow) {
  Results r = sample();
  r.records.erase(r.records.begin());
  EXPECT_FALSE(analyse(r).records[0].speedup_vs_cpu.has_value());
}

TEST(TableReporter, RowsColumnsAndSummary) {
  std::ostringstream os;
  write_table(os, sample(), analyse(sample()));
  const std::string t = os.str();
  EXPECT_NE(t.find("gpubench 9.9.9 on box"), std::string::npos) << t;
  EXPECT_NE(t.find("0.3.26 core=Haswell"), std::string::npos) << t;
  EXPECT_NE(t.find("no CUDA device: test"), std::string::npos) << t;
  EXPECT_NE(t.find("vs CPU"), std::string::npos);
  EXPECT_NE(t.find("% cuBLAS"), std::string::npos);
  EXPECT_NE(t.find("100.0x"), std::string::npos) << t;
  EXPECT_NE(t.find("10%"), std::string::npos) << t;
  EXPECT_NE(t.find("215"), std::string::npos) << t;  // openblas GFLOPS
  EXPECT_NE(t.find("10.0 ms"), std::string::npos) << t;
  EXPECT_NE(t.find("FAILED: verification failed"), std::string::npos) << t;
  EXPECT_NE(t.find("4 cases: 3 ok, 1 failed, 0 skipped or unsupported"), std::string::npos) << t;
}

TEST(TableReporter, WhollySkippedBackendCollapsesToOneLine) {
  Results r = sample();
  r.records.resize(1);
  for (int n : {128, 256}) {
    Record s = rec(n, "cublas", DeviceKind::gpu, 1);
    s.status = Status::skipped;
    s.reason = "no CUDA device: none here";
    s.main.seconds = {};
    r.records.push_back(s);
  }
  std::ostringstream os;
  write_table(os, r, analyse(r));
  const std::string t = os.str();
  EXPECT_NE(t.find("cublas: skipped, no CUDA device: none here"), std::string::npos) << t;
  EXPECT_EQ(t.find("cublas  "), std::string::npos) << t;  // no per-case rows
  EXPECT_EQ(t.find("vs CPU"), std::string::npos) << t;    // no GPU rows, no speedup column
}

// One sample has no spread to measure: "unknown", not a perfectly steady ±0.0%.
TEST(TableReporter, OneSampleShowsItsSpreadAsUnknown) {
  Results r = sample();
  r.records.resize(1);
  r.records.push_back(rec(4096, "openblas", DeviceKind::cpu, 2.0));
  r.records.back().main.seconds.samples = 1;
  r.records.back().main.seconds.stddev = 0;
  for (auto* write : {&write_table, &write_markdown}) {
    std::ostringstream os;
    write(os, r, analyse(r));
    const std::string t = os.str();
    EXPECT_NE(t.find("±2.0%"), std::string::npos) << t;  // five samples: 2% of the mean
    EXPECT_NE(t.find("unknown"), std::string::npos) << t;
    EXPECT_EQ(t.find("±0.0%"), std::string::npos) << t;
  }
}

// Issue 15 item 18: "1 cases" read wrong.
TEST(TableReporter, OneCaseIsSingular) {
  Results r = sample();
  r.records.resize(1);
  std::ostringstream os;
  write_table(os, r, analyse(r));
  EXPECT_NE(os.str().find("1 case: "), std::string::npos) << os.str();
  EXPECT_EQ(os.str().find("1 cases"), std::string::npos) << os.str();
}
