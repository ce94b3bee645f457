// The Runner with a fake backend: timing policy, verification, errors and memory refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>

#include "gpubench/core/host_matrix.hpp"
#include "gpubench/core/telemetry.hpp"
#include "gpubench/measure/runner.hpp"
#include "run_helpers.hpp"

using namespace gpubench;
using namespace gpubench::test_helpers;

namespace {

struct FakeConfig {
  double seconds_per_run = 1e-3;
  bool corrupt = false;
  bool throw_on_prepare = false;
  bool oom_on_prepare = false;
  std::optional<std::size_t> free_bytes;
  bool end_to_end = false;
  int runs = 0;
  // Cold cache: whether the case can flush, how often it did, and timed calls that were not
  // preceded by a flush of their own or timed more than one repetition.
  bool can_flush = false;
  int flushes = 0;
  bool flushed = false;
  int runs_without_flush = 0;
  int max_reps_per_call = 0;
  // Set to true once `runs` reaches stop_after_runs (a Ctrl-C arriving mid-case).
  std::atomic<bool>* stop = nullptr;
  int stop_after_runs = 0;
  // A GPU-like backend: burst and sustained windows, an L2 of `cache`, a telemetry probe that reads
  // `power_w` (none when 0).
  DeviceKind kind = DeviceKind::cpu;
  std::optional<std::size_t> cache;
  double power_w = 0;
  int probe_windows = 0;
  // The probe's energy span (seconds a window must span), the runs inside its last window, and
  // how often it was asked whether the device rested.
  double energy_span = 0;
  // Seconds of the window's work after which its counter has made the steps a power needs (the
  // fake's energy_resolved()); past energy_span by default, so the span decides.
  double resolved_after = 1e9;
  int runs_at_start = 0, runs_in_last_window = 0;
  int rested_calls = 0;
  double reading_period = 0;  // the probe's reading_period_seconds()
  // A library default algorithm this slow per run (none when 0); "same" when it is the chosen one.
  double default_seconds_per_run = 0;
  bool default_is_chosen = false;
  bool using_default = false;
  // Reasons the probe's windows report ("sw power cap"); the default's runs so far, and as the
  // device was last asked whether it rested.
  std::vector<std::string> throttle_reasons;
  int default_runs = 0, default_runs_at_rest = -1;
};

class FakeProbe : public TelemetryProbe {
 public:
  explicit FakeProbe(FakeConfig& cfg) : cfg_(cfg) {}
  void start(WindowKind) override {
    ++cfg_.probe_windows;
    cfg_.runs_at_start = cfg_.runs;
  }
  double energy_span_seconds() const override { return cfg_.energy_span; }
  bool energy_resolved() override {
    return (cfg_.runs - cfg_.runs_at_start) * cfg_.seconds_per_run >= cfg_.resolved_after;
  }
  bool rested() override {
    ++cfg_.rested_calls;
    cfg_.default_runs_at_rest = cfg_.default_runs;
    return true;
  }
  double reading_period_seconds() const override { return cfg_.reading_period; }
  Telemetry stop(std::vector<std::string>&) override {
    cfg_.runs_in_last_window = cfg_.runs - cfg_.runs_at_start;
    TelemetrySample s;
    s.power_w = cfg_.power_w;
    s.sm_clock_mhz = 1500;
    Telemetry t = summarise_samples({s}, std::nullopt, 1.0);
    t.source = "fake";
    t.throttle_reasons = cfg_.throttle_reasons;
    return t;
  }

