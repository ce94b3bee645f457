// The capture library's raw calls mapped to gpubench's row-major shapes and dtypes, merged, and
// written as a --shapes file that reads back with its counts.
#include <gtest/gtest.h>

#include "gpubench/analysis/workload.hpp"
#include "gpubench/core/captured_gemms.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/core/shapes_file.hpp"
#include "gpubench/output/report_algorithms.hpp"
#include "gpubench/output/report_workload.hpp"

namespace gpubench {
namespace {

CapturedCall call(const char* api, char order, char ta, char tb, std::int64_t m, std::int64_t n,
                  std::int64_t k, int type, int compute = -1) {
  CapturedCall c;
  c.api = api;
  c.order = order;
  c.trans_a = ta;
  c.trans_b = tb;
  c.m = m, c.n = n, c.k = k;
  c.a_type = c.b_type = c.c_type = type;
  c.compute = compute;
  c.calls = 1;
  return c;
}

TEST(Capture, RowMajorCallsKeepTheirShapeAndLetters) {
  const Shape s = row_major_shape(call("cblas", 'r', 'n', 't', 10, 30, 20, 1));
  EXPECT_EQ(s, (Shape{10, 30, 20, Layout::nt, 1}));
}

TEST(Capture, ColumnMajorCallsSwapMAndNAndTheOperandsLetters) {
  // cuBLAS C (m x n, column-major) = op(A) op(B) is row-major C^T = op(B)^T op(A)^T: a Linear
  // layer's cublasGemmEx(T, N, out, tokens, in) is gpubench's tokens x out x in, nt.
  EXPECT_EQ(row_major_shape(call("cublas", 'c', 't', 'n', 4096, 512, 1024, 14)),
            (Shape{512, 4096, 1024, Layout::nt, 1}));
  EXPECT_EQ(row_major_shape(call("fortran", 'c', 'n', 't', 2, 3, 4, 0)),
            (Shape{3, 2, 4, Layout::tn, 1}));
}

TEST(Capture, TypesMapToGpubenchDTypes) {
  EXPECT_EQ(captured_dtype(call("cblas", 'r', 'n', 'n', 1, 1, 1, 0)), DType::fp32);
  EXPECT_EQ(captured_dtype(call("cblas", 'r', 'n', 'n', 1, 1, 1, 1)), DType::fp64);
  EXPECT_EQ(captured_dtype(call("cublas", 'c', 'n', 'n', 1, 1, 1, 0, 77)), DType::tf32);
  EXPECT_EQ(captured_dtype(call("cublas", 'c', 'n', 'n', 1, 1, 1, 14, 68)), DType::bf16);
  EXPECT_EQ(captured_dtype(call("cublas", 'c', 'n', 'n', 1, 1, 1, 2, 68)), DType::fp16);
  EXPECT_EQ(captured_dtype(call("cublaslt", 'c', 'n', 'n', 1, 1, 1, 3, 72)), DType::int8);
  // fp8: column-major A is row-major B. e4m3 (col A) x e5m2 (col B) is row-major e5m2 x e4m3.
  CapturedCall fp8 = call("cublaslt", 'c', 't', 'n', 1, 1, 1, 28, 68);
  fp8.b_type = 29;
  fp8.c_type = 0;
  EXPECT_EQ(captured_dtype(fp8), DType::fp8e5m2_fp32);
  EXPECT_EQ(captured_dtype(call("cublas", 'c', 'n', 'n', 1, 1, 1, 10)), std::nullopt);
}

TEST(Capture, MergingSumsCallsAndTimeOfOneCaseAcrossProcessesAndInterfaces) {
  CaptureLog parent = parse_capture_log(
      "cblas r n n 64 16 32 1 0 0 0 -1 3 3000\n"
      "fortran c n n 16 64 32 1 0 0 0 -1 2 1000\n"  // the same row-major 64x16x32 nn
      "cublas c n n 8 8 8 1 10 10 10 72 5 0\n");   // int32 inputs: not replayable
  CaptureLog child = parse_capture_log("cblas r n n 9 9 9 4 0 0 0 -1 1 500000\ndropped 2\n");
  const CaptureSummary s = merge_captured({parent, child});
  EXPECT_EQ(s.processes, 2);
  EXPECT_EQ(s.calls, 11);
  EXPECT_EQ(s.unknown_type_calls, 5);
  EXPECT_EQ(s.dropped, 2);
  ASSERT_EQ(s.cases.size(), 2u);
  EXPECT_EQ(s.cases[0].shape, (Shape{9, 9, 9, Layout::nn, 4}));  // the most time first
  EXPECT_EQ(s.cases[1].calls, 5);
  EXPECT_DOUBLE_EQ(s.cases[1].seconds, 4e-6);
  EXPECT_EQ(s.cases[1].apis, "cblas,fortran");
  EXPECT_THROW(parse_capture_log("cblas r n n 64\n"), std::runtime_error);
}

TEST(Capture, TheShapesFileReadsBackWithItsCounts) {
  const CaptureSummary s = merge_captured({parse_capture_log(
      "cblas r n t 10 30 20 1 1 1 1 -1 2 52739\ncblas r n n 8 6 5 4 0 0 0 -1 4 736\n")});
  const std::string text = format_capture_shapes(s, "python3 train.py");
  EXPECT_EQ(text.rfind("# gpubench capture of: python3 train.py\n", 0), 0u) << text;
  const std::vector<ShapeCase> cases = parse_shapes_csv(text, "captured");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].shape, (Shape{10, 30, 20, Layout::nt, 1}));
  EXPECT_EQ(cases[0].dtype, DType::fp64);
  EXPECT_EQ(cases[0].count, 2);
  EXPECT_EQ(cases[1].shape, (Shape{8, 6, 5, Layout::nn, 4}));
  EXPECT_EQ(cases[1].count, 4);
  const std::string summary = format_capture_summary(s);
  EXPECT_NE(summary.find("captured 6 GEMM calls, 2 distinct, from 1 process;"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("the top 2 shapes 100.0% of it"), std::string::npos) << summary;
}

// A command whose arguments hold line ends (python3 -c 'a multi-line script') is named on one
// comment line: the file still reads back (the script's second line was read as a shape).
TEST(Capture, ACommandWithLineEndsStaysOneCommentLine) {
  const CaptureSummary s =
      merge_captured({parse_capture_log("cblas r n n 8 6 5 1 0 0 0 -1 3 736\n")});
  const std::string text = format_capture_shapes(s, "python3 -c '\nimport numpy\r\n\x1b[2J'");
  EXPECT_EQ(text.rfind("# gpubench capture of: python3 -c '\\x0aimport numpy\\x0d\\x0a\\x1b[2J'\n", 0),
            0u)
      << text;
  const std::vector<ShapeCase> cases = parse_shapes_csv(text, "captured");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].count, 3);
}

