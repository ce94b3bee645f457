// fp8 and int8 GemmSpecs, --layout, --batch and the shapes file's layout and batch columns: their
// parsing, their storage, and the verification that holds every backend to them.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "gpubench/analysis/compare.hpp"
#include "gpubench/backends/gpu_peaks.hpp"
#include "gpubench/core/dtype.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/host_matrix.hpp"
#include "gpubench/core/problem.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/core/shapes_file.hpp"
#include "gpubench/core/verify.hpp"

using namespace gpubench;

TEST(Fp8Int8Names, ShortNamesAliasesAndOutputs) {
  EXPECT_EQ(parse_dtype("fp8"), DType::fp8e4m3);
  EXPECT_EQ(parse_dtype("FP8E4M3"), DType::fp8e4m3);
  EXPECT_EQ(parse_dtype("fp8e4m3e4m3"), DType::fp8e4m3);
  EXPECT_EQ(parse_dtype("fp8:bf16"), DType::fp8e4m3);
  EXPECT_EQ(parse_dtype("fp8:fp16"), DType::fp8e4m3_fp16);
  EXPECT_EQ(parse_dtype("fp8:fp32"), DType::fp8e4m3_fp32);
  EXPECT_EQ(parse_dtype("fp8e5m2"), DType::fp8e5m2);
  EXPECT_EQ(parse_dtype("fp8e5m2e4m3:fp32"), DType::fp8e5m2_fp32);
  EXPECT_EQ(parse_dtype("fp8e4m3e5m2:half"), DType::fp8e4m3e5m2_fp16);
  EXPECT_EQ(parse_dtype("int8"), DType::int8);
  EXPECT_EQ(parse_dtype("I8"), DType::int8);
  // cuBLASLt has no e5m2 x e5m2; fp8 has no int or fp8 output here; no bare colon.
  for (const char* bad : {"fp8e5m2e5m2", "fp8:int8", "fp8:", "fp8:fp8", "int8:fp32", "fp8e4m2",
                          "int4", "fp4"})
    EXPECT_FALSE(parse_dtype(bad).has_value()) << bad;
  // Every canonical name reads back as itself.
  for (DType d : kAllDTypes) EXPECT_EQ(parse_dtype(to_string(d)), d) << to_string(d);
  EXPECT_EQ(parse_dtype_list("fp8,fp8e4m3,int8"),
            (std::vector<DType>{DType::fp8e4m3, DType::int8}));
  try {
    parse_dtype_list("bf16,fp8e5m2e5m2");
    ADD_FAILURE();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'fp8e5m2e5m2'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fp8e4m3e5m2"), std::string::npos) << e.what();
  }
}

TEST(Fp8Int8Specs, StorageBytesAndPeakFamilies) {
  EXPECT_EQ(spec_of(DType::fp8e5m2).a, Storage::e5m2);
  EXPECT_EQ(spec_of(DType::fp8e5m2).b, Storage::e4m3);
  EXPECT_EQ(spec_of(DType::fp8e4m3e5m2).b, Storage::e5m2);
  EXPECT_EQ(element_bytes(DType::fp8e4m3), 1u);
  EXPECT_EQ(element_bytes_c(DType::fp8e4m3), 2u);
  EXPECT_EQ(element_bytes_c(DType::fp8e4m3_fp16), 2u);
  EXPECT_EQ(element_bytes_c(DType::fp8e4m3_fp32), 4u);
  EXPECT_EQ(element_bytes(DType::int8), 1u);
  EXPECT_EQ(element_bytes_c(DType::int8), 4u);
  EXPECT_EQ(spec_of(DType::int8).compute, Arithmetic::i32);
  for (DType d : kAllDTypes) {
    EXPECT_EQ(spec_of(d).cpu_equivalent == d || d == DType::tf32, true) << to_string(d);
    if (is_fp8(d)) EXPECT_EQ(peak_family(d), "fp8");
  }
  EXPECT_EQ(peak_family(DType::int8), "int8");
  EXPECT_EQ(peak_family(DType::bf16), "bf16");
  // A byte count with a wider C: 1-byte A and B, 4-byte C, twice.
  const Shape s{4, 8, 16, Layout::nt, 2};
  EXPECT_EQ(s.operand_bytes(1, 4), std::size_t(2 * (4 * 16 + 16 * 8 + 4 * 8 * 4)));
}