 private:
  FakeConfig& cfg_;
};

class FakeCase : public Case {
 public:
  FakeCase(const Problem& p, FakeConfig& cfg) : p_(p), cfg_(cfg) {}
  double time_kernel(int reps) override {
    cfg_.runs += reps;
    if (cfg_.using_default) cfg_.default_runs += reps;
    if (!cfg_.flushed) ++cfg_.runs_without_flush;
    cfg_.flushed = false;
    cfg_.max_reps_per_call = std::max(cfg_.max_reps_per_call, reps);
    if (cfg_.stop && cfg_.runs >= cfg_.stop_after_runs) *cfg_.stop = true;
    return reps * (cfg_.using_default ? cfg_.default_seconds_per_run : cfg_.seconds_per_run);
  }
  std::string algorithm() const override {
    if (cfg_.default_seconds_per_run <= 0) return "";
    return cfg_.using_default && !cfg_.default_is_chosen ? "heuristic's first" : "tuned";
  }
  bool use_default_algorithm(bool use_default) override {
    if (cfg_.default_seconds_per_run <= 0) return false;
    cfg_.using_default = use_default && !cfg_.default_is_chosen;
    return true;
  }
  bool flush_cache() override {
    if (!cfg_.can_flush) return false;
    ++cfg_.flushes;
    cfg_.flushed = true;
    return true;
  }
  std::optional<double> time_end_to_end() override {
    if (!cfg_.end_to_end) return std::nullopt;
    return 2 * cfg_.seconds_per_run;
  }
  void read_result(std::vector<double>& out) override {
    const auto M = p_.shape.m, N = p_.shape.n, K = p_.shape.k;
    out.assign(std::size_t(M * N), 0);
    for (std::int64_t i = 0; i < M; ++i)
      for (std::int64_t j = 0; j < N; ++j)
        for (std::int64_t k = 0; k < K; ++k)
          out[std::size_t(i * N + j)] += p_.a->at(std::size_t(i * K + k)) * p_.b->at(std::size_t(k * N + j));
    if (cfg_.corrupt) out[0] += 1.0;
  }

 private:
  Problem p_;
  FakeConfig& cfg_;
};

class FakeBackend : public Backend {
 public:
  explicit FakeBackend(FakeConfig& c) : cfg_(c) {}
  std::string name() const override { return "fake"; }
  DeviceKind device_kind() const override { return cfg_.kind; }
  std::string device_name() const override { return "fake device"; }
  std::optional<std::size_t> cache_bytes() const override { return cfg_.cache; }
  std::unique_ptr<TelemetryProbe> telemetry_probe() const override {
    if (cfg_.power_w <= 0) return nullptr;
    return std::make_unique<FakeProbe>(cfg_);
  }
  Support supports(DType d, const Shape&) const override {
    return d == DType::fp16 ? Support::no("no fp16 here") : Support::yes();
  }
  std::optional<std::size_t> free_device_bytes() const override { return cfg_.free_bytes; }
  std::optional<double> peak_gflops(DType) const override { return 1000.0; }
  std::unique_ptr<Case> prepare(const Problem& p) override {
    if (cfg_.throw_on_prepare) throw BackendError("cudaMalloc failed: boom");
    if (cfg_.oom_on_prepare) throw OutOfMemoryError("cudaMalloc: out of memory");
    return std::make_unique<FakeCase>(p, cfg_);
  }

 private:
  FakeConfig& cfg_;
};

std::vector<BackendEntry> fake_entries(FakeConfig& cfg) {
  return {{"fake", cfg.kind, "fake", "cpu", true,
           [&cfg](const BackendOptions&) { return std::make_unique<FakeBackend>(cfg); }}};
}

RunOptions small(std::vector<Shape> shapes, std::vector<DType> dtypes = {DType::fp32}) {
  RunOptions o;
  o.shapes = std::move(shapes);
  o.dtypes = std::move(dtypes);
  o.min_time = 0.05;
  o.min_samples = 5;
  o.burst_rest_seconds = 0;
  return o;
}

}  // namespace

TEST(Runner, RepeatsUntilMinTimeAndComputesGflops) {
  FakeConfig cfg;
  auto recs = run_matmul(fake_entries(cfg), {}, small({{16, 16, 16}}));
  ASSERT_EQ(recs.size(), 1u);
  const Record& r = recs[0];
  EXPECT_EQ(r.status, Status::ok) << r.reason;
  EXPECT_GE(r.main.iterations * cfg.seconds_per_run, 0.05 - 1e-12);
  EXPECT_GE(r.main.seconds.samples, 5);
  EXPECT_DOUBLE_EQ(r.main.seconds.median, 1e-3);
  EXPECT_NEAR(r.main.gflops, 2.0 * 16 * 16 * 16 / 1e-3 / 1e9, 1e-9);
  EXPECT_NEAR(*r.pct_of_peak, 100.0 * r.main.gflops / 1000.0, 1e-9);
  EXPECT_TRUE(r.verified);
  EXPECT_EQ(r.checked_entries, 16 * 16);
  EXPECT_GT(cfg.runs, r.main.iterations);  // warm-up runs happened and were not counted
}

