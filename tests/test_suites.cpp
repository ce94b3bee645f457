// --shapes suite:NAME: the built-in workloads' shapes against values computed by hand from the
// published configurations.
#include <gtest/gtest.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/shape_suites.hpp"

namespace gpubench {
namespace {

struct Expected {
  std::int64_t m, n, k;
  Layout layout;
  std::int64_t count;
};

void expect_cases(const std::vector<ShapeCase>& got, const std::vector<Expected>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got[i].shape, (Shape{want[i].m, want[i].n, want[i].k, want[i].layout, 1}));
    EXPECT_EQ(got[i].layout, want[i].layout);
    EXPECT_EQ(got[i].count, want[i].count);
    EXPECT_FALSE(got[i].dtype) << "--dtype applies";
  }
}

TEST(Suites, Llama3_8BForwardAt4096Tokens) {
  // hidden 4096, intermediate 14336, 32 heads of 128, 8 KV heads, 32 layers, vocab 128256:
  // QKV out = (32 + 2*8) * 128 = 6144; gate/up fused = 2 * 14336 = 28672.
  expect_cases(suite_cases("llama3-8b"), {{4096, 6144, 4096, Layout::nt, 32},
                                          {4096, 4096, 4096, Layout::nt, 32},
                                          {4096, 28672, 4096, Layout::nt, 32},
                                          {4096, 4096, 14336, Layout::nt, 32},
                                          {4096, 128256, 4096, Layout::nt, 1}});
}

TEST(Suites, Llama3_70BTrainingAt2048TokensHasDataAndWeightGradients) {
  // hidden 8192, intermediate 28672, 64 heads of 128, 8 KV heads, 80 layers:
  // QKV out = (64 + 16) * 128 = 10240.
  expect_cases(suite_cases("llama3-70b-train:2048"),
               {{2048, 10240, 8192, Layout::nt, 80}, {2048, 8192, 10240, Layout::nn, 80},
                {10240, 8192, 2048, Layout::tn, 80}, {2048, 8192, 8192, Layout::nt, 80},
                {2048, 8192, 8192, Layout::nn, 80},  {8192, 8192, 2048, Layout::tn, 80},
                {2048, 57344, 8192, Layout::nt, 80}, {2048, 8192, 57344, Layout::nn, 80},
                {57344, 8192, 2048, Layout::tn, 80}, {2048, 8192, 28672, Layout::nt, 80},
                {2048, 28672, 8192, Layout::nn, 80}, {8192, 28672, 2048, Layout::tn, 80},
                {2048, 128256, 8192, Layout::nt, 1}, {2048, 8192, 128256, Layout::nn, 1},
                {128256, 8192, 2048, Layout::tn, 1}});
}

TEST(Suites, DeepBenchIsInRowMajorTerms) {
  const std::vector<ShapeCase> train = suite_cases("deepbench-train");
  ASSERT_EQ(train.size(), 16u);
  // DeepBench's column-major (1760, 16, 1760, N, N): row-major 16 x 1760 x 1760 nn.
  EXPECT_EQ(train[0].shape, (Shape{16, 1760, 1760, Layout::nn, 1}));
  // (4096, 16, 4096, a_t, N): row-major 16 x 4096 x 4096, layout (b_t, a_t) = nt.
  EXPECT_EQ(train[4].shape, (Shape{16, 4096, 4096, Layout::nt, 1}));
  // (2560, 7133, 2560, N, b_t): tn.
  EXPECT_EQ(train[6].shape, (Shape{7133, 2560, 2560, Layout::tn, 1}));
  const std::vector<ShapeCase> inference = suite_cases("deepbench-inference");
  ASSERT_EQ(inference.size(), 12u);
  EXPECT_EQ(inference[2].shape, (Shape{1, 7680, 2560, Layout::nn, 1}));
}

TEST(Suites, BadNamesAndTokenCountsAreUsageErrors) {
  EXPECT_THROW(suite_cases("llama9"), UsageError);
  EXPECT_THROW(suite_cases("llama3-8b:0"), UsageError);
  EXPECT_THROW(suite_cases("llama3-8b:lots"), UsageError);
  EXPECT_THROW(suite_cases("deepbench-train:128"), UsageError);
  try {
    suite_cases("nope");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("llama3-70b-train"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(lists_suites("suite:list"));
  EXPECT_NE(suite_list().find("suite:deepbench-inference"), std::string::npos);
  EXPECT_EQ(read_shapes("suite:llama3-8b:16").front().shape.m, 16);
}

}  // namespace
}  // namespace gpubench