TEST(Fp8Int8Specs, RoundingToTheNarrowFormats) {
  // e4m3 keeps 3 mantissa bits, e5m2 2; ties go to even.
  EXPECT_EQ(round_to_storage(Storage::e4m3, 1.0625), 1.0);
  EXPECT_EQ(round_to_storage(Storage::e4m3, 1.1875), 1.25);
  EXPECT_EQ(round_to_storage(Storage::e4m3, 0.3), 0.3125);
  EXPECT_EQ(round_to_storage(Storage::e5m2, 1.125), 1.0);
  EXPECT_EQ(round_to_storage(Storage::e5m2, 1.4), 1.5);
  // int8 inputs are integers 16..127 in magnitude: never zero, never trivially small.
  EXPECT_EQ(random_value_for_storage(Storage::s8, 0.125), 16.0);
  EXPECT_EQ(random_value_for_storage(Storage::s8, 1.0), 127.0);
  HostMatrix a(DType::int8, 17, 19);
  a.fill_random(5);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.at(i), std::nearbyint(a.at(i)));
    EXPECT_GE(std::fabs(a.at(i)), 16.0);
    EXPECT_LE(std::fabs(a.at(i)), 127.0);
  }
  // The fp8 mixes round each operand to its own format.
  HostMatrix b = operand_b(DType::fp8e4m3e5m2, Shape{8, 8, 8});
  b.fill_random(6);
  for (std::size_t i = 0; i < b.size(); ++i)
    EXPECT_EQ(b.at(i), round_to_storage(Storage::e5m2, b.at(i)));
}

TEST(Fp8Int8Specs, PeaksPerArchitectureKnownOrUnknown) {
  // H100/H200 dense fp8 and int8: 8192 per SM per clock (1979 TFLOPS at 132 SMs, 1.83 GHz).
  EXPECT_EQ(gpu_flops_per_clock_per_sm(9, 0, DType::fp8e4m3), 8192);
  EXPECT_EQ(gpu_flops_per_clock_per_sm(9, 0, DType::fp8e5m2_fp32), 8192);
  EXPECT_EQ(gpu_flops_per_clock_per_sm(9, 0, DType::int8), 8192);
  EXPECT_NEAR(*gpu_peak_gflops(9, 0, 132, 1830, DType::fp8e4m3), 1979e3, 1e3);
  EXPECT_EQ(gpu_flops_per_clock_per_sm(8, 0, DType::int8), 4096);     // A100 624 TOPS
  EXPECT_FALSE(gpu_flops_per_clock_per_sm(8, 0, DType::fp8e4m3));     // no fp8 on Ampere
  EXPECT_FALSE(gpu_flops_per_clock_per_sm(8, 9, DType::fp8e4m3));     // Ada: by product
  EXPECT_FALSE(gpu_flops_per_clock_per_sm(7, 0, DType::int8));        // Volta: no IMMA
  EXPECT_EQ(gpu_flops_per_clock_per_sm(10, 0, DType::fp8e4m3), 16384);
}

// Issue 25 item 15: cuBLASLt's fp8 (8.9 to 9.x) and int8 (7.5 to 9.x) kernels take nt alone; the
// other dtypes, and every dtype on Blackwell (10.0, 12.0), any layout.
TEST(GpuLayouts, Fp8AndInt8BeforeBlackwellTakeNtOnly) {
  for (DType d : kAllDTypes) {
    const bool narrow = is_fp8(d) || is_int8(d);
    EXPECT_EQ(only_gpu_layout(d, 9, 0), narrow ? std::optional(Layout::nt) : std::nullopt)
        << to_string(d);
    EXPECT_EQ(only_gpu_layout(d, 8, 9), narrow ? std::optional(Layout::nt) : std::nullopt)
        << to_string(d);
    EXPECT_FALSE(only_gpu_layout(d, 10, 0)) << to_string(d);
    EXPECT_FALSE(only_gpu_layout(d, 12, 0)) << to_string(d);
  }
  EXPECT_EQ(only_gpu_layout(DType::int8, 7, 5), Layout::nt);
  EXPECT_EQ(only_gpu_layout(DType::int8, 8, 0), Layout::nt);
  EXPECT_FALSE(only_gpu_layout(DType::int8, 7, 0));     // no IMMA: refused for that, not the layout
  EXPECT_FALSE(only_gpu_layout(DType::fp8e4m3, 8, 0));  // no fp8 on Ampere
  GpuInfo h100;
  h100.name = "NVIDIA H100 80GB HBM3";
  h100.cc_major = 9;
  const std::string note = only_gpu_layout_note(DType::fp8e4m3, h100);
  EXPECT_NE(note.find("fp8e4m3 runs in layout nt"), std::string::npos) << note;
  EXPECT_NE(note.find("--layout nn is refused"), std::string::npos) << note;
  EXPECT_EQ(only_gpu_layout_note(DType::fp32, h100), "");
}