TEST(Runner, TimeCapStopsLongCases) {
  FakeConfig cfg;
  cfg.seconds_per_run = 4.0;
  auto o = small({{8, 8, 8}});
  o.max_time_per_case = 5.0;
  auto recs = run_matmul(fake_entries(cfg), {}, o);
  EXPECT_LE(recs[0].main.iterations, 2);
  EXPECT_EQ(recs[0].status, Status::ok);
}

// The bound on runs per window is not a silent cap on --min-time: a window it ends short says so;
// one that reached --min-time first does not.
TEST(Runner, RunCapEndingAWindowBeforeMinTimeIsAWarning) {
  const auto cap_warning = [](const Record& r) {
    return std::count_if(r.warnings.begin(), r.warnings.end(), [](const std::string& w) {
      return w.find("the most one window takes") != std::string::npos;
    });
  };
  FakeConfig cfg;
  auto o = small({{8, 8, 8}});
  o.max_iterations = 20;  // 20 ms of the 50 asked
  auto recs = run_matmul(fake_entries(cfg), {}, o);
  ASSERT_EQ(recs[0].status, Status::ok) << recs[0].reason;
  EXPECT_EQ(recs[0].main.iterations, 20);
  EXPECT_EQ(cap_warning(recs[0]), 1);
  EXPECT_NE(recs[0].warnings[0].find("stopped at 20 runs"), std::string::npos)
      << recs[0].warnings[0];
  o.max_iterations = 1000;
  recs = run_matmul(fake_entries(cfg), {}, o);
  EXPECT_EQ(cap_warning(recs[0]), 0);
}

TEST(Runner, WrongResultIsFailed) {
  FakeConfig cfg;
  cfg.corrupt = true;
  auto recs = run_matmul(fake_entries(cfg), {}, small({{8, 8, 8}}));
  EXPECT_EQ(recs[0].status, Status::failed);
  EXPECT_NE(recs[0].reason.find("verification failed"), std::string::npos);
}

TEST(Runner, NoVerifyLeavesRecordUnverified) {
  FakeConfig cfg;
  cfg.corrupt = true;
  auto o = small({{8, 8, 8}});
  o.verify = false;
  auto recs = run_matmul(fake_entries(cfg), {}, o);
  EXPECT_EQ(recs[0].status, Status::ok);
  EXPECT_FALSE(recs[0].verified);
}

TEST(Runner, UnsupportedDtypeRowSaysWhyAndOthersRun) {
  FakeConfig cfg;
  auto recs = run_matmul(fake_entries(cfg), {}, small({{8, 8, 8}}, {DType::fp16, DType::fp64}));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].status, Status::unsupported);
  EXPECT_EQ(recs[0].reason, "no fp16 here");
  EXPECT_EQ(recs[1].status, Status::ok);
}

TEST(Runner, BackendErrorFailsOnlyThatCase) {
  FakeConfig cfg;
  cfg.throw_on_prepare = true;
  auto recs = run_matmul(fake_entries(cfg), {}, small({{8, 8, 8}, {4, 4, 4}}));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].status, Status::failed);
  EXPECT_EQ(recs[0].reason, "cudaMalloc failed: boom");
  EXPECT_EQ(recs[1].status, Status::failed);
}

TEST(Runner, OutOfMemoryIsSkipped) {
  FakeConfig cfg;
  cfg.oom_on_prepare = true;
  auto recs = run_matmul(fake_entries(cfg), {}, small({{8, 8, 8}}));
  EXPECT_EQ(recs[0].status, Status::skipped);
}

