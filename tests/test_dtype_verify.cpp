#include <gtest/gtest.h>

#include <cmath>

#include "gpubench/core/dtype.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/host_matrix.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/core/verify.hpp"

using namespace gpubench;

TEST(DType, ParseList) {
  auto v = parse_dtype_list("fp32,bf16,fp32");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], DType::fp32);
  EXPECT_EQ(v[1], DType::bf16);
  EXPECT_THROW(parse_dtype_list("fp32,int4"), UsageError);
  EXPECT_THROW(parse_dtype_list(""), UsageError);
}

TEST(DType, RoundToStorage) {
  const double x = 1.0 + std::ldexp(1.0, -9);  // needs 9 mantissa bits
  EXPECT_EQ(round_to_storage(DType::fp16, x), x);   // fp16 keeps 10
  EXPECT_EQ(round_to_storage(DType::bf16, x), 1.0);  // bf16 keeps 7: rounds to even
  EXPECT_EQ(round_to_storage(DType::bf16, 1.0 + 3 * std::ldexp(1.0, -8)), 1.0 + std::ldexp(1.0, -6));
  EXPECT_EQ(round_to_storage(DType::fp32, 0.1), double(0.1f));
  EXPECT_EQ(round_to_storage(DType::fp64, 0.1), 0.1);
}

// Every --dtype name is one GemmSpec row, and the numbers derive from its storage and arithmetic.
TEST(GemmSpec, EveryNameHasItsOwnRowAndTheNumbersFollowIt) {
  for (DType d : kAllDTypes) {
    EXPECT_EQ(spec_of(d).id, d) << to_string(d);
    EXPECT_FALSE(spec_of(d).description.empty()) << to_string(d);
    EXPECT_EQ(element_bytes(d), storage_bytes(spec_of(d).a)) << to_string(d);
  }
  // tf32 is fp32 data with a faster multiply: fp32's bytes and storage rounding, fp32's CPU rows,
  // and a looser tolerance than fp32 only through its arithmetic.
  EXPECT_EQ(spec_of(DType::tf32).compute, Arithmetic::tf32);
  EXPECT_EQ(spec_of(DType::tf32).cpu_equivalent, DType::fp32);
  EXPECT_EQ(element_bytes(DType::tf32), 4u);
  EXPECT_EQ(round_to_storage(DType::tf32, 0.1), round_to_storage(DType::fp32, 0.1));
  EXPECT_EQ(operand_roundoff_in_compute(DType::fp32), 0.0);
  EXPECT_DOUBLE_EQ(tolerance_for(DType::tf32, 1024) - tolerance_for(DType::fp32, 1024),
                   std::ldexp(1.0, -9));
  EXPECT_EQ(spec_of(DType::bf16).cpu_equivalent, DType::bf16);
  EXPECT_EQ(element_bytes_c(DType::fp64), 8u);
}

TEST(DType, NamesAreCaseInsensitive) {
  EXPECT_EQ(parse_dtype("BF16"), DType::bf16);
  EXPECT_EQ(parse_dtype_list("FP32,Tf32"), (std::vector<DType>{DType::fp32, DType::tf32}));
  EXPECT_FALSE(parse_dtype("fp33").has_value());
}

// Names, aliases and the --dtype grammar are read off the GemmSpec rows: every name a row lists
// reads back as that row, and the grammar shows every family, its other names and its outputs.
TEST(DType, NamesAndGrammarComeFromTheRows) {
  const std::string& grammar = dtype_grammar();
  for (DType d : kAllDTypes) {
    const GemmSpec& s = spec_of(d);
    EXPECT_EQ(parse_dtype(s.name), d) << s.name;
    EXPECT_NE(grammar.find(std::string(s.name.substr(0, s.name.find(':')))), std::string::npos)
        << s.name << " not in: " << grammar;
    for (std::string_view alias : split_list(s.aliases, ' ')) {
      if (alias.empty()) continue;
      EXPECT_EQ(parse_dtype(alias), d) << alias;
      EXPECT_NE(grammar.find("|" + std::string(alias)), std::string::npos) << alias;
    }
  }
  EXPECT_NE(grammar.find("int8|i8|s8 (s8 x s8 -> s32)"), std::string::npos) << grammar;
  EXPECT_NE(grammar.find("; a name shown -> bf16 may end in :fp16 or :fp32 for that output"),
            std::string::npos)
      << grammar;
  // An output suffix names a storage format by any name of the type stored in it alone, and only
  // where a family has several outputs.
  EXPECT_EQ(parse_dtype("fp8:float32"), DType::fp8e4m3_fp32);
  EXPECT_EQ(parse_dtype("fp8e5m2:HALF"), DType::fp8e5m2_fp16);
  for (const char* bad : {"fp8:tf32", "fp32:fp32", "tf32:fp32", "fp8:double", "fp8:fp16:fp32", ""})
    EXPECT_FALSE(parse_dtype(bad).has_value()) << bad;
}

