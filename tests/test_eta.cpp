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

TEST(Eta, SmallCasesCostTheFloorLargeOnesTheirWorkAtTheBestRate) {
  EtaEstimator eta({cpu(128), cpu(256), cpu(4096), cpu(8192)});
  eta.started(cpu(128));
  eta.finished(cpu(128), 0.5);  // dominated by --min-time: a slow-looking rate
  eta.started(cpu(256));
  eta.finished(cpu(256), 0.5);  // the best rate so far: 2*256^3 / 0.5 s
  const double rate = cpu(256).flops / 0.5;
  EXPECT_DOUBLE_EQ(*eta.estimate(cpu(200)), 0.5);  // less work than the floor covers
  EXPECT_DOUBLE_EQ(*eta.estimate(cpu(4096)), cpu(4096).flops / rate);
  EXPECT_DOUBLE_EQ(*eta.remaining(), (cpu(4096).flops + cpu(8192).flops) / rate);
}

TEST(Eta, TheRunningCaseCountsWhatItHasLeft) {
  EtaEstimator eta({cpu(128), cpu(128), cpu(128)});
  eta.started(cpu(128));
  eta.finished(cpu(128), 2.0);
  eta.started(cpu(128));
  EXPECT_DOUBLE_EQ(*eta.remaining(cpu(128), 0.5), 2.0 + 1.5);
  // Past its estimate the running case adds nothing, never a negative time.
  EXPECT_DOUBLE_EQ(*eta.remaining(cpu(128), 10.0), 2.0);
}

TEST(Eta, AKeyNotSeenYetTakesTheMeanCase) {
  EtaEstimator eta({cpu(128), cpu(256), gpu(128)});
  eta.started(cpu(128));
  eta.finished(cpu(128), 1.0);
  eta.started(cpu(256));
  eta.finished(cpu(256), 3.0);
  EXPECT_DOUBLE_EQ(*eta.remaining(), 2.0);  // the GPU case: mean of 1 s and 3 s
}

TEST(Eta, SkippedCasesAndUnplannedOnesChangeNothing) {
  EtaEstimator eta({cpu(128), cpu(256)});
  eta.started(cpu(128));
  eta.finished(cpu(128), 1.0);
  eta.finished(cpu(256), 0.0);  // no time: says nothing about speed
  eta.started(gpu(999));        // not in the plan
  EXPECT_DOUBLE_EQ(*eta.remaining(), *eta.estimate(cpu(256)));
}

TEST(Eta, FormatsDurations) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(-3), "0:00");
  EXPECT_EQ(format_duration(65.4), "1:05");
  EXPECT_EQ(format_duration(3723), "1:02:03");
}

}  // namespace
}  // namespace gpubench