TEST(Runner, TooLittleDeviceMemoryIsSkippedWithByteCounts) {
  FakeConfig cfg;
  cfg.free_bytes = 1024;
  auto recs = run_matmul(fake_entries(cfg), {}, small({{64, 64, 64}}));
  EXPECT_EQ(recs[0].status, Status::skipped);
  EXPECT_NE(recs[0].reason.find("of device memory"), std::string::npos) << recs[0].reason;
  EXPECT_EQ(cfg.runs, 0);
}

TEST(Runner, TooLittleHostMemoryIsSkippedBeforeAllocating) {
  FakeConfig cfg;
  auto o = small({{100000, 100000, 100000}});
  o.host_memory_limit = std::size_t(1) << 30;
  auto recs = run_matmul(fake_entries(cfg), {}, o);
  EXPECT_EQ(recs[0].status, Status::skipped);
  EXPECT_NE(recs[0].reason.find("GiB of host memory"), std::string::npos) << recs[0].reason;
}

// Wide, tall and skinny shapes of every dtype: the estimate is A and B as generated, A, B and C
// in the dtype's storage, and C as doubles (issue 25: B was counted N x N, so 1x100000x1 "needed"
// 74.5 GiB and the LLM output layer 2048x128256x4096 129 GiB).
TEST(HostBytes, WideTallAndSkinnyShapesOfEveryDtype) {
  const Shape shapes[] = {{1, 100000, 1},          {2048, 128256, 4096}, {100000, 1, 1},
                          {128256, 2048, 4096},    {1, 1, 100000},       {64, 64, 1 << 20},
                          {2048, 2048, 128, Layout::nt, 32}};
  for (DType d : kAllDTypes) {
    const double generated = d == DType::fp64 ? 8 : 4;
    for (const Shape& s : shapes) {
      const double m = double(s.m), n = double(s.n), k = double(s.k), batch = double(s.batch);
      const double ab = m * k + k * n, c = m * n;
      const double expected = batch * (ab * generated + ab * double(element_bytes(d)) +
                                       c * double(element_bytes_c(d)) + c * 8);
      EXPECT_EQ(double(host_bytes_for_case(d, s)), expected) << to_string(d) << " " << s.label();
      // Swapping M and N swaps the roles of A and B: the same bytes.
      EXPECT_EQ(host_bytes_for_case(d, s), host_bytes_for_case(d, Shape{s.n, s.m, s.k, s.layout, s.batch}))
          << to_string(d) << " " << s.label();
    }
  }
  EXPECT_LT(host_bytes_for_case(DType::fp32, {1, 100000, 1}), std::size_t(2) << 20);
  EXPECT_LT(host_bytes_for_case(DType::fp32, {2048, 128256, 4096}), std::size_t(7) << 30);
  EXPECT_LT(host_bytes_for_case(DType::fp64, {2048, 128256, 4096}), std::size_t(12) << 30);
  EXPECT_EQ(host_bytes_for_case(DType::fp64, {std::int64_t(1) << 40, std::int64_t(1) << 40, 1}),
            std::numeric_limits<std::size_t>::max());
}

TEST(Runner, WideShapeRunsUnderAHostLimitItFits) {
  FakeConfig cfg;
  auto o = small({{1, 100000, 1}});
  o.host_memory_limit = std::size_t(64) << 20;
  auto recs = run_matmul(fake_entries(cfg), {}, o);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].status, Status::ok) << recs[0].reason;
}

TEST(Runner, InitFailureSkipsEveryCaseWithReason) {
  std::vector<BackendEntry> e{{"gpu", DeviceKind::gpu, "", "gpu", true,
                               [](const BackendOptions&) -> std::unique_ptr<Backend> {
                                 throw BackendError("no CUDA device: none");
                               }}};
  auto recs = run_matmul(e, {}, small({{8, 8, 8}, {16, 16, 16}}));
  ASSERT_EQ(recs.size(), 2u);
  for (const auto& r : recs) {
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.reason, "no CUDA device: none");
  }
}