TEST(Layouts, ParsingAndTheStoredDimensions) {
  EXPECT_EQ(parse_layout_list("nn, NT,tt,nn"),
            (std::vector<Layout>{Layout::nn, Layout::nt, Layout::tt}));
  EXPECT_THROW(parse_layout_list("nx"), UsageError);
  EXPECT_THROW(parse_layout_list(""), UsageError);
  EXPECT_THROW(parse_layout_list("nn,"), UsageError);
  const Shape nt{4, 5, 6, Layout::nt};
  EXPECT_EQ(nt.a_rows(), 4);  // A as the product reads it: M x K
  EXPECT_EQ(nt.a_cols(), 6);
  EXPECT_EQ(nt.b_rows(), 5);  // B stored transposed: N x K
  EXPECT_EQ(nt.b_cols(), 6);
  const Shape tn{4, 5, 6, Layout::tn};
  EXPECT_EQ(tn.a_rows(), 6);  // A stored K x M
  EXPECT_EQ(tn.b_rows(), 6);
  EXPECT_EQ(Shape({4096, 4096, 4096}).label(), "4096");
  EXPECT_EQ(Shape({4096, 4096, 4096, Layout::tn}).label(), "4096 tn");
  EXPECT_EQ(Shape({2048, 2048, 128, Layout::nt, 32}).label(), "2048x2048x128 nt batch 32");
  EXPECT_DOUBLE_EQ(Shape({2048, 2048, 128, Layout::nt, 32}).flops(), 32 * 2.0 * 2048 * 2048 * 128);
  EXPECT_EQ(parse_batch("32", "--batch"), 32);
  EXPECT_THROW(parse_batch("0", "--batch"), UsageError);
  EXPECT_THROW(parse_batch("-3", "--batch"), UsageError);
  EXPECT_THROW(parse_batch("2000000", "--batch"), UsageError);
}

TEST(Layouts, ShapesFileColumnsAndDefaults) {
  const auto cases = parse_shapes_csv(
      "m,n,k,dtype,layout,batch\n2048,2048,128,bf16,nt,32\n4096,4096,4096,,tn\n64,64,64\n"
      "8,8,8,fp8:fp32,NT,\n",
      "t.csv");
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases[0].shape, (Shape{2048, 2048, 128, Layout::nt, 32}));
  EXPECT_EQ(cases[0].dtype, DType::bf16);
  EXPECT_EQ(cases[1].layout, Layout::tn);
  EXPECT_FALSE(cases[1].dtype.has_value());
  EXPECT_FALSE(cases[1].batch.has_value());
  EXPECT_FALSE(cases[2].layout.has_value());
  EXPECT_EQ(cases[3].dtype, DType::fp8e4m3_fp32);
  EXPECT_EQ(cases[3].layout, Layout::nt);
  // Lines without a layout run in each of --layout's, without a batch with --batch's.
  const auto groups = group_shape_cases(cases, {DType::fp32}, {Layout::nn, Layout::tt}, 4);
  ASSERT_EQ(groups.size(), 3u);  // the --dtype lines, bf16, fp8:fp32
  EXPECT_EQ(groups[0].shapes,
            (std::vector<Shape>{{4096, 4096, 4096, Layout::tn, 4},
                                {64, 64, 64, Layout::nn, 4},
                                {64, 64, 64, Layout::tt, 4}}));
  EXPECT_EQ(groups[1].shapes, (std::vector<Shape>{{2048, 2048, 128, Layout::nt, 32}}));
  EXPECT_EQ(groups[2].shapes, (std::vector<Shape>{{8, 8, 8, Layout::nt, 4}}));
  // --sizes: layout-major, every shape batched.
  EXPECT_EQ(with_layouts_and_batch({{2, 2, 2}, {3, 3, 3}}, {Layout::nt, Layout::tn}, 2),
            (std::vector<Shape>{{2, 2, 2, Layout::nt, 2},
                                {3, 3, 3, Layout::nt, 2},
                                {2, 2, 2, Layout::tn, 2},
                                {3, 3, 3, Layout::tn, 2}}));
}