TEST(Capture, TheCountColumnIsChecked) {
  EXPECT_EQ(parse_shapes_csv("4,4,4,,,,7\n", "f")[0].count, 7);
  EXPECT_EQ(parse_shapes_csv("4,4,4\n", "f")[0].count, 1);
  EXPECT_THROW(parse_shapes_csv("4,4,4,,,,0\n", "f"), UsageError);
  EXPECT_THROW(parse_shapes_csv("4,4,4,,,,1.5\n", "f"), UsageError);
  EXPECT_THROW(parse_shapes_csv("4,4,4,,,,1,1\n", "f"), UsageError);
}

Record workload_row(const char* backend, DeviceKind kind, Shape shape, std::int64_t calls,
                    double seconds, std::optional<double> end_to_end = std::nullopt) {
  Record r;
  r.backend = backend;
  r.device_kind = kind;
  r.device_index = kind == DeviceKind::cpu ? -1 : 0;
  r.shape = shape;
  r.workload_calls = calls;
  r.main.seconds.median = seconds;
  r.main.seconds.samples = 3;
  r.main.gflops = shape.flops() / seconds / 1e9;
  if (end_to_end) {
    r.end_to_end_seconds = Stats{};
    r.end_to_end_seconds->median = *end_to_end;
  }
  return r;
}

TEST(Workload, APassIsEachCaseTimesItsCallsOnTheFastestCompleteRows) {
  const Shape big{4096, 4096, 4096}, small{64, 64, 64, Layout::nt};
  Results r;
  r.records = {workload_row("openblas", DeviceKind::cpu, big, 10, 2.0),
               workload_row("openblas", DeviceKind::cpu, small, 100, 0.001),
               workload_row("blis", DeviceKind::cpu, big, 10, 1.0),  // faster, but incomplete
               workload_row("cublas", DeviceKind::gpu, big, 10, 0.01, 0.05),
               workload_row("cublas", DeviceKind::gpu, small, 100, 0.0001, 0.0003)};
  const std::vector<WorkloadTotal> w = compute_workload(r);
  ASSERT_EQ(w.size(), 1u);
  const WorkloadTotal& t = w[0];
  EXPECT_EQ(t.cases, 2);
  EXPECT_EQ(t.calls, 110);
  EXPECT_DOUBLE_EQ(t.flop, 10 * big.flops() + 100 * small.flops());
  ASSERT_TRUE(t.cpu && t.gpu);
  EXPECT_EQ(t.cpu->backend, "openblas");
  EXPECT_EQ(t.incomplete_rows, 1);
  EXPECT_DOUBLE_EQ(t.cpu->seconds, 20.1);
  EXPECT_DOUBLE_EQ(t.gpu->seconds, 0.11);
  EXPECT_DOUBLE_EQ(*t.gpu->end_to_end_seconds, 0.53);
  EXPECT_DOUBLE_EQ(*t.speedup, 20.1 / 0.11);
  EXPECT_DOUBLE_EQ(*t.speedup_end_to_end, 20.1 / 0.53);
  ASSERT_EQ(t.dominant.size(), 2u);
  EXPECT_EQ(t.dominant[0].shape, big);
  EXPECT_NEAR(t.dominant[0].share, 0.1 / 0.11, 1e-12);
}