TEST(Runner, StopFlagEndsBetweenCases) {
  FakeConfig cfg;
  std::atomic<bool> stop{false};
  auto o = small({{8, 8, 8}, {8, 8, 8}, {8, 8, 8}});
  o.stop = &stop;
  int finished = 0;
  auto recs = run_matmul(fake_entries(cfg), {}, o, [&](const Progress& p) {
    if (p.just_finished && ++finished == 1) stop = true;
  });
  EXPECT_EQ(recs.size(), 1u);
}

// A Ctrl-C during a long warm-up (--warmup 1000000) ends it at the next run: the case finishes
// with what little it has instead of warming up for half of --max-time-per-case.
TEST(Runner, StopFlagEndsTheWarmUpAndTheSamplesOfTheCurrentCase) {
  FakeConfig cfg;
  std::atomic<bool> stop{false};
  cfg.stop = &stop;
  cfg.stop_after_runs = 3;
  auto o = small({{8, 8, 8}});
  o.warmup = 1000000;
  o.stop = &stop;
  auto recs = run_matmul(fake_entries(cfg), {}, o);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].status, Status::ok) << recs[0].reason;
  EXPECT_LE(cfg.runs, 3 + recs[0].main.iterations);
  EXPECT_EQ(recs[0].main.seconds.samples, 1);
}

TEST(Runner, EndToEndTimesSayWhichHostMemory) {
  FakeConfig cfg;
  cfg.end_to_end = true;
  BackendOptions pageable;
  pageable.pinned_host = false;
  auto recs = run_matmul(fake_entries(cfg), pageable, small({{8, 8, 8}}));
  ASSERT_TRUE(recs[0].end_to_end_gflops.has_value());
  EXPECT_NEAR(*recs[0].end_to_end_gflops, recs[0].main.gflops / 2, 1e-9);
  EXPECT_EQ(recs[0].host_memory, "pageable");
  cfg.end_to_end = false;
  auto kernel_only = run_matmul(fake_entries(cfg), pageable, small({{8, 8, 8}}));
  EXPECT_EQ(kernel_only[0].host_memory, "");
}

TEST(Runner, ColdCacheFlushesBeforeEveryTimedRepetition) {
  FakeConfig cfg;
  cfg.can_flush = true;  // like the GPU backends (GpuBackend::flush_l2)
  cfg.kind = DeviceKind::gpu;
  BackendOptions cold;
  cold.cold_cache = true;
  auto recs = run_matmul(fake_entries(cfg), cold, small({{8, 8, 8}}));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].status, Status::ok) << recs[0].reason;
  EXPECT_TRUE(recs[0].warnings.empty());
  // Warm-up and timed runs alike: each one alone, each after a flush of its own.
  EXPECT_GT(cfg.flushes, recs[0].main.iterations);
  EXPECT_EQ(cfg.runs_without_flush, 0);
  EXPECT_EQ(cfg.max_reps_per_call, 1);
  EXPECT_TRUE(recs[0].cold_cache);
  EXPECT_FALSE(recs[0].operands_in_cache);
}

TEST(Runner, WarmByDefaultNoFlushAndBatched) {
  FakeConfig cfg;
  cfg.can_flush = true;
  cfg.seconds_per_run = 1e-6;  // short enough to be batched
  auto recs = run_matmul(fake_entries(cfg), {}, small({{8, 8, 8}}));
  EXPECT_EQ(cfg.flushes, 0);
  EXPECT_GT(cfg.max_reps_per_call, 1);
  EXPECT_TRUE(recs[0].warnings.empty());
}

TEST(Runner, BackendThatCannotFlushSaysItsRowIsWarm) {
  FakeConfig cfg;  // can_flush false, on a GPU: nothing can evict its cache
  cfg.kind = DeviceKind::gpu;
  BackendOptions cold;
  cold.cold_cache = true;
  auto recs = run_matmul(fake_entries(cfg), cold, small({{8, 8, 8}}));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].status, Status::ok);
  ASSERT_EQ(recs[0].warnings.size(), 1u);
  EXPECT_NE(recs[0].warnings[0].find("--cache cold"), std::string::npos) << recs[0].warnings[0];
  EXPECT_NE(recs[0].warnings[0].find("timed warm"), std::string::npos) << recs[0].warnings[0];
  EXPECT_FALSE(recs[0].cold_cache);
}