namespace {

// C_i = op(A_i) op(B_i) in double from the stored operands, rounded to the output format; `as`
// reads the operands as if stored in that layout (a backend that ignored the layout).
std::vector<double> product(const Problem& p, Layout as, double scale = 1.0) {
  const Shape& s = p.shape;
  const bool ta = transposed_a(as), tb = transposed_b(as);
  std::vector<double> c(std::size_t(s.batch * s.m * s.n));
  for (std::int64_t item = 0; item < s.batch; ++item)
    for (std::int64_t i = 0; i < s.m; ++i)
      for (std::int64_t j = 0; j < s.n; ++j) {
        double sum = 0;
        for (std::int64_t k = 0; k < s.k; ++k)
          sum += p.a->at(std::size_t(item * s.m * s.k + (ta ? k * s.m + i : i * s.k + k))) *
                 p.b->at(std::size_t(item * s.k * s.n + (tb ? j * s.k + k : k * s.n + j)));
        c[std::size_t((item * s.m + i) * s.n + j)] =
            round_to_storage(spec_of(p.dtype).c, sum * scale);
      }
  return c;
}

struct Case {
  Shape shape;
  DType dtype;
  HostMatrix a, b;
  Case(DType d, Shape s) : shape(s), dtype(d), a(operand_a(d, s)), b(operand_b(d, s)) {
    a.fill_random(1);
    b.fill_random(2);
  }
  Problem problem() const { return Problem{shape, dtype, &a, &b}; }
};

}  // namespace

TEST(LayoutVerify, EveryLayoutAndBatchPassesRightAndFailsWrong) {
  for (DType d : {DType::fp32, DType::bf16, DType::fp8e4m3, DType::fp8e5m2_fp32, DType::int8}) {
    for (Layout l : kAllLayouts) {
      // Square, so that a backend reading the wrong layout still produces a result of the
      // right size; K large enough that a wrong result stands out of fp8's tolerance.
      Case c(d, Shape{24, 24, 24, l, 3});
      const Problem p = c.problem();
      const auto right = verify_result(p, product(p, l), 7);
      EXPECT_TRUE(right.passed) << to_string(d) << " " << to_string(l) << " err "
                                << right.max_rel_error << " tol " << right.tolerance;
      EXPECT_EQ(right.checked, 3 * 24 * 24);
      for (Layout wrong : kAllLayouts) {
        if (wrong == l) continue;
        const auto v = verify_result(p, product(p, wrong), 7);
        EXPECT_FALSE(v.passed) << to_string(d) << " " << to_string(l) << " read as "
                               << to_string(wrong) << " err " << v.max_rel_error;
      }
      // The batch's products swapped: caught too.
      auto swapped = product(p, l);
      std::swap_ranges(swapped.begin(), swapped.begin() + 24 * 24, swapped.begin() + 24 * 24);
      EXPECT_FALSE(verify_result(p, swapped, 7).passed) << to_string(d) << " " << to_string(l);
    }
  }
}

TEST(LayoutVerify, ToleranceFollowsOutputAndK) {
  // int8: exact.
  EXPECT_EQ(tolerance_for(DType::int8, 8192), 0.0);
  // fp8: its output's rounding plus the tensor cores' narrow partial sums; wider outputs are
  // held tighter, and every fp8 tolerance is far below a wrong result's ~1/sqrt(K).
  EXPECT_LT(tolerance_for(DType::fp8e4m3_fp32, 8192), tolerance_for(DType::fp8e4m3_fp16, 8192));
  EXPECT_LT(tolerance_for(DType::fp8e4m3_fp16, 8192), tolerance_for(DType::fp8e4m3, 8192));
  EXPECT_LT(tolerance_for(DType::fp8e4m3, 1024), tolerance_for(DType::fp8e4m3, 65536));
  // (A wrong sum of K random-signed terms is off by about sqrt(K) terms' size: 1/sqrt(K) here.)
  EXPECT_LT(tolerance_for(DType::fp8e4m3, 8192), 1.0 / std::sqrt(8192.0));
  EXPECT_LT(tolerance_for(DType::fp8e4m3_fp32, 8192), 0.1 / std::sqrt(8192.0));
  EXPECT_DOUBLE_EQ(tolerance_for(DType::fp8e4m3, 4096) - tolerance_for(DType::bf16, 4096),
                   std::ldexp(1.0, -10));
}

