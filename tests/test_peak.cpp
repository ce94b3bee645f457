// The peak search with a fake backend whose rate is a known function of the shape: the grid, the
// search order, the cost model, the budget, Ctrl-C, the summary and the JSON round trip.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "gpubench/analysis/peak_summary.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/measure/peak_search.hpp"
#include "gpubench/output/report_peak.hpp"

using namespace gpubench;

namespace {

// A device whose rate peaks at one shape: 100 GFLOPS x a smooth bump in log M, log N, log K.
struct Device {
  Shape best{48, 32, 56};
  double gflops_at_best = 100;
  double sleep_per_case = 0;          // real seconds each case costs (its inputs, say)
  DeviceKind kind = DeviceKind::cpu;  // a GPU gets burst and sustained windows from the runner
  bool corrupt = false;
  std::atomic<int> cases{0};
  std::atomic<bool>* interrupt_after = nullptr;  // set once `interrupt_at` cases have run
  int interrupt_at = 0;

  double gflops(const Shape& s) const {
    const auto d = [](double a, double b) { return std::log(a / b); };
    const double r2 = d(double(s.m), double(best.m)) * d(double(s.m), double(best.m)) +
                      d(double(s.n), double(best.n)) * d(double(s.n), double(best.n)) +
                      d(double(s.k), double(best.k)) * d(double(s.k), double(best.k));
    return gflops_at_best * std::exp(-r2);
  }
};

class BumpCase : public Case {
 public:
  BumpCase(const Problem& p, Device& dev) : p_(p), dev_(dev) {}
  double time_kernel(int reps) override {
    return reps * p_.shape.flops() / (dev_.gflops(p_.shape) * 1e9);
  }
  // A(i, k) and B(k, j) as the layout stores them (row-major, transposed where it says).
  double a(std::int64_t i, std::int64_t k) const {
    const Shape& s = p_.shape;
    return p_.a->at(std::size_t(transposed_a(s.layout) ? k * s.m + i : i * s.k + k));
  }
  double b(std::int64_t k, std::int64_t j) const {
    const Shape& s = p_.shape;
    return p_.b->at(std::size_t(transposed_b(s.layout) ? j * s.k + k : k * s.n + j));
  }
  void read_result(std::vector<double>& out) override {
    const auto M = p_.shape.m, N = p_.shape.n, K = p_.shape.k;
    out.assign(std::size_t(M * N), 0);
    for (std::int64_t i = 0; i < M; ++i)
      for (std::int64_t j = 0; j < N; ++j)
        for (std::int64_t k = 0; k < K; ++k) out[std::size_t(i * N + j)] += a(i, k) * b(k, j);
    if (dev_.corrupt) out[0] += 1.0;
    const int n = ++dev_.cases;
    if (dev_.interrupt_after && n >= dev_.interrupt_at) dev_.interrupt_after->store(true);
  }

 private:
  Problem p_;
  Device& dev_;
};

class BumpBackend : public Backend {
 public:
  explicit BumpBackend(Device& d) : dev_(d) {}
  std::string name() const override { return "bump"; }
  DeviceKind device_kind() const override { return dev_.kind; }
  int device_index() const override { return dev_.kind == DeviceKind::gpu ? 0 : -1; }
  std::string device_name() const override { return "bump device"; }
  Support supports(DType d, const Shape&) const override {
    return d == DType::fp16 ? Support::no("no fp16 here") : Support::yes();
  }
  std::optional<double> peak_gflops(DType) const override { return 200.0; }
  std::unique_ptr<Case> prepare(const Problem& p) override {
    if (dev_.sleep_per_case > 0)
      std::this_thread::sleep_for(std::chrono::duration<double>(dev_.sleep_per_case));
    return std::make_unique<BumpCase>(p, dev_);
  }