TEST(Runner, ColdCacheOnTheCpuEvictsTheHostCachesOneRunAtATime) {
  FakeConfig cfg;  // a CPU backend without a flush of its own: the runner evicts the host's caches
  BackendOptions cold;
  cold.cold_cache = true;
  auto recs = run_matmul(fake_entries(cfg), cold, small({{8, 8, 8}}));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].status, Status::ok) << recs[0].reason;
  EXPECT_TRUE(recs[0].cold_cache);
  EXPECT_TRUE(recs[0].warnings.empty());
  EXPECT_EQ(cfg.max_reps_per_call, 1);  // each run timed alone, after an eviction
}

TEST(Runner, GpuRowsHaveBurstAndSustainedRatesCpuRowsOne) {
  FakeConfig gpu;
  gpu.kind = DeviceKind::gpu;
  auto recs = run_matmul(fake_entries(gpu), {}, small({{8, 8, 8}}));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].main.clocks, "sustained");
  ASSERT_TRUE(recs[0].burst.has_value());
  // The burst window: 100 runs after 50 warm-up ones (the fake's runs are 1 ms: both fit their
  // time caps), its rate the mean of the window.
  EXPECT_EQ(recs[0].burst->iterations, 100);
  EXPECT_NEAR(recs[0].burst->gflops, 2.0 * 8 * 8 * 8 / 1e-3 / 1e9, 1e-9);
  EXPECT_NE(recs[0].burst->method.find("50 warm-up"), std::string::npos);

  RunOptions burst_only = small({{8, 8, 8}});
  burst_only.clocks = Clocks::burst;
  auto b = run_matmul(fake_entries(gpu), {}, burst_only);
  EXPECT_EQ(b[0].main.clocks, "burst");
  EXPECT_FALSE(b[0].burst.has_value());
  EXPECT_EQ(b[0].main.iterations, 100);

  RunOptions sustained_only = small({{8, 8, 8}});
  sustained_only.clocks = Clocks::sustained;
  auto s = run_matmul(fake_entries(gpu), {}, sustained_only);
  EXPECT_EQ(s[0].main.clocks, "sustained");
  EXPECT_FALSE(s[0].burst.has_value());

  FakeConfig cpu;
  auto c = run_matmul(fake_entries(cpu), {}, small({{8, 8, 8}}));
  EXPECT_EQ(c[0].main.clocks, "");
  EXPECT_FALSE(c[0].burst.has_value());
}

TEST(Runner, WindowsRunOnUntimedUntilTheEnergyCounterCanResolveThem) {
  FakeConfig gpu;
  gpu.kind = DeviceKind::gpu;
  gpu.power_w = 300;
  gpu.energy_span = 1.1;  // 11 steps of a 100 ms counter
  RunOptions o = small({{8, 8, 8}});
  o.clocks = Clocks::sustained;
  auto recs = run_matmul(fake_entries(gpu), {}, o);
  ASSERT_EQ(recs.size(), 1u);
  // The rate is its own window's (min_time 0.05 s of 1 ms runs); the probe saw the work go on.
  EXPECT_LT(recs[0].main.window_seconds, 0.5);
  EXPECT_GE(gpu.runs_in_last_window * gpu.seconds_per_run, gpu.energy_span);
  EXPECT_LT(recs[0].main.iterations, gpu.runs_in_last_window);

  // Capped: a counter too slow to resolve a window in kEnergySpanMaxSeconds is not waited for.
  FakeConfig slow = gpu;
  slow.energy_span = 1000;
  recs = run_matmul(fake_entries(slow), {}, o);
  EXPECT_LT(slow.runs_in_last_window * slow.seconds_per_run, 3.0);

  // A counter that has made its steps sooner than the span guarantees ends the run-on there.
  FakeConfig early = gpu;
  early.resolved_after = 0.4;
  recs = run_matmul(fake_entries(early), {}, o);
  EXPECT_GE(early.runs_in_last_window * early.seconds_per_run, early.resolved_after);
  EXPECT_LT(early.runs_in_last_window * early.seconds_per_run, 0.4 + 0.1);
}