TEST(HostMatrix, RandomFillIsNonZeroBoundedAndSeeded) {
  HostMatrix a(DType::bf16, 33, 17), b(DType::bf16, 33, 17), c(DType::bf16, 33, 17);
  a.fill_random(7);
  b.fill_random(7);
  c.fill_random(8);
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_GE(std::fabs(a.at(i)), 0.125);
    EXPECT_LE(std::fabs(a.at(i)), 1.0);
    EXPECT_EQ(a.at(i), round_to_storage(DType::bf16, a.at(i)));
    EXPECT_EQ(a.at(i), b.at(i));
    differs = differs || a.at(i) != c.at(i);
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.f32()) % 64, 0u);
}

// Large matrices are filled by several threads, each from its own index: entry i must not depend
// on where the threads' parts begin, so two sizes (split at different places) agree entry by
// entry, and every entry was written.
TEST(HostMatrix, RandomFillIsTheSameWhateverTheThreadsSplit) {
  const std::int64_t cols = (std::int64_t(1) << 20) + 7;  // several threads' parts
  HostMatrix big(DType::fp32, 3, cols), smaller(DType::fp32, 2, cols);
  big.fill_random(5);
  smaller.fill_random(5);
  for (std::size_t i = 0; i < smaller.size(); ++i) {
    ASSERT_EQ(big.f32()[i], smaller.f32()[i]) << "entry " << i;
    ASSERT_GE(std::abs(big.f32()[i]), 0.125f) << "entry " << i;
  }
  for (std::size_t i = smaller.size(); i < big.size(); ++i)
    ASSERT_GE(std::abs(big.f32()[i]), 0.125f) << "entry " << i;
}

TEST(Tolerance, GrowsWithKAndLoosensWithPrecision) {
  EXPECT_LT(tolerance_for(DType::fp32, 128), tolerance_for(DType::fp32, 8192));
  EXPECT_LT(tolerance_for(DType::fp64, 1024), tolerance_for(DType::fp32, 1024));
  EXPECT_LT(tolerance_for(DType::fp32, 1024), tolerance_for(DType::tf32, 1024));
  EXPECT_LT(tolerance_for(DType::tf32, 1024), tolerance_for(DType::bf16, 1024));
  EXPECT_LT(tolerance_for(DType::fp16, 1024), tolerance_for(DType::bf16, 1024));
  EXPECT_LT(tolerance_for(DType::fp64, 8192), 1e-12);
  EXPECT_LT(tolerance_for(DType::fp32, 8192), 1e-4);
}

namespace {
// C = A*B in double, then stored as the dtype would store it.
std::vector<double> exact_product(const HostMatrix& a, const HostMatrix& b, DType d) {
  const auto M = a.rows(), K = a.cols(), N = b.cols();
  std::vector<double> c(std::size_t(M * N));
  for (std::int64_t i = 0; i < M; ++i)
    for (std::int64_t j = 0; j < N; ++j) {
      double s = 0;
      for (std::int64_t k = 0; k < K; ++k) s += a.at(std::size_t(i * K + k)) * b.at(std::size_t(k * N + j));
      c[std::size_t(i * N + j)] = round_to_storage(spec_of(d).c, s);
    }
  return c;
}

struct Fixture {
  Shape s{37, 29, 53};
  DType d;
  HostMatrix a, b;
  explicit Fixture(DType dt) : d(dt), a(dt, 37, 53), b(dt, 53, 29) {
    a.fill_random(1);
    b.fill_random(2);
  }
  Problem problem() const { return Problem{s, d, &a, &b}; }
};
}  // namespace

TEST(Verify, CorrectResultPassesForEveryDtype) {
  for (DType d : kAllDTypes) {
    Fixture f(d);
    auto c = exact_product(f.a, f.b, d);
    auto v = verify_result(f.problem(), c, 3);
    EXPECT_TRUE(v.passed) << to_string(d) << " err " << v.max_rel_error << " tol " << v.tolerance;
    EXPECT_EQ(v.checked, 37 * 29);  // small: every entry
  }
}

TEST(Verify, OneWrongEntryFails) {
  Fixture f(DType::fp32);
  auto c = exact_product(f.a, f.b, DType::fp32);
  c[5 * 29 + 7] += 0.01;
  auto v = verify_result(f.problem(), c, 3);
  EXPECT_FALSE(v.passed);
  EXPECT_GT(v.max_rel_error, v.tolerance);
}

TEST(Verify, NaNFails) {
  Fixture f(DType::fp64);
  auto c = exact_product(f.a, f.b, DType::fp64);
  c.back() = std::nan("");
  EXPECT_FALSE(verify_result(f.problem(), c, 3).passed);
}

TEST(Verify, TransposedResultFails) {
  Fixture f(DType::bf16);
  auto c = exact_product(f.a, f.b, DType::bf16);
  std::swap(c[0], c[1]);
  EXPECT_FALSE(verify_result(f.problem(), c, 3).passed);
}
