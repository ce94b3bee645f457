#include <gtest/gtest.h>

#include "gpubench/measure/eta.hpp"

namespace gpubench {
namespace {

PlannedCase cpu(double n) { return {"openblas fp32", 2 * n * n * n}; }
PlannedCase gpu(double n) { return {"cublas fp32", 2 * n * n * n}; }

TEST(Eta, UnknownUntilACaseFinished) {
  EtaEstimator eta({cpu(128), cpu(256)});
  EXPECT_FALSE(eta.remaining());
  eta.started(cpu(128));
  EXPECT_FALSE(eta.remaining(cpu(128), 0.1));
}

TEST(Eta, SmallCasesCostTheFloorLargeOnesTheirRunsAtTheBestSpeed) {
  EtaEstimator eta({cpu(128), cpu(256), cpu(1024), cpu(2048)}, EtaModel{8, 10});
  eta.started(cpu(128));
  eta.finished(cpu(128), 0.5, 50);  // --min-time dominates both small cases
  eta.started(cpu(256));
  eta.finished(cpu(256), 0.4, 100);                // the best speed so far: 100 GFLOPS
  EXPECT_DOUBLE_EQ(*eta.estimate(cpu(200)), 0.4);  // less work than the floor covers
  const double t1024 = cpu(1024).flops / 100e9;    // 21 ms a run: 8 runs, under the floor
  EXPECT_DOUBLE_EQ(*eta.estimate(cpu(1024)), 0.4);
  const double t2048 = cpu(2048).flops / 100e9;  // 172 ms a run: 8 runs
  EXPECT_DOUBLE_EQ(*eta.estimate(cpu(2048)), 8 * t2048);
  EXPECT_GT(8 * t1024, 0.1);
  EXPECT_DOUBLE_EQ(*eta.remaining(), 0.4 + 8 * t2048);
}

TEST(Eta, TheCapStopsTheRepeatsOfAHugeCase) {
  EtaEstimator eta({cpu(128), cpu(16384)}, EtaModel{8, 10});
  eta.started(cpu(128));
  eta.finished(cpu(128), 0.5, 100);
  const double t = cpu(16384).flops / 100e9;  // 88 s a run
  EXPECT_DOUBLE_EQ(*eta.remaining(), 1.5 * 10 + 3 * t);
}

TEST(Eta, TheRunningCaseCountsWhatItHasLeft) {
  EtaEstimator eta({cpu(128), cpu(128), cpu(128)});
  eta.started(cpu(128));
  eta.finished(cpu(128), 2.0, 1);
  eta.started(cpu(128));
  EXPECT_DOUBLE_EQ(*eta.remaining(cpu(128), 0.5), 2.0 + 1.5);
  // Past its estimate the running case adds nothing, never a negative time.
  EXPECT_DOUBLE_EQ(*eta.remaining(cpu(128), 10.0), 2.0);
}

TEST(Eta, AKeyNotSeenYetTakesTheMeanCase) {
  EtaEstimator eta({cpu(128), cpu(256), gpu(128)});
  eta.started(cpu(128));
  eta.finished(cpu(128), 1.0, 1);
  eta.started(cpu(256));
  eta.finished(cpu(256), 3.0, 1);
  EXPECT_DOUBLE_EQ(*eta.remaining(), 2.0);  // the GPU case: mean of 1 s and 3 s
}

TEST(Eta, SkippedCasesAndUnplannedOnesChangeNothing) {
  EtaEstimator eta({cpu(128), cpu(256)});
  eta.started(cpu(128));
  eta.finished(cpu(128), 1.0, 1);
  eta.finished(cpu(256), 0.0, 1);  // no time: says nothing about speed
  eta.started(gpu(999));           // not in the plan
  EXPECT_DOUBLE_EQ(*eta.remaining(), *eta.estimate(cpu(256)));
}

TEST(Eta, FormatsDurations) {
  EXPECT_EQ(format_duration(0), "0.0s");
  EXPECT_EQ(format_duration(-3), "0.0s");
  EXPECT_EQ(format_duration(0.44), "0.4s");
  EXPECT_EQ(format_duration(59.96), "1:00");
  EXPECT_EQ(format_duration(65.4), "1:05");
  EXPECT_EQ(format_duration(3723), "1:02:03");
}

}  // namespace
}  // namespace gpubench