TEST(Runner, BurstRestEndsWhenTheDeviceSaysItRested) {
  FakeConfig gpu;
  gpu.kind = DeviceKind::gpu;
  gpu.power_w = 300;
  RunOptions o = small({{8, 8, 8}, {16, 16, 16}});
  o.burst_rest_seconds = 600;  // a rest not cut short would hang the test
  auto recs = run_matmul(fake_entries(gpu), {}, o);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_TRUE(recs[1].burst.has_value());
  EXPECT_GE(gpu.rested_calls, 1);
}

TEST(Runner, BurstRestBelievesTheDeviceOnlyOnceItsReadingsChanged) {
  // The second case's burst rests from the first case's end: rested() says yes at once, but its
  // readings may predate that end until one reading period has passed.
  FakeConfig gpu;
  gpu.kind = DeviceKind::gpu;
  gpu.power_w = 300;
  gpu.reading_period = 0.3;
  RunOptions o = small({{8, 8, 8}, {16, 16, 16}});
  o.burst_rest_seconds = 600;
  const auto t0 = std::chrono::steady_clock::now();
  auto recs = run_matmul(fake_entries(gpu), {}, o);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_GE(wall, 0.3);
  EXPECT_LT(wall, 60.0);
  // Without a period the same run does not wait for it.
  gpu.reading_period = 0;
  const auto t1 = std::chrono::steady_clock::now();
  run_matmul(fake_entries(gpu), {}, o);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count(), 0.3);
}

TEST(Runner, LongMultiplicationsShortenTheBurstWindow) {
  FakeConfig gpu;
  gpu.kind = DeviceKind::gpu;
  gpu.seconds_per_run = 0.05;  // 100 runs would be 5 s, far past the boost period
  auto recs = run_matmul(fake_entries(gpu), {}, small({{8, 8, 8}}));
  ASSERT_TRUE(recs[0].burst.has_value());
  EXPECT_EQ(recs[0].burst->iterations, 10);  // 0.5 s of timing
  EXPECT_NEAR(recs[0].burst->window_seconds, 0.5, 1e-9);
}

TEST(Runner, TelemetryGivesPowerEnergyAndWorkPerWatt) {
  FakeConfig gpu;
  gpu.kind = DeviceKind::gpu;
  gpu.power_w = 500;
  auto recs = run_matmul(fake_entries(gpu), {}, small({{8, 8, 8}}));
  const Record& r = recs[0];
  EXPECT_EQ(gpu.probe_windows, 2);  // burst and sustained, each sampled
  ASSERT_TRUE(r.main.telemetry.gflops_per_watt.has_value());
  EXPECT_NEAR(*r.main.telemetry.gflops_per_watt, r.main.gflops / 500, 1e-12);
  ASSERT_TRUE(r.main.telemetry.energy_per_mult_j.has_value());
  EXPECT_NEAR(*r.main.telemetry.energy_per_mult_j, 500 * 1e-3, 1e-9);  // 500 W x 1 ms
  ASSERT_TRUE(r.burst->telemetry.gflops_per_watt.has_value());
  EXPECT_EQ(*r.main.telemetry.mean_sm_clock_mhz, 1500);
}

TEST(Runner, WarmRowsSayWhenTheirOperandsFitInTheCache) {
  FakeConfig gpu;
  gpu.kind = DeviceKind::gpu;
  gpu.cache = 50u << 20;  // an H200's L2
  auto recs = run_matmul(fake_entries(gpu), {}, small({{8, 8, 8}}));
  EXPECT_TRUE(recs[0].operands_in_cache);
  gpu.cache = 100;  // smaller than 3 x 8 x 8 floats
  recs = run_matmul(fake_entries(gpu), {}, small({{8, 8, 8}}));
  EXPECT_FALSE(recs[0].operands_in_cache);
}

