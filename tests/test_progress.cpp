// The progress reporter driven by hand, as a Session would: what a CI log and a terminal get.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "../src/cli/progress.hpp"
#include "sample_results.hpp"

namespace gpubench {
namespace {

CaseStart start(int index, std::int64_t n) {
  return {index,
          2,
          "openblas fp32 " + std::to_string(n),
          {"openblas fp32", 2.0 * double(n) * double(n) * double(n)}};
}

SweepPlan plan() { return {{start(1, 32).work, start(2, 64).work}, EtaModel{}}; }

// What a reporter of `style` (a still-measuring line every `interval`) writes while the first
// case runs for `running` and the sweep then ends.
std::string one_long_case(ProgressStyle style, std::chrono::milliseconds interval,
                          std::chrono::milliseconds running) {
  std::ostringstream err;
  {
    ProgressReporter p(style, err, interval);
    p.sweep_planned(plan());
    p.case_started(start(1, 32));
    std::this_thread::sleep_for(running);
    p.sweep_finished(Results{});
  }
  return err.str();
}

TEST(Progress, ModesAndQuiet) {
  EXPECT_EQ(progress_style(ProgressMode::automatic, false, true), ProgressStyle::redrawn);
  EXPECT_EQ(progress_style(ProgressMode::automatic, false, false), ProgressStyle::log);
  EXPECT_EQ(progress_style(ProgressMode::always, false, false), ProgressStyle::redrawn);
  EXPECT_EQ(progress_style(ProgressMode::never, false, true), ProgressStyle::none);
  EXPECT_EQ(progress_style(ProgressMode::always, true, true), ProgressStyle::none);
  EXPECT_EQ(parse_progress_mode("auto"), ProgressMode::automatic);
  EXPECT_THROW(parse_progress_mode("sometimes"), std::exception);
}

TEST(Progress, LogALinePerCaseWithTheTimeLeftOnceOneFinished) {
  std::ostringstream err;
  {
    ProgressReporter p(ProgressStyle::log, err);
    Results so_far;
    p.sweep_planned(plan());
    p.case_started(start(1, 32));
    p.case_finished(testing::sample_record(32, "openblas", DeviceKind::cpu, 1e-6), so_far);
    p.case_started(start(2, 64));
    Record failed = testing::sample_record(64, "openblas", DeviceKind::cpu, 1e-5);
    failed.status = Status::failed;
    failed.reason = "verification failed";
    p.case_finished(failed, so_far);
    p.sweep_finished(so_far);
  }
  const std::string s = err.str();
  EXPECT_NE(s.find("[1/2] openblas fp32 32: 65.5 GFLOPS in "), std::string::npos) << s;
  EXPECT_NE(s.find("[2/2] openblas fp32 64: FAILED (verification failed) in "), std::string::npos)
      << s;
  EXPECT_NE(s.find("left\n"), std::string::npos) << s;
  EXPECT_NE(s.find("done: 2 of 2 cases in "), std::string::npos) << s;
  EXPECT_EQ(s.find('\r'), std::string::npos) << s;
}

TEST(Progress, RedrawnLineNamesTheCaseAndIsWipedAtTheEnd) {
  std::ostringstream err;
  ProgressReporter p(ProgressStyle::redrawn, err);
  p.sweep_planned(plan());
  p.case_started(start(1, 32));
  EXPECT_EQ(err.str().rfind("\r[1/2] openblas fp32 32 (", 0), 0u) << err.str();
  p.sweep_finished(Results{});
  const std::string s = err.str();
  EXPECT_EQ(s.find('\n'), std::string::npos) << s;
  EXPECT_EQ(s.back(), '\r') << s;  // wiped: the cursor back at the start of a blank line
}

TEST(Progress, ALongCaseGetsStillMeasuringLines) {
  const std::string err = one_long_case(ProgressStyle::log, std::chrono::milliseconds(20),
                                        std::chrono::milliseconds(150));
  EXPECT_NE(err.find("[1/2] openblas fp32 32: still measuring, "), std::string::npos) << err;
}

TEST(Progress, NoneWritesNothing) {
  EXPECT_EQ(one_long_case(ProgressStyle::none, std::chrono::milliseconds(1),
                          std::chrono::milliseconds(10)),
            "");
}

}  // namespace
}  // namespace gpubench
