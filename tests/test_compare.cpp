// compare: alignment of runs by case, ratios, geometric means, machine differences; the
// regression gate; --shapes parsing.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "golden.hpp"
#include "gpubench/analysis/compare.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/analysis/regression_gate.hpp"
#include "gpubench/core/shapes_file.hpp"
#include "gpubench/output/formats.hpp"
#include "gpubench/output/report_analysis.hpp"
#include "sample_results.hpp"

using namespace gpubench;
using gpubench::testing::sample_record;

namespace {

// A run of openblas fp32 cases with the given GFLOPS per size; `spread` is both the CV and the
// fastest sample's distance below the median.
Results run_with(const std::vector<std::pair<std::int64_t, double>>& gflops, double spread = 0.01,
                 int threads = 2) {
  Results r = gpubench::testing::sample_results();
  r.system.libraries.at(0).threads = threads;
  r.records.clear();
  for (auto [n, g] : gflops) {
    Record rec = sample_record(n, "openblas", DeviceKind::cpu, 1.0);
    rec.main.gflops = g;
    rec.main.seconds.mean = 1.0;
    rec.main.seconds.stddev = spread;
    rec.main.seconds.min = 1.0 - spread;
    r.records.push_back(rec);
  }
  return r;
}

}  // namespace

TEST(Compare, AlignsByCaseAndComputesRatios) {
  std::vector<NamedResults> runs{{"a.json", run_with({{256, 100}, {512, 200}, {1024, 400}})},
                                 {"b.json", run_with({{512, 300}, {256, 50}, {2048, 900}})}};
  const Comparison c = compare_runs(runs);
  ASSERT_EQ(c.rows.size(), 4u);  // 256, 512, 1024 from a; 2048 only in b
  EXPECT_EQ(c.rows[0].key.m, 256);
  EXPECT_EQ(c.rows[1].key.m, 512);
  EXPECT_EQ(c.rows[2].key.m, 1024);
  EXPECT_EQ(c.rows[3].key.m, 2048);
  EXPECT_DOUBLE_EQ(*c.rows[0].ratio(1), 0.5);  // order in the file does not matter
  EXPECT_DOUBLE_EQ(*c.rows[1].ratio(1), 1.5);
  EXPECT_FALSE(c.rows[2].ratio(1).has_value());  // absent from b
  EXPECT_FALSE(c.rows[2].in_all_runs());
  EXPECT_EQ(c.rows[2].records[1], nullptr);
  EXPECT_EQ(c.rows[3].records[0], nullptr);
}

// Runs of several CPU libraries (OpenBLAS, BLIS, MKL): each library's case is its own row, lined
// up with the same library's in the other run, and each library has its own geometric mean.
TEST(Compare, AlignsRowsByCpuLibrary) {
  auto with_libraries = [](double openblas, double blis) {
    Results r = run_with({{1024, openblas}});
    Record b = r.records.front();
    b.backend = "blis";
    b.main.gflops = blis;
    r.records.push_back(b);
    r.system.libraries.push_back(
        {.name = "BLIS", .role = kCpuBlasRole, .version = "0.9.0", .detected = "zen3",
         .threads = 2, .backend = "blis"});
    return r;
  };
  std::vector<NamedResults> runs{{"a.json", with_libraries(100, 150)},
                                 {"b.json", with_libraries(110, 300)}};
  const Comparison c = compare_runs(runs);
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows[0].key.backend, "openblas");
  EXPECT_EQ(c.rows[1].key.backend, "blis");
  EXPECT_DOUBLE_EQ(*c.rows[0].ratio(1), 1.1);
  EXPECT_DOUBLE_EQ(*c.rows[1].ratio(1), 2.0);
  ASSERT_EQ(c.geomeans.size(), 2u);
  EXPECT_EQ(c.geomeans[1].backend, "blis");
  // The libraries of both runs are named, in provider order.
  bool named = false;
  for (const auto& d : c.same)
    if (d.what == "BLAS") named = d.values.at(0) == "OpenBLAS 0.3.26, BLIS 0.9.0";
  EXPECT_TRUE(named);
}