TEST(Workload, NoCountsNoWorkload) {
  Results r;
  r.records = {workload_row("openblas", DeviceKind::cpu, Shape{8, 8, 8}, 0, 1.0)};
  EXPECT_TRUE(compute_workload(r).empty());
}

TEST(Workload, ItsLineSaysOneShapeAndOneCallInTheSingular) {
  Results r;
  r.records = {workload_row("openblas", DeviceKind::cpu, Shape{8, 8, 8}, 1, 1.0)};
  const std::vector<std::string> lines = workload_lines(compute_workload(r));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("workload fp32: 1 shape, 1 GEMM call, ", 0), 0u) << lines[0];
}

TEST(FormatCount, TheNounIsPluralUnlessTheCountIsOne) {
  EXPECT_EQ(format_count(1, "case"), "1 case");
  EXPECT_EQ(format_count(0, "case"), "0 cases");
  EXPECT_EQ(format_count(12, "GEMM call"), "12 GEMM calls");
  EXPECT_EQ(format_count(1, "process", "processes"), "1 process");
  EXPECT_EQ(format_count(2, "process", "processes"), "2 processes");
}

TEST(Workload, RepeatedLinesOfAShapeRunOnceWithTheirCountsAdded) {
  const auto groups = group_shape_cases(parse_shapes_csv("8,8,8,,,,3\n8,8,8,,,,4\n9,9,9\n", "f"),
                                        {DType::fp32});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].shapes.size(), 2u);
  EXPECT_EQ(groups[0].calls_of(Shape{8, 8, 8}, DType::fp32), 7);
  EXPECT_EQ(groups[0].calls_of(Shape{9, 9, 9}, DType::fp32), 1);
  EXPECT_EQ(groups[0].calls_of(Shape{7, 7, 7}, DType::fp32), 0);
  EXPECT_EQ(groups[0].calls_of(Shape{8, 8, 8}, DType::fp64), 0);
}

// A case on a line of its own dtype and on one that takes --dtype runs once (issue 25), and its
// weight is both lines' calls: in that dtype only, the other default dtype keeps its own.
TEST(Workload, ACaseListedAgainWithItsDtypeRunsOnceWithTheCallsOfBothLines) {
  const auto groups = group_shape_cases(parse_shapes_csv("8,8,8,,,,3\n8,8,8,fp32,,,4\n", "f"),
                                        {DType::fp32, DType::fp64});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].shapes, (std::vector<Shape>{Shape{8, 8, 8}}));
  EXPECT_EQ(groups[0].calls_of(Shape{8, 8, 8}, DType::fp32), 7);
  EXPECT_EQ(groups[0].calls_of(Shape{8, 8, 8}, DType::fp64), 3);
}

TEST(DefaultAlgorithm, RoundTripsThroughTheResultsFileAndIsShownFromFivePercent) {
  Results r;
  Record rec = workload_row("cublas", DeviceKind::gpu, Shape{16, 4096, 4096}, 3, 1e-5);
  rec.dtype = DType::bf16;
  rec.main.gflops = 46600;
  rec.algorithm = "id 6 tile 20 stages 8 split-k 4";
  rec.default_algorithm = "id 21 tile 15 stages 8 split-k 1";
  rec.default_rate = Rate{};
  rec.default_rate->gflops = 22300;
  rec.default_rate->iterations = 300;
  rec.tuned_gain = 2.09;
  Record small_gain = rec;
  small_gain.shape = Shape{4096, 4096, 4096};
  small_gain.tuned_gain = 1.04;
  r.records = {rec, small_gain};
  const Results back = results_from_json_text(results_to_json_text(r), "test");
  ASSERT_EQ(back.records.size(), 2u);
  EXPECT_EQ(back.records[0].algorithm, rec.algorithm);
  EXPECT_EQ(back.records[0].default_algorithm, rec.default_algorithm);
  EXPECT_EQ(back.records[0].default_rate->gflops, 22300);
  EXPECT_EQ(back.records[0].tuned_gain, 2.09);
  EXPECT_EQ(back.records[0].workload_calls, 3);
  const std::vector<std::string> lines = tuned_gain_lines(back);
  ASSERT_EQ(lines.size(), 1u) << "a 4% gain is noise, not a line";
  EXPECT_NE(lines[0].find("cublas (GPU 0) bf16 16x4096x4096: the chosen algorithm runs 2.09x"),
            std::string::npos)
      << lines[0];
}

}  // namespace
}  // namespace gpubench