TEST(LayoutVerify, DeliberatelyWrongResultsAreCaught) {
  // int8: one entry off by one fails the exact check.
  {
    Case c(DType::int8, Shape{16, 16, 64, Layout::nt});
    const Problem p = c.problem();
    auto out = product(p, Layout::nt);
    EXPECT_TRUE(verify_result(p, out, 1).passed);
    out[37] += 1;
    const auto v = verify_result(p, out, 1);
    EXPECT_FALSE(v.passed);
    EXPECT_GT(v.max_rel_error, 0.0);
  }
  // fp8: a per-tensor scale applied twice (x2) or forgotten fails; one entry 1% off too.
  {
    Case c(DType::fp8e4m3, Shape{16, 16, 256, Layout::nt});
    const Problem p = c.problem();
    EXPECT_TRUE(verify_result(p, product(p, Layout::nt), 1).passed);
    EXPECT_FALSE(verify_result(p, product(p, Layout::nt, 2.0), 1).passed);
    EXPECT_FALSE(verify_result(p, product(p, Layout::nt, 1.0 / 256), 1).passed);
  }
  {
    Case c(DType::fp8e4m3_fp32, Shape{16, 16, 4096, Layout::nt});
    const Problem p = c.problem();
    auto out = product(p, Layout::nt);
    EXPECT_TRUE(verify_result(p, out, 1).passed);
    out[3] += 0.02 * 4096 * 0.3;  // about 2% of the terms' size
    EXPECT_FALSE(verify_result(p, out, 1).passed);
  }
}

TEST(LayoutVerify, LargeBatchesAreSampledFirstAndLastIncluded) {
  // 300 products of 64^3: more work than the full check allows; the check still covers the
  // first and the last product, so corrupting the last one is caught.
  Case c(DType::fp32, Shape{64, 64, 64, Layout::tn, 300});
  const Problem p = c.problem();
  auto out = product(p, Layout::tn);
  const auto v = verify_result(p, out, 9);
  EXPECT_TRUE(v.passed);
  EXPECT_LT(v.checked, 300 * 64 * 64);
  out.back() += 1.0;
  EXPECT_FALSE(verify_result(p, out, 9).passed);
}

TEST(LayoutRecords, JsonKeepsLayoutAndBatchAndCompareKeepsThemApart) {
  Results r;
  Record a;
  a.shape = {2048, 2048, 128, Layout::nt, 32};
  a.dtype = DType::fp8e4m3_fp32;
  a.backend = "cublas";
  a.device_kind = DeviceKind::gpu;
  a.device_index = 0;
  a.status = Status::unsupported;
  a.reason = "a reason";
  Record b = a;
  b.shape.batch = 1;
  Record c = a;
  c.shape.layout = Layout::nn;
  r.records = {a, b, c};
  const auto doc = results_to_json(r);
  EXPECT_EQ(doc["records"][0]["shape"]["layout"], "nt");
  EXPECT_EQ(doc["records"][0]["shape"]["batch"], 32);
  EXPECT_EQ(doc["records"][0]["dtype"], "fp8e4m3:fp32");
  EXPECT_EQ(doc["records"][0]["label"], "2048x2048x128 nt batch 32");
  const Results back = results_from_json_text(doc.dump(), "t.json");
  ASSERT_EQ(back.records.size(), 3u);
  EXPECT_EQ(back.records[0].shape, a.shape);
  EXPECT_EQ(back.records[0].dtype, DType::fp8e4m3_fp32);
  EXPECT_EQ(back.records[2].shape.layout, Layout::nn);
  // Three different cases: none aligned with another.
  EXPECT_NE(case_key(a), case_key(b));
  EXPECT_NE(case_key(a), case_key(c));
  EXPECT_NE(case_key(b), case_key(c));
  EXPECT_EQ(case_key(a).label(), "2048x2048x128 nt batch 32 fp8e4m3:fp32 cublas");
  // Files from before these fields read as nn, one product.
  auto old = doc;
  old["records"][0]["shape"].erase("layout");
  old["records"][0]["shape"].erase("batch");
  EXPECT_EQ(results_from_json_text(old.dump(), "old.json").records[0].shape,
            (Shape{2048, 2048, 128}));
  auto bad = doc;
  bad["records"][0]["shape"]["layout"] = "xx";
  EXPECT_THROW(results_from_json_text(bad.dump(), "bad.json"), UsageError);
}