TEST(Compare, GeometricMeanPerBackendAndDtypeOverCasesInEveryRun) {
  Results a = run_with({{256, 100}, {512, 100}, {1024, 100}});
  Results b = run_with({{256, 200}, {512, 50}, {1024, 400}});
  Record fp64 = sample_record(256, "openblas", DeviceKind::cpu, 1.0);
  fp64.dtype = DType::fp64;
  fp64.main.gflops = 10;
  a.records.push_back(fp64);
  fp64.main.gflops = 30;
  b.records.push_back(fp64);
  b.records[1].status = Status::failed;  // 512 failed in b: left out of the mean
  std::vector<NamedResults> runs{{"a", a}, {"b", b}};
  const Comparison c = compare_runs(runs);
  ASSERT_EQ(c.geomeans.size(), 2u);
  EXPECT_EQ(c.geomeans[0].backend, "openblas");
  EXPECT_EQ(c.geomeans[0].dtype, DType::fp32);
  EXPECT_EQ(c.geomeans[0].rows, 2);
  EXPECT_NEAR(c.geomeans[0].ratios[1], std::sqrt(2.0 * 4.0), 1e-12);
  EXPECT_DOUBLE_EQ(c.geomeans[0].ratios[0], 1.0);
  EXPECT_EQ(c.geomeans[1].dtype, DType::fp64);
  EXPECT_NEAR(c.geomeans[1].ratios[1], 3.0, 1e-12);
}

TEST(Compare, KeepsGpusAndRanksApartButNotHosts) {
  Results a = run_with({{256, 100}});
  Results b = run_with({{256, 100}});
  b.records[0].host = "cloud";  // another machine: still the same case
  Record gpu0 = sample_record(256, "cublas", DeviceKind::gpu, 1.0), gpu1 = gpu0;
  gpu1.device_index = 1;
  a.records.push_back(gpu0);
  a.records.push_back(gpu1);
  std::vector<NamedResults> runs{{"a", a}, {"b", b}};
  const Comparison c = compare_runs(runs);
  ASSERT_EQ(c.rows.size(), 3u);
  EXPECT_TRUE(c.rows[0].in_all_runs());
  EXPECT_EQ(c.rows[2].key.label(), "256 fp32 cublas[1]");
}

TEST(Compare, ListsMachineDifferences) {
  Results a = run_with({{256, 100}}, 0.01, 1), b = run_with({{256, 150}}, 0.01, 2);
  b.system.cpu.model = "Other CPU";
  std::vector<NamedResults> runs{{"a", a}, {"b", b}};
  const Comparison c = compare_runs(runs);
  std::vector<std::string> what;
  for (const auto& d : c.differences) what.push_back(d.what);
  EXPECT_EQ(what, (std::vector<std::string>{"CPU", "BLAS threads"}));
  EXPECT_EQ(c.differences[1].values, (std::vector<std::string>{"1", "2"}));
}