 private:
  Device& dev_;
};

std::vector<BackendEntry> bump_entry(Device& d) {
  BackendEntry e{"bump", d.kind,
                 "",     "cpu",
                 true,   [&d](const BackendOptions&) { return std::make_unique<BumpBackend>(d); }};
  e.role = BackendRole::library;
  return {e};
}

PeakOptions small_grid(double budget) {
  PeakOptions o;
  o.m = o.n = o.k = GridRange{8, 128, 8};  // 16 values each, like the default grid's 16
  o.budget_seconds = budget;
  o.started = std::chrono::steady_clock::now();
  o.full.min_time = 0.01;
  return o;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST(PeakGrid, ValuesIncludeStopAndZeroMeansStep) {
  EXPECT_EQ(grid_values({1024, 4096, 1024}, "--m-range"),
            (std::vector<std::int64_t>{1024, 2048, 3072, 4096}));
  EXPECT_EQ(grid_values({0, 1000, 256}, "--m-range"),
            (std::vector<std::int64_t>{256, 512, 768}));  // mamf-finder's 0: the first is STEP
  EXPECT_EQ(grid_values({4096, 4096, 1}, "--k-range"), (std::vector<std::int64_t>{4096}));
}

TEST(PeakGrid, BadRangesAreUsageErrorsNamingTheOption) {
  for (const GridRange& bad :
       {GridRange{1024, 512, 256}, GridRange{1024, 4096, 0}, GridRange{0, 0, 1},
        GridRange{1, 3000000000LL, 1}, GridRange{1, 1000000, 1}}) {
    try {
      grid_values(bad, "--n-range");
      ADD_FAILURE() << bad.start << " " << bad.stop << " " << bad.step << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("--n-range"), std::string::npos) << e.what();
    }
  }
}

TEST(PeakGrid, DoublingIndices) {
  const auto v = grid_values({1024, 16384, 1024}, "--m-range");
  EXPECT_EQ(doubling_indices(v), (std::vector<int>{0, 1, 3, 7, 15}));  // 1k 2k 4k 8k 16k
  EXPECT_EQ(doubling_indices({4096}), (std::vector<int>{0}));
  // The last value joins when doubling stops short of it.
  EXPECT_EQ(doubling_indices(grid_values({256, 20480, 256}, "--m-range")).back(), 79);
}

TEST(PeakCostModel, GrowsWithTheShapeAndLearnsTheOverhead) {
  PeakCostModel m;
  RunOptions o = peak_search_timing({});
  const double small = m.predict({64, 64, 64}, o), big = m.predict({4096, 4096, 4096}, o);
  EXPECT_GT(big, small);
  // Measured: 1 GFLOPS and 1 s of overhead for a 100-element... shape of 1e6 elements.
  m.seen.push_back({2e9, 1e6, 2.0, 3.0, 1.0});
  const double same = m.predict({1000, 1000, 1000}, o);  // 2e9 flops: 2 s a run at 1 GFLOPS
  EXPECT_GT(same, 1.0 + PeakCostModel::timing_seconds(o, 2.0));
  // Four times the operands: at least four times the overhead.
  EXPECT_GT(m.predict({2000, 2000, 2000}, o), 4.0);
}

TEST(PeakCostModel, TimingFollowsTheRunnerPolicy) {
  RunOptions o;
  o.warmup = 2;
  o.min_time = 0.3;
  o.min_samples = 5;
  o.max_time_per_case = 10;
  // Short runs: min_time dominates; long runs: min_samples of them.
  EXPECT_NEAR(PeakCostModel::timing_seconds(o, 1e-3), 0.3, 0.05);
  EXPECT_NEAR(PeakCostModel::timing_seconds(o, 1.0), 2 + 5 + 1, 1e-9);
  EXPECT_LE(PeakCostModel::timing_seconds(o, 100.0), 2 * 100 + 10 + 100);
}

TEST(PeakSearch, FindsTheFastestShapeOfASmoothGrid) {
  Device dev;
  Results r;
  run_peak_search(bump_entry(dev), {}, small_grid(3), r);
  ASSERT_EQ(r.peak.size(), 1u);
  const PeakSearch& s = r.peak[0];
  EXPECT_EQ(s.grid_shapes, 16u * 16u * 16u);
  ASSERT_FALSE(s.points.empty());
  EXPECT_EQ(s.points.front().phase, "diagonal");
  EXPECT_EQ(s.points.front().shape, (Shape{8, 8, 8}));  // the smallest cube first
  const auto sums = summarize_peak(r);
  ASSERT_EQ(sums.size(), 1u);
  ASSERT_GE(sums[0].best_row, 0);
  EXPECT_TRUE(sums[0].best_remeasured);
  EXPECT_EQ(r.records[std::size_t(sums[0].best_row)].shape, dev.best);
  EXPECT_NEAR(r.records[std::size_t(sums[0].best_row)].main.gflops, 100, 1);
  // The compass search reached it before the fill phase measured everything.
  bool pattern_found_it = false;
  for (const PeakPoint& p : s.points)
    pattern_found_it = pattern_found_it || (p.shape == dev.best && p.phase != "fill");
  EXPECT_TRUE(pattern_found_it);
  EXPECT_EQ(int(s.rows.size()), 3);  // --remeasure 3
  EXPECT_EQ(sums[0].remeasured, 3);
  EXPECT_TRUE(sums[0].geomean_gflops.has_value());
  EXPECT_LE(*sums[0].geomean_gflops, *sums[0].mean_gflops);
  for (const PeakPoint& p : s.points) EXPECT_TRUE(p.verified);
}

class PeakBudget : public ::testing::TestWithParam<DeviceKind> {};

TEST_P(PeakBudget, StaysWithinItsBudget) {
  Device dev;
  dev.kind = GetParam();
  dev.sleep_per_case = 0.02;  // every case costs real time
  const auto t0 = std::chrono::steady_clock::now();
  Results r;
  PeakOptions o = small_grid(1.0);
  o.started = t0;
  o.search.burst_rest_seconds = o.full.burst_rest_seconds = 0.01;  // not 1 s of a 1 s budget
  run_peak_search(bump_entry(dev), {}, o, r);
  EXPECT_LT(seconds_since(t0), 1.0);
  ASSERT_EQ(r.peak.size(), 1u);
  EXPECT_EQ(r.peak[0].ended, "budget");
  EXPECT_GT(r.peak[0].points.size(), 5u);
  EXPECT_LT(r.peak[0].points.size(), 4096u);
  EXPECT_FALSE(r.peak[0].rows.empty());
}

INSTANTIATE_TEST_SUITE_P(CpuAndGpu, PeakBudget,
                         ::testing::Values(DeviceKind::cpu, DeviceKind::gpu));

TEST(PeakSearch, InterruptKeepsTheBestSoFar) {
  Device dev;
  std::atomic<bool> stop{false};
  dev.interrupt_after = &stop;
  dev.interrupt_at = 4;
  Results r;
  PeakOptions o = small_grid(20);
  o.interrupt = &stop;
  run_peak_search(bump_entry(dev), {}, o, r);
  ASSERT_EQ(r.peak.size(), 1u);
  EXPECT_EQ(r.peak[0].ended, "interrupted");
  EXPECT_EQ(r.peak[0].points.size(), 4u);
  ASSERT_EQ(r.peak[0].rows.size(), 1u);  // the best search row, not re-measured
  const auto sums = summarize_peak(r);
  EXPECT_FALSE(sums[0].best_remeasured);
  EXPECT_EQ(sums[0].remeasured, 0);
  EXPECT_EQ(r.records[0].shape, (Shape{32, 32, 32}));  // the best of the 8, 16, 32, 64 cubes
}

TEST(PeakSearch, TheLayoutGoesToEveryShapeAndTheReport) {
  Device dev;
  Results r;
  PeakOptions o = small_grid(1);
  o.layout = Layout::nt;
  run_peak_search(bump_entry(dev), {}, o, r);
  ASSERT_FALSE(r.peak[0].points.empty());
  EXPECT_EQ(r.peak[0].layout, Layout::nt);
  for (const PeakPoint& p : r.peak[0].points) EXPECT_EQ(p.shape.layout, Layout::nt);
  for (const Record& rec : r.records) EXPECT_EQ(rec.shape.layout, Layout::nt);
  std::ostringstream table;
  write_peak_table(table, r);
  EXPECT_NE(table.str().find("bump fp32 nt on"), std::string::npos) << table.str();
  const Results back = results_from_json_text(results_to_json_text(r), "nt");
  EXPECT_EQ(back.peak[0].layout, Layout::nt);
  EXPECT_EQ(back.peak[0].points[0].shape, r.peak[0].points[0].shape);
}

TEST(PeakSearch, AnInt8SearchReadsInOperationsNotFlops) {
  Device dev;
  Results r;
  run_peak_search(bump_entry(dev), {}, small_grid(1), r);
  ASSERT_EQ(r.peak.size(), 1u);
  std::ostringstream fp32_table;
  write_peak_table(fp32_table, r);
  EXPECT_NE(fp32_table.str().find(" GFLOPS"), std::string::npos) << fp32_table.str();
  r.peak[0].dtype = DType::int8;  // the same search, as if of int8
  for (Record& rec : r.records) rec.dtype = DType::int8;
  std::ostringstream table;
  write_peak_table(table, r);
  EXPECT_NE(table.str().find(" GOPS"), std::string::npos) << table.str();
  EXPECT_EQ(table.str().find("FLOPS"), std::string::npos) << table.str();
}

TEST(PeakSearch, UnsupportedDtypeEndsWithTheReason) {
  Device dev;
  Results r;
  PeakOptions o = small_grid(5);
  o.dtypes = {DType::fp16};
  run_peak_search(bump_entry(dev), {}, o, r);
  ASSERT_EQ(r.peak.size(), 1u);
  EXPECT_EQ(r.peak[0].ended, "unsupported");
  ASSERT_FALSE(r.peak[0].points.empty());
  EXPECT_EQ(r.peak[0].points[0].status, Status::unsupported);
  EXPECT_TRUE(r.records.empty());
  std::ostringstream table;
  write_peak_table(table, r);
  EXPECT_NE(table.str().find("no fp16 here"), std::string::npos) << table.str();
}

TEST(PeakSearch, AWrongResultIsAFailedPoint) {
  Device dev;
  dev.corrupt = true;
  Results r;
  run_peak_search(bump_entry(dev), {}, small_grid(2), r);
  ASSERT_FALSE(r.peak[0].points.empty());
  EXPECT_EQ(r.peak[0].points[0].status, Status::failed);
  EXPECT_EQ(r.peak[0].ended, "failed");
  EXPECT_EQ(summarize_peak(r)[0].best_row, -1);
}

TEST(PeakSearch, TwoDtypesShareTheBudget) {
  Device dev;
  Results r;
  PeakOptions o = small_grid(2);
  o.dtypes = {DType::fp32, DType::fp64};
  run_peak_search(bump_entry(dev), {}, o, r);
  ASSERT_EQ(r.peak.size(), 2u);
  EXPECT_EQ(r.peak[0].dtype, DType::fp32);
  EXPECT_EQ(r.peak[1].dtype, DType::fp64);
  EXPECT_LT(r.peak[0].budget_seconds, 1.1);
  EXPECT_FALSE(r.peak[1].rows.empty());
}

TEST(PeakJson, RoundTripsAndCarriesTheSummary) {
  Device dev;
  Results r;
  run_peak_search(bump_entry(dev), {}, small_grid(3), r);
  const Results back = results_from_json_text(results_to_json_text(r), "peak");
  ASSERT_EQ(back.peak.size(), 1u);
  EXPECT_EQ(back.peak[0].points.size(), r.peak[0].points.size());
  EXPECT_EQ(back.peak[0].rows, r.peak[0].rows);
  EXPECT_EQ(back.peak[0].m, r.peak[0].m);
  EXPECT_EQ(back.peak[0].points[0].shape, r.peak[0].points[0].shape);
  EXPECT_EQ(back.peak[0].ended, r.peak[0].ended);
  EXPECT_EQ(back.peak[0].layout, Layout::nn);
  std::ostringstream text;
  write_peak_json(text, r);
  const auto doc = nlohmann::json::parse(text.str());
  EXPECT_EQ(doc["peak"][0]["summary"]["best_row"], summarize_peak(r)[0].best_row);
  EXPECT_TRUE(doc["peak"][0]["summary"]["geomean_gflops"].is_number());
  // A row index beyond the records is refused on reading.
  auto bad = results_to_json(r);
  bad["peak"][0]["rows"] = {99};
  EXPECT_THROW(results_from_json_text(bad.dump(), "bad"), UsageError);
}

TEST(PeakSearch, OnAGpuTheSearchTimesBurstAndTheBestGetsBothRates) {
  Device dev;
  dev.kind = DeviceKind::gpu;
  Results r;
  PeakOptions o = small_grid(8);  // room for the clock settling the cost model allows for
  o.search.burst_rest_seconds = o.full.burst_rest_seconds = 0.01;
  run_peak_search(bump_entry(dev), {}, o, r);
  ASSERT_EQ(r.peak.size(), 1u);
  const auto sums = summarize_peak(r);
  ASSERT_GE(sums[0].best_row, 0);
  const Record& best = r.records[std::size_t(sums[0].best_row)];
  EXPECT_EQ(best.shape, dev.best);
  EXPECT_TRUE(best.burst.has_value());
  EXPECT_EQ(best.main.clocks, "sustained");
  ASSERT_TRUE(sums[0].best_burst_gflops && sums[0].best_sustained_gflops);
  EXPECT_NEAR(*sums[0].best_burst_gflops, 100, 1);
  EXPECT_NEAR(*sums[0].best_burst_pct, 50, 1);  // the fake's peak is 200
  EXPECT_FALSE(sums[0].best_one_rate_gflops);
  EXPECT_DOUBLE_EQ(achievable_gflops(best), best.burst->gflops);
  std::ostringstream table;
  write_peak_table(table, r);
  EXPECT_NE(table.str().find("Best: 48x32x56  burst "), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("sustained "), std::string::npos) << table.str();
}

TEST(PeakSearch, ABackendThatCannotStartIsOneRowWithTheReason) {
  BackendEntry e{"nogpu",
                 DeviceKind::gpu,
                 "",
                 "gpu",
                 true,
                 [](const BackendOptions&) -> std::unique_ptr<Backend> {
                   throw BackendError("no CUDA device: none here");
                 }};
  Results r;
  run_peak_search({e}, {}, small_grid(5), r);
  ASSERT_EQ(r.peak.size(), 1u);
  EXPECT_EQ(r.peak[0].ended, "unsupported");
  ASSERT_EQ(r.peak[0].points.size(), 1u);
  EXPECT_EQ(r.peak[0].points[0].status, Status::skipped);
  EXPECT_EQ(r.peak[0].points[0].reason, "no CUDA device: none here");
  std::ostringstream table;
  write_peak_table(table, r);
  EXPECT_NE(table.str().find("no CUDA device: none here"), std::string::npos) << table.str();
}