TEST(Runner, ALibraryDefaultAlgorithmIsTimedBesideTheChosenOne) {
  FakeConfig gpu;
  gpu.kind = DeviceKind::gpu;
  gpu.default_seconds_per_run = 2 * gpu.seconds_per_run;
  auto recs = run_matmul(fake_entries(gpu), {}, small({{8, 8, 8}}));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].algorithm, "tuned");
  EXPECT_EQ(recs[0].default_algorithm, "heuristic's first");
  ASSERT_TRUE(recs[0].default_rate && recs[0].tuned_gain);
  EXPECT_NEAR(*recs[0].tuned_gain, 2.0, 1e-9);
  EXPECT_NEAR(recs[0].default_rate->gflops, 2.0 * 8 * 8 * 8 / gpu.default_seconds_per_run / 1e9,
              1e-9);
  EXPECT_GE(recs[0].default_rate->iterations, 3);
  EXPECT_FALSE(gpu.using_default) << "the chosen algorithm is back for the rest of the case";
  EXPECT_NEAR(recs[0].main.gflops, 2.0 * 8 * 8 * 8 / gpu.seconds_per_run / 1e9, 1e-9);
  EXPECT_TRUE(recs[0].warnings.empty());

  gpu.default_seconds_per_run = gpu.seconds_per_run / 1.2;  // tuning chose the slower one
  auto misjudged = run_matmul(fake_entries(gpu), {}, small({{8, 8, 8}}));
  EXPECT_NEAR(*misjudged[0].tuned_gain, 1 / 1.2, 1e-9);
  ASSERT_EQ(misjudged[0].warnings.size(), 1u);
  EXPECT_NE(misjudged[0].warnings[0].find("default algorithm ran 1.20x"), std::string::npos);

  gpu.default_is_chosen = true;  // the heuristic's first was the fastest: one rate, gain 1
  auto same = run_matmul(fake_entries(gpu), {}, small({{8, 8, 8}}));
  EXPECT_EQ(*same[0].tuned_gain, 1.0);
  EXPECT_EQ(same[0].default_rate->gflops, same[0].main.gflops);

  FakeConfig cpu;  // no choice of algorithms: nothing recorded
  auto c = run_matmul(fake_entries(cpu), {}, small({{8, 8, 8}}));
  EXPECT_FALSE(c[0].default_rate.has_value());
  EXPECT_FALSE(c[0].tuned_gain.has_value());
  EXPECT_EQ(c[0].algorithm, "");
}

TEST(Runner, TheDefaultAlgorithmRunsAfterARestWhereTheMainWindowWasPowerLimited) {
  FakeConfig gpu;
  gpu.kind = DeviceKind::gpu;
  gpu.power_w = 300;
  gpu.default_seconds_per_run = 2 * gpu.seconds_per_run;
  RunOptions o = small({{8, 8, 8}});
  o.clocks = Clocks::sustained;  // no burst window, whose own rest would ask too
  o.burst_rest_seconds = 600;    // a rest not cut short by rested() would hang the test
  auto free_run = run_matmul(fake_entries(gpu), {}, o);
  EXPECT_EQ(gpu.rested_calls, 0) << "a window under no limit: the default alternates right after";
  EXPECT_GE(free_run[0].default_rate->iterations, 3);

  gpu.throttle_reasons = {"sw power cap"};
  gpu.default_runs = 0;
  auto capped = run_matmul(fake_entries(gpu), {}, o);
  EXPECT_GE(gpu.rested_calls, 1);
  EXPECT_EQ(gpu.default_runs_at_rest, 0) << "the rest comes before the default's first run";
  EXPECT_GT(gpu.default_runs, 0);
  EXPECT_NEAR(*capped[0].tuned_gain, 2.0, 1e-9);

  gpu.rested_calls = 0;
  gpu.default_is_chosen = true;  // one algorithm: nothing more to time, no rest
  run_matmul(fake_entries(gpu), {}, o);
  EXPECT_EQ(gpu.rested_calls, 0);
}