TEST(Compare, RendersEveryFormat) {
  Results a = run_with({{256, 100}, {512, 100}}), b = run_with({{256, 150}});
  b.system.libraries.at(0).threads = 4;
  std::vector<NamedResults> runs{{"a.json", a}, {"b.json", b}};
  const Comparison c = compare_runs(runs);
  std::ostringstream table, md, csv, json;
  render_comparison(Format::table, table, c);
  render_comparison(Format::markdown, md, c);
  render_comparison(Format::csv, csv, c);
  render_comparison(Format::json, json, c);
  EXPECT_NE(table.str().find("B = b.json"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("BLAS threads:  A 2  B 4"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("1.50x"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("512 fp32 openblas: only in A (absent from B)"), std::string::npos)
      << table.str();
  EXPECT_NE(md.str().find("| BLAS threads | 2 | 4 |"), std::string::npos) << md.str();
  EXPECT_NE(csv.str().find("256,256,256,nn,1,fp32,openblas,-1,0,ok,100,ok,150,1.5"),
            std::string::npos)
      << csv.str();
  const auto doc = nlohmann::json::parse(json.str());
  EXPECT_EQ(doc["rows"].size(), 2u);
  EXPECT_TRUE(doc["rows"][1]["runs"][1].is_null());
  EXPECT_DOUBLE_EQ(doc["geomeans"][0]["ratios"][1].get<double>(), 1.5);
}

// Two machines and a third run: a faster CPU, a GPU only one of them has, a case only in one file,
// a failed row. Golden outputs of every format of the comparison.
TEST(Compare, GoldenOutputs) {
  Results laptop = run_with({{256, 100}, {512, 120}, {1024, 130}}, 0.02, 4);
  laptop.system.hostname = "laptop";
  laptop.system.cpu.model = "Laptop CPU";
  laptop.system.gpus.clear();
  laptop.system.gpu_runtime.status = "no CUDA device: none found";
  Results cloud = run_with({{256, 300}, {512, 450}, {1024, 500}, {2048, 520}}, 0.01, 16);
  cloud.system.hostname = "cloud";
  cloud.system.cpu.physical_cores = 16;
  cloud.system.cpu.logical_cpus = 32;
  Record gpu = sample_record(1024, "cublas", DeviceKind::gpu, 0.0001);
  cloud.records.push_back(gpu);
  Results rerun = cloud;
  rerun.records[1].status = Status::failed;
  rerun.records[1].reason = "verification failed";
  rerun.records[2].main.gflops = 450;
  std::vector<NamedResults> runs{
      {"laptop.json", laptop}, {"cloud.json", cloud}, {"cloud2.json", rerun}};
  const Comparison c = compare_runs(runs);
  const std::pair<Format, const char*> forms[] = {{Format::table, "compare.txt"},
                                                  {Format::markdown, "compare.md"},
                                                  {Format::csv, "compare.csv"},
                                                  {Format::json, "compare.json"}};
  for (const auto& [format, file] : forms) {
    std::ostringstream os;
    render_comparison(format, os, c);
    gpubench::testing::expect_golden(file, os.str());
  }
}

TEST(Gate, ParsesThresholds) {
  EXPECT_DOUBLE_EQ(parse_max_regression("5%"), 0.05);
  EXPECT_DOUBLE_EQ(parse_max_regression("5"), 0.05);
  EXPECT_DOUBLE_EQ(parse_max_regression("0.5%"), 0.005);
  EXPECT_THROW(parse_max_regression("five"), UsageError);
  EXPECT_THROW(parse_max_regression("-5%"), UsageError);
  EXPECT_THROW(parse_max_regression("100%"), UsageError);
  EXPECT_THROW(parse_max_regression(""), UsageError);
  // Spaces on either side, as the other number options; "-0" is zero, without a sign to print.
  EXPECT_DOUBLE_EQ(parse_max_regression(" 5 "), 0.05);
  EXPECT_FALSE(std::signbit(parse_max_regression("-0")));
  // A long value is echoed cut short.
  try {
    parse_max_regression(std::string(300, '9'));
    FAIL() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_LT(std::string(e.what()).size(), 200u) << e.what();
  }
}

TEST(Gate, RegressedOnlyBeyondThresholdAndSpread) {
  const NamedResults base{"base",
                          run_with({{256, 100}, {512, 100}, {1024, 100}, {2048, 100}}, 0.01)};
  // 256: -20% with small spread -> regressed. 512: -3% -> under the threshold. 1024: +10%.
  // 2048: -20% but each run's fastest sample is 20% below its median (combined ±28%) -> noise.
  Results now = run_with({{256, 80}, {512, 97}, {1024, 110}, {2048, 80}}, 0.01);
  now.records[3].main.seconds.min = 0.8;
  Results base_noisy = base.results;
  base_noisy.records[3].main.seconds.min = 0.8;
  const GateResult g = regression_gate({"base", base_noisy}, {"now", now}, 0.05);
  EXPECT_FALSE(g.passed());
  ASSERT_EQ(g.regressed.size(), 1u);
  EXPECT_EQ(g.regressed[0].key.m, 256);
  EXPECT_NEAR(g.regressed[0].drop, 0.2, 1e-12);
  EXPECT_EQ(g.compared, 4);
  std::ostringstream os;
  write_gate(os, g);
  EXPECT_NE(os.str().find("REGRESSED 256 fp32 openblas: 100 -> 80.0 GFLOPS (-20.0%"),
            std::string::npos)
      << os.str();

  const GateResult lenient = regression_gate(base, {"now", now}, 0.25);
  EXPECT_TRUE(lenient.passed());
  std::ostringstream ok;
  write_gate(ok, lenient);
  EXPECT_NE(ok.str().find("nothing regressed"), std::string::npos) << ok.str();
}

TEST(Gate, SlowOutliersDoNotHideARegression) {
  // One preempted sample: stddev twice the mean (CV 200%), yet the other samples sit tight around
  // the median. A CV-based spread could never be exceeded; the median's own spread is 2%.
  const NamedResults base{"base", run_with({{256, 100}})};
  Results now = run_with({{256, 80}});
  now.records[0].main.seconds.stddev = 2.0;
  now.records[0].main.seconds.max = 30.0;
  EXPECT_NEAR(run_spread(now.records[0].main.seconds), 0.01, 1e-12);
  const GateResult g = regression_gate(base, {"now", now}, 0.05);
  ASSERT_EQ(g.regressed.size(), 1u);
  EXPECT_NEAR(g.regressed[0].spread, std::hypot(0.01, 0.01), 1e-12);
}

TEST(Gate, FailingNowIsARegressionMissingIsReported) {
  const NamedResults base{"base", run_with({{256, 100}, {512, 100}})};
  Results now = run_with({{256, 100}});
  now.records[0].status = Status::failed;
  const GateResult g = regression_gate(base, {"now", now}, 0.05);
  ASSERT_EQ(g.regressed.size(), 1u);
  EXPECT_TRUE(g.regressed[0].now_failed);
  ASSERT_EQ(g.not_compared.size(), 1u);
  EXPECT_NE(g.not_compared[0].find("512 fp32 openblas: not in the new run"), std::string::npos);
}

TEST(ShapesFile, ParsesHeaderCommentsAndDtypes) {
  const auto cases = parse_shapes_csv(
      "# a transformer layer\nM,N,K,dtype\n\n4096, 4096, 4096\n8192,1024,4096,bf16 # ffn\r\n"
      "32,64,16,FP32\n",
      "layer.csv");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0].shape, (Shape{4096, 4096, 4096}));
  EXPECT_FALSE(cases[0].dtype.has_value());
  EXPECT_EQ(cases[1].shape, (Shape{8192, 1024, 4096}));
  EXPECT_EQ(cases[1].dtype, DType::bf16);
  EXPECT_EQ(cases[2].dtype, DType::fp32);
  const auto groups = group_shape_cases(cases, {DType::fp32, DType::fp64});
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].shapes, (std::vector<Shape>{{4096, 4096, 4096}}));
  EXPECT_EQ(groups[0].dtypes, (std::vector<DType>{DType::fp32, DType::fp64}));
  EXPECT_EQ(groups[1].dtypes, (std::vector<DType>{DType::bf16}));
}

