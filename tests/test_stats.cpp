#include <gtest/gtest.h>

#include <cmath>

#include "gpubench/core/stats.hpp"

using gpubench::compute_stats;

TEST(Stats, Empty) {
  auto s = compute_stats({});
  EXPECT_EQ(s.samples, 0);
  EXPECT_EQ(s.median, 0);
  EXPECT_EQ(s.cv(), 0);
}

TEST(Stats, OddCount) {
  auto s = compute_stats({3, 1, 2});
  EXPECT_EQ(s.samples, 3);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 3);
  EXPECT_DOUBLE_EQ(s.median, 2);
  EXPECT_DOUBLE_EQ(s.mean, 2);
  EXPECT_DOUBLE_EQ(s.stddev, 1);  // sample stddev (n-1)
  EXPECT_DOUBLE_EQ(s.cv(), 0.5);
}

TEST(Stats, EvenCountMedianIsMidpoint) {
  auto s = compute_stats({4, 1, 3, 2});
  EXPECT_DOUBLE_EQ(s.median, 2.5);
}

TEST(Stats, SingleSampleHasNoSpread) {
  auto s = compute_stats({0.25});
  EXPECT_DOUBLE_EQ(s.median, 0.25);
  EXPECT_DOUBLE_EQ(s.stddev, 0);
}

TEST(Stats, MedianIgnoresOutlier) {
  auto s = compute_stats({1, 1, 1, 1, 100});
  EXPECT_DOUBLE_EQ(s.median, 1);
  EXPECT_GT(s.mean, 10);
}

TEST(Median, OddEvenAndEmpty) {
  EXPECT_DOUBLE_EQ(gpubench::median({3.0, 1.0, 2.0}), 2.0);
  EXPECT_DOUBLE_EQ(gpubench::median({4.0, 1.0, 3.0, 2.0}), 2.5);
  EXPECT_DOUBLE_EQ(gpubench::median({}), 0.0);
}