TEST(ShapesFile, BadLinesNameFileLineAndReason) {
  const std::pair<const char*, const char*> bad[] = {
      {"64,64,64\n64,-1,64\n", "w.csv:2: N '-1' is negative"},
      {"64,64\n", "w.csv:1: expected 3 to 7 fields"},
      {"64,64,0\n", "w.csv:1: K must be positive, got 0"},
      {"64,abc,64\n", "w.csv:1: N 'abc' is not a positive integer"},
      {"64,64,64,int4\n", "w.csv:1: unknown dtype 'int4'"},
      {"64,64,64,fp8e5m2e5m2\n", "w.csv:1: unknown dtype 'fp8e5m2e5m2'"},
      {"64,64,64,bf16,nx\n", "w.csv:1: unknown layout 'nx'"},
      {"64,64,64,bf16,nt,0\n", "w.csv:1: batch must be positive, got 0"},
      {"64,64,64,bf16,nt,2000000\n", "w.csv:1: batch 2000000 is larger than 1048576"},
      {"64,64,64,bf16,nt,2,7,1\n", "w.csv:1: expected 3 to 7 fields"},
      {"64,64,64,bf16,nt,2,0\n", "w.csv:1: count '0' is not a whole number"},
      {"99999999999,64,64\n", "exceeds the largest BLAS dimension"},
      {"# nothing\n\n", "w.csv: no shapes"},
  };
  for (const auto& [text, message] : bad) {
    try {
      parse_shapes_csv(text, "w.csv");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(read_shapes_file("/nonexistent/shapes.csv"), UsageError);
}

// Issue 15 item 18: a 10 MB line gave a 20 MB message, and a NUL byte cut the message short.
TEST(ShapesFile, ErrorMessagesEchoAShortPrintableLine) {
  auto message_of = [](const std::string& text) {
    try {
      parse_shapes_csv(text, "w.csv");
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string huge = message_of("64,64,64\n" + std::string(10'000'000, '9') + "\n");
  EXPECT_LT(huge.size(), 3000u);
  EXPECT_NE(huge.find("w.csv:2:"), std::string::npos) << huge.substr(0, 300);
  const std::string nul = message_of(std::string("64,64,6\0" "4x\n", 11));
  EXPECT_NE(nul.find("\\x00"), std::string::npos) << nul;
  EXPECT_NE(nul.find("4x'"), std::string::npos) << "cut short at the NUL: " << nul;
  const std::string dtype = message_of("64,64,64,fp\x1b[2J\n");
  EXPECT_EQ(dtype.find('\x1b'), std::string::npos) << dtype;
}

// Issue 25 item 11: two records of one case in a file would let the order of the file decide the
// gate; compare and the gate refuse the file, naming both records.
TEST(Compare, TwoRecordsOfOneCaseInAFileAreRefused) {
  const Results once = run_with({{64, 10.0}, {128, 20.0}});
  Results twice = once;
  twice.records.push_back(twice.records[0]);
  twice.records.back().main.gflops = 1.0;
  for (const auto& runs : {std::vector<NamedResults>{{"a.json", once}, {"b.json", twice}},
                           std::vector<NamedResults>{{"b.json", twice}, {"a.json", once}}}) {
    try {
      (void)compare_runs(runs);
      ADD_FAILURE() << "a file with a case twice was compared";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("b.json holds two records of 64 fp32 openblas "
                                           "(records[0] and records[2])"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(regression_gate({"base.json", once}, {"now", twice}, 0.05), UsageError);
  EXPECT_THROW(regression_gate({"base.json", twice}, {"now", once}, 0.05), UsageError);
}

// A shapes file that lists a case twice (or a line with the dtype the others get by default)
// measures it once, so the run's own file never holds two.
TEST(ShapesFile, ACaseListedTwiceRunsOnce) {
  const auto cases = parse_shapes_csv("64,64,64\n64,64,64\n64,64,64,fp32\n64,64,64,bf16\n"
                                      "32,32,32,bf16\n32,32,32,bf16,nn\n",
                                      "s.csv");
  const auto groups = group_shape_cases(cases, {DType::fp32}, {Layout::nn}, 1);
  std::size_t fp32 = 0, bf16 = 0;
  for (const ShapeGroup& g : groups)
    for (DType d : g.dtypes) (d == DType::fp32 ? fp32 : bf16) += g.shapes.size();
  EXPECT_EQ(fp32, 1u);
  EXPECT_EQ(bf16, 2u);
}
