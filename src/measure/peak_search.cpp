#include "gpubench/measure/peak_search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "gpubench/backends/gpu_peaks.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/measure/session.hpp"

namespace gpubench {

namespace {

using Clock = std::chrono::steady_clock;
using Index = std::array<int, 3>;  // a grid point: indices into the M, N and K values

constexpr std::int64_t kMaxDimension = 2147483647;  // BLAS's 32-bit limit
constexpr std::int64_t kMaxValuesPerDimension = 100000;
// A neighbour must beat the centre by this much for the pattern search to move: the search's short
// timing has about this much noise, and chasing noise would spend the budget walking in circles.
constexpr double kMoveGain = 1.005;
// Candidates examined in a row without one fitting the time left: the fill phase gives up.
constexpr int kMaxPassedInARow = 200000;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int pow2_floor(int v) {
  int p = 1;
  while (p * 2 <= v) p *= 2;
  return p;
}

}  // namespace

std::vector<std::int64_t> grid_values(const GridRange& r, const std::string& option) {
  const std::string given = fmt::format("{} {} {} {}", option, r.start, r.stop, r.step);
  if (r.step < 1) throw UsageError(given + ": STEP must be at least 1");
  if (r.start < 0 || r.stop < 1)
    throw UsageError(given + ": START must be 0 or more and STOP at least 1");
  const std::int64_t start = r.start == 0 ? r.step : r.start;  // as mamf-finder: 0 means STEP
  if (r.stop < start)
    throw UsageError(fmt::format("{}: STOP is below START{}", given,
                                 r.start == 0 ? fmt::format(" (0 means STEP, {})", r.step) : ""));
  if (r.stop > kMaxDimension)
    throw UsageError(
        fmt::format("{}: dimensions go up to {} (BLAS's 32-bit limit)", given, kMaxDimension));
  const std::int64_t count = (r.stop - start) / r.step + 1;
  if (count > kMaxValuesPerDimension)
    throw UsageError(fmt::format("{}: {} values, at most {} per dimension", given, count,
                                 kMaxValuesPerDimension));
  std::vector<std::int64_t> v;
  v.reserve(std::size_t(count));
  for (std::int64_t x = start; x <= r.stop; x += r.step) v.push_back(x);
  return v;
}

std::vector<int> doubling_indices(const std::vector<std::int64_t>& values) {
  std::vector<int> out;
  if (values.empty()) return out;
  auto nearest = [&](double target) {
    int best = 0;
    for (int i = 1; i < int(values.size()); ++i)
      if (std::abs(double(values[i]) - target) < std::abs(double(values[best]) - target)) best = i;
    return best;
  };
  for (double t = double(values.front()); t <= double(values.back()); t *= 2) {
    const int i = nearest(t);
    if (out.empty() || out.back() != i) out.push_back(i);
  }
  if (out.back() != int(values.size()) - 1) out.push_back(int(values.size()) - 1);
  return out;
}

RunOptions peak_search_timing(const RunOptions& base) {
  RunOptions o = base;
  o.warmup = 1;
  o.min_samples = 3;
  o.min_time = 0.02;
  o.max_time_per_case = 2.0;
  o.clocks = Clocks::burst;
  o.verify = true;
  return o;
}

double PeakCostModel::timing_seconds(const RunOptions& o, double one_run, bool gpu) {
  const double t1 = std::max(one_run, 1e-7);
  const double warm = std::max(1, o.warmup) * t1;
  double timed = 0;
  // The runner's burst window (<= 0.25 s + <= 0.5 s), after its rest from the library's
  // algorithm tuning.
  if (gpu && o.clocks != Clocks::sustained)
    timed += o.burst_rest_seconds + std::min(50 * t1, std::max(0.25, t1)) +
             std::min(100 * t1, std::max(0.5, t1)) + t1;
  if (!gpu || o.clocks != Clocks::burst) {
    if (gpu) timed += 1.5 + 0.025 + t1;  // the clock settling, at most
    const double target_sample = std::max(1e-4, o.min_time / std::max(1, o.min_samples * 2));
    const double batch = std::clamp(std::floor(target_sample / t1), 1.0, 1000.0);
    const double sampled = std::max(o.min_time, o.min_samples * batch * t1);
    timed += std::min(sampled, o.max_time_per_case) + batch * t1;  // + the batch that crosses
  }
  return warm + timed;
}

double PeakCostModel::one_run(const Shape& s) const {
  // The rate of the measured shape nearest in size, with a margin: a bigger shape usually runs at
  // least as fast, a smaller one may not.
  const double flops = s.flops();
  double gflops = prior_gflops, distance = std::numeric_limits<double>::infinity();
  for (const PeakCostSample& c : seen)
    if (c.gflops > 0 && c.flops > 0) {
      const double d = std::abs(std::log(flops / c.flops));
      if (d < distance) distance = d, gflops = c.gflops;
    }
  return flops / (std::max(gflops, 1e-3) * 0.8 * 1e9);
}

double PeakCostModel::overhead(const Shape& s) const {
  // It grows with the operands: the cheapest extrapolation from a measured shape, never below the
  // smallest overhead seen. Before any measurement: a guess of 30 ns per element.
  const double elements =
      double(s.m) * double(s.k) + double(s.k) * double(s.n) + double(s.m) * double(s.n);
  if (seen.empty()) return 0.05 + 30e-9 * elements;
  double out = std::numeric_limits<double>::infinity();
  for (const PeakCostSample& c : seen) {
    const double own = std::max(0.0, c.wall_seconds - c.kernel_seconds);
    out = std::min(out, own * std::max(1.0, elements / std::max(1.0, c.elements)));
  }
  return out;
}

double PeakCostModel::predict(const Shape& s, const RunOptions& o) const {
  return 1.1 * (overhead(s) + timing_seconds(o, one_run(s), gpu)) + 0.005;
}

namespace {

// The watchdog: the runner's stop flag goes up at Ctrl-C or at the budget's end, so that a case
// running then stops after its current batch of repetitions.
class Watchdog {
 public:
  Watchdog(const std::atomic<bool>* interrupt, Clock::time_point deadline)
      : interrupt_(interrupt), deadline_(deadline), thread_([this] { watch(); }) {}
  ~Watchdog() {
    done_.store(true);
    thread_.join();
  }
  const std::atomic<bool>* flag() const { return &stop_; }
  // Also at once when the interrupt came, before the watchdog's next look.
  bool stopped() const { return stop_.load() || interrupted(); }
  bool interrupted() const { return interrupt_ && interrupt_->load(); }

 private:
  void watch() {
    while (!done_.load()) {
      if (interrupted() || Clock::now() >= deadline_) stop_.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  const std::atomic<bool>* interrupt_;
  Clock::time_point deadline_;
  std::atomic<bool> stop_{false}, done_{false};
  std::thread thread_;
};

class Searcher {
 public:
  // Fills `results.peak.back()`, which the caller added for it.
  Searcher(const BackendEntry& entry, const BackendOptions& bopts, const PeakOptions& opts,
           DType dtype, Results& results, PeakObserver* observer, const Watchdog& watchdog,
           Clock::time_point deadline, std::optional<double> prior_gflops)
      : search_(results.peak.back()),
        entry_(entry),
        bopts_(bopts),
        opts_(opts),
        dtype_(dtype),
        results_(results),
        observer_(observer),
        watchdog_(watchdog),
        deadline_(deadline) {
    values_ = {grid_values(opts.m, "--m-range"), grid_values(opts.n, "--n-range"),
               grid_values(opts.k, "--k-range")};
    // A third of the device's peak before anything is measured: the first (smallest) shapes
    // rarely run near it.
    if (prior_gflops && *prior_gflops > 0) model_.prior_gflops = *prior_gflops / 3;
    model_.gpu = entry.kind == DeviceKind::gpu;
    search_.backend = entry.name;
    search_.dtype = dtype;
    search_.device_kind = entry.kind;
    search_.device_index = entry.device;
    search_.m = opts.m;
    search_.n = opts.n;
    search_.k = opts.k;
    search_.layout = opts.layout;
    search_.grid_shapes =
        std::uint64_t(values_[0].size()) * values_[1].size() * std::uint64_t(values_[2].size());
    // Never negative: start-up (library loading, the first search's set-up) may outlast a tiny
    // --budget.
    search_.budget_seconds = std::max(0.0, seconds_between(Clock::now(), deadline_));
  }

  void run() {
    const Clock::time_point began = Clock::now();
    // Until something is measured, a third of the share is kept for re-measuring.
    reserve_ = 0.3 * search_.budget_seconds;
    if (observer_) observer_->search_started(search_);
    if (!backend_can_start()) {
      search_.ended = "unsupported";
      search_.elapsed_seconds = seconds_between(began, Clock::now());
      return;
    }
    diagonal();
    if (best_ >= 0 && !out_of_time()) pattern();
    if (best_ >= 0 && !out_of_time()) fill();
    if (watchdog_.interrupted())
      search_.ended = "interrupted";
    else if (best_ < 0 && !search_.points.empty() && !budget_hit_)
      search_.ended = std::any_of(search_.points.begin(), search_.points.end(),
                                  [](const PeakPoint& p) { return p.status == Status::failed; })
                          ? "failed"
                          : "unsupported";
    else if (measured_.size() == search_.grid_shapes)
      search_.ended = "grid";
    else
      search_.ended = "budget";
    remeasure();
    search_.elapsed_seconds = seconds_between(began, Clock::now());
  }

 private:
  // A backend that cannot start on this machine (no GPU, no library) gives one row saying why,
  // at once, instead of a search of rows that all say it. One that starts tells the device's peak.
  bool backend_can_start() {
    try {
      const std::unique_ptr<Backend> b = entry_.create(bopts_);
      if (const auto peak = b->peak_gflops(dtype_); peak && *peak > 0)
        model_.prior_gflops = *peak / 3;
      return true;
    } catch (const std::exception& e) {
      const Shape s = shape_at({0, 0, 0});
      Record r = case_record(entry_, nullptr, s, dtype_);
      r.status = Status::skipped;
      r.reason = e.what();
      PeakPoint p;
      p.shape = s;
      p.phase = "diagonal";
      p.status = r.status;
      p.reason = r.reason;
      measured_[{0, 0, 0}] = int(search_.points.size());
      search_.points.push_back(p);
      records_.push_back(std::move(r));
      if (observer_) observer_->point_measured(search_, results_);
      return false;
    }
  }

  Shape shape_at(const Index& i) const {
    Shape s{values_[0][std::size_t(i[0])], values_[1][std::size_t(i[1])],
            values_[2][std::size_t(i[2])]};
    s.layout = opts_.layout;
    return s;
  }
  double rate_at(const Index& i) const {
    const auto it = measured_.find(i);
    if (it == measured_.end()) return 0;
    const PeakPoint& p = search_.points[std::size_t(it->second)];
    return p.status == Status::ok ? p.gflops : 0;
  }
  bool out_of_time() const { return watchdog_.stopped() || budget_hit_; }
  double seconds_left(Clock::time_point until) const {
    return seconds_between(Clock::now(), until);
  }
  Clock::time_point search_deadline() const {
    return deadline_ -
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(reserve_));
  }

  RunOptions case_options(RunOptions o, const Shape& s) const {
    o.shapes = {s};
    o.dtypes = {dtype_};
    o.stop = watchdog_.flag();
    return o;
  }

  // Runs one case; nullopt when the watchdog stopped it before it began.
  std::optional<Record> run_case(const RunOptions& o, double& wall) {
    std::optional<Record> got;
    CaseHandlers handlers;
    handlers.finished = [&got](const Progress&, Record&& r) { got = std::move(r); };
    const Clock::time_point t0 = Clock::now();
    run_cases({entry_}, bopts_, o, handlers);
    wall = seconds_between(t0, Clock::now());
    if (got) label_record(*got, results_.system, 0);
    return got;
  }

  // Measures grid point `i` as `phase` chose it, unless it was measured or passed over already, or
  // is predicted not to fit the search's time left. True when it was measured.
  bool measure(const Index& i, const char* phase) {
    if (out_of_time() || measured_.contains(i) || passed_.contains(i)) return false;
    const Shape s = shape_at(i);
    const RunOptions search = peak_search_timing(opts_.search);
    const double left = seconds_left(search_deadline());
    if (model_.predict(shape_at({0, 0, 0}), search) > left) {
      budget_hit_ = true;  // not even the smallest shape fits any more
      return false;
    }
    if (model_.predict(s, search) > left) {
      passed_.insert(i);
      ++search_.skipped_for_budget;
      ++passed_in_a_row_;
      return false;
    }
    passed_in_a_row_ = 0;
    RunOptions o = case_options(search, s);
    o.max_time_per_case = std::max(0.01, std::min(o.max_time_per_case, left / 2));
    double wall = 0;
    std::optional<Record> r = run_case(o, wall);
    if (!r) return false;  // stopped before it began
    PeakPoint p;
    p.shape = s;
    p.phase = phase;
    p.status = r->status;
    p.reason = r->reason;
    p.gflops = r->ok() ? r->main.gflops : 0;
    p.pct_of_peak = r->pct_of_peak;
    p.seconds = r->main.seconds;
    p.iterations = r->main.iterations;
    p.verified = r->verified;
    p.max_rel_error = r->max_rel_error;
    p.wall_seconds = wall;
    if (watchdog_.stopped() && r->ok()) {
      // Cut short by the budget's end or Ctrl-C: ranked like the others, but it says so.
      r->warnings.push_back(fmt::format("cut short: {} samples", r->main.seconds.samples));
    }
    measured_[i] = int(search_.points.size());
    search_.points.push_back(p);
    records_.push_back(std::move(*r));
    const Record& rec = records_.back();
    if (search_.device_name.empty()) search_.device_name = rec.device_name;
    if (rec.ok() && rec.main.seconds.median > 0) {
      model_.seen.push_back(
          {s.flops(),
           double(s.m) * double(s.k) + double(s.k) * double(s.n) + double(s.m) * double(s.n),
           PeakCostModel::timing_seconds(search, rec.main.seconds.median, model_.gpu), wall,
           rec.main.gflops});
      if (best_ < 0 || rec.main.gflops > rate_at(best_index_)) {
        best_ = measured_[i];
        best_index_ = i;
      }
    }
    update_reserve();
    if (observer_) observer_->point_measured(search_, results_);
    return true;
  }

  // The time kept for re-measuring: the predicted cost of the best few shapes so far with the
  // full timing, within 10% and 50% of this search's share. A shape too long for half the share
  // would not be re-measured anyway (the fastest one would, with the shortened timing), so it
  // keeps nothing back for itself.
  void update_reserve() {
    const double cap = 0.5 * search_.budget_seconds;
    double need = 0;
    bool first = true;
    for (int p : top_points()) {
      const Shape& s = search_.points[std::size_t(p)].shape;
      double cost = model_.predict(s, opts_.full);
      if (first && cost > cap) cost = model_.predict(s, shortened_timing(opts_.full));
      if (need + cost <= cap) need += cost;
      first = false;
    }
    reserve_ = std::clamp(need, 0.1 * search_.budget_seconds, cap);
  }

  // The re-measuring timing cut down for the fastest shape when the full one does not fit: the
  // burst rate on a GPU, a few samples on the CPU.
  static RunOptions shortened_timing(RunOptions o) {
    o.warmup = 1;
    o.min_samples = 3;
    o.min_time = 0;
    o.clocks = Clocks::burst;  // a GPU's burst window alone: no clock settling
    return o;
  }

  // Indices into search_.points of the best `remeasure` measured shapes, best first.
  std::vector<int> top_points() const {
    std::vector<int> ok;
    for (int p = 0; p < int(search_.points.size()); ++p)
      if (search_.points[std::size_t(p)].status == Status::ok) ok.push_back(p);
    std::stable_sort(ok.begin(), ok.end(), [&](int a, int b) {
      return search_.points[std::size_t(a)].gflops > search_.points[std::size_t(b)].gflops;
    });
    if (int(ok.size()) > opts_.remeasure) ok.resize(std::size_t(std::max(0, opts_.remeasure)));
    return ok;
  }

  void measure_all(std::vector<Index> candidates, const char* phase) {
    std::sort(candidates.begin(), candidates.end(), [&](const Index& a, const Index& b) {
      return shape_at(a).flops() < shape_at(b).flops();
    });
    for (const Index& c : candidates) {
      if (out_of_time()) return;
      measure(c, phase);
    }
  }

  // 1. The cubes at doubling sizes (each dimension's doubling indices side by side).
  void diagonal() {
    std::array<std::vector<int>, 3> coarse;
    std::size_t levels = 0;
    for (int d = 0; d < 3; ++d) {
      coarse[std::size_t(d)] = doubling_indices(values_[std::size_t(d)]);
      levels = std::max(levels, coarse[std::size_t(d)].size());
    }
    std::vector<Index> cands;
    for (std::size_t t = 0; t < levels; ++t) {
      Index i{};
      for (std::size_t d = 0; d < 3; ++d) i[d] = coarse[d][std::min(t, coarse[d].size() - 1)];
      if (std::find(cands.begin(), cands.end(), i) == cands.end()) cands.push_back(i);
    }
    measure_all(cands, "diagonal");
    // Nothing fitted or ran: stop unless a shape is left that the budget allows.
  }

  // 2. Compass search in index space from the best shape.
  void pattern() {
    Index centre = best_index_;
    std::array<int, 3> step{};
    for (std::size_t d = 0; d < 3; ++d)
      step[d] = pow2_floor(std::max(1, (int(values_[d].size()) - 1) / 4));
    while (!out_of_time()) {
      std::vector<Index> around;
      auto add = [&](Index i) {
        for (std::size_t d = 0; d < 3; ++d) i[d] = std::clamp(i[d], 0, int(values_[d].size()) - 1);
        if (i != centre && std::find(around.begin(), around.end(), i) == around.end())
          around.push_back(i);
      };
      for (std::size_t d = 0; d < 3; ++d)
        for (int sign : {-1, 1}) {
          Index i = centre;
          i[d] += sign * step[d];
          add(i);
        }
      for (int sign : {-1, 1})
        add({centre[0] + sign * step[0], centre[1] + sign * step[1], centre[2] + sign * step[2]});
      measure_all(around, "pattern");
      if (out_of_time()) return;
      Index next = centre;
      for (const Index& i : around)
        if (rate_at(i) > rate_at(next)) next = i;
      if (next != centre && rate_at(next) > kMoveGain * rate_at(centre)) {
        centre = next;
        continue;
      }
      if (step[0] == 1 && step[1] == 1 && step[2] == 1) return;
      for (int& s : step) s = std::max(1, s / 2);
    }
  }

  // 3. The unmeasured shapes around the best one, a shell (Chebyshev distance in grid steps) at a
  // time, the cheapest first within a shell.
  void fill() {
    const Index c = best_index_;
    int reach = 0;
    for (std::size_t d = 0; d < 3; ++d)
      reach = std::max({reach, c[d], int(values_[d].size()) - 1 - c[d]});
    for (int r = 1; r <= reach && !out_of_time(); ++r) {
      std::vector<Index> shell;
      auto inside = [&](const Index& i) {
        for (std::size_t d = 0; d < 3; ++d)
          if (i[d] < 0 || i[d] >= int(values_[d].size())) return false;
        return true;
      };
      for (int a = -r; a <= r; ++a)
        for (int b = -r; b <= r; ++b) {
          const bool face = std::abs(a) == r || std::abs(b) == r;
          for (int e = -r; e <= r; e += face ? 1 : 2 * r) {
            const Index i{c[0] + a, c[1] + b, c[2] + e};
            if (inside(i) && !measured_.contains(i) && !passed_.contains(i)) shell.push_back(i);
          }
        }
      measure_all(shell, "fill");
      if (passed_in_a_row_ >= kMaxPassedInARow) {
        budget_hit_ = true;
        return;
      }
    }
  }

  // The best few shapes again, with the full timing, within the time left.
  void remeasure() {
    const std::vector<int> top = top_points();
    bool fastest_done = false;
    for (std::size_t rank = 0; rank < top.size(); ++rank) {
      if (watchdog_.stopped()) break;
      const Shape s = search_.points[std::size_t(top[rank])].shape;
      RunOptions o = case_options(opts_.full, s);
      const double left = seconds_left(deadline_);
      std::string shortened;
      if (model_.predict(s, o) > left) {
        // Less timing rather than none: one warm-up run and three samples, as long as the time
        // left allows. The fastest shape is worth that; the others are left out instead.
        if (rank > 0) continue;
        o = shortened_timing(o);
        if (model_.predict(s, o) > left) continue;
        // The timed part may use what the rest (predicted) leaves.
        o.max_time_per_case =
            std::max(0.01, (left - 0.005) / 1.1 - model_.overhead(s) - 2 * model_.one_run(s));
        shortened = fmt::format(
            "re-measured with shortened timing (1 warm-up run, then the burst window on a GPU or 3 "
            "samples on the CPU): {} s were left of the budget",
            std::round(left * 10) / 10);
      }
      if (observer_) observer_->remeasure_started(search_, s);
      double wall = 0;
      std::optional<Record> r = run_case(o, wall);
      if (!r) break;
      if (!shortened.empty()) r->warnings.push_back(shortened);
      if (watchdog_.stopped() && r->ok())
        r->warnings.push_back(fmt::format("cut short: {} samples", r->main.seconds.samples));
      fastest_done = fastest_done || rank == 0;
      search_.rows.push_back(int(results_.records.size()));
      results_.records.push_back(std::move(*r));
      if (observer_) observer_->remeasured(search_, results_);
    }
    // The fastest shape of the search is always among the rows: with its search timing, marked,
    // when there was no time to measure it again.
    if (!fastest_done && !top.empty()) {
      Record r = records_[std::size_t(top.front())];
      r.warnings.push_back(
          "search timing only (a few repetitions): the run ended before this shape could be "
          "re-measured");
      search_.rows.insert(search_.rows.begin(), int(results_.records.size()));
      results_.records.push_back(std::move(r));
    }
  }

  PeakSearch& search_;
  const BackendEntry& entry_;
  const BackendOptions& bopts_;
  const PeakOptions& opts_;
  DType dtype_;
  Results& results_;
  PeakObserver* observer_;
  const Watchdog& watchdog_;
  Clock::time_point deadline_;
  std::array<std::vector<std::int64_t>, 3> values_;
  PeakCostModel model_;
  std::map<Index, int> measured_;  // grid point -> index into search_.points
  std::set<Index> passed_;         // predicted not to fit when they came up
  std::vector<Record> records_;    // the search's rows, parallel to search_.points
  int best_ = -1;                  // index into search_.points of the fastest ok shape
  Index best_index_{};
  double reserve_ = 0;
  bool budget_hit_ = false;
  int passed_in_a_row_ = 0;
};

// `opts` with the one layout the entry's GPU takes `d` in, where the user chose none.
PeakOptions with_gpu_layout(PeakOptions opts, const SystemInfo& sys, const BackendEntry& e, DType d) {
  if (opts.layout_chosen || e.kind != DeviceKind::gpu) return opts;
  for (const GpuInfo& g : sys.gpus)
    if (g.index == std::max(0, e.device))
      if (const auto only = only_gpu_layout(d, g.cc_major, g.cc_minor); only && *only != opts.layout) {
        opts.layout = *only;
        if (opts.note) opts.note(only_gpu_layout_note(d, g));
      }
  return opts;
}

std::optional<double> device_peak(const SystemInfo& sys, const BackendEntry& e, DType d) {
  if (e.kind == DeviceKind::cpu) {
    if (d == DType::fp64) return sys.cpu.peak_gflops_fp64;
    return sys.cpu.peak_gflops_fp32;
  }
  for (const GpuInfo& g : sys.gpus)
    if (g.index == std::max(0, e.device))
      for (const auto& [name, gflops] : g.peak_gflops)
        if (name == to_string(d)) return gflops;
  return std::nullopt;
}

}  // namespace

void run_peak_search(const std::vector<BackendEntry>& backends, const BackendOptions& bopts,
                     const PeakOptions& opts, Results& results, PeakObserver* observer) {
  // Grid errors before anything runs.
  grid_values(opts.m, "--m-range");
  grid_values(opts.n, "--n-range");
  grid_values(opts.k, "--k-range");
  // Printing and saving after the last case take a moment: the searches end that much earlier.
  const double margin = std::clamp(0.03 * opts.budget_seconds, 0.05, 2.0);
  const Clock::time_point end =
      opts.started + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(opts.budget_seconds - margin));
  const Watchdog watchdog(opts.interrupt, end);
  const std::size_t searches = backends.size() * opts.dtypes.size();
  std::size_t done = 0;
  for (const BackendEntry& e : backends)
    for (DType d : opts.dtypes) {
      // Ctrl-C ends here; a budget spent already still gives each search its record, which says
      // so (stopping on it too raced the watchdog's first look: under qemu half of `--budget
      // 0.000001` runs printed no search at all).
      if (watchdog.interrupted()) return;
      // An equal share of the time left for each search still to run.
      const auto left = end - Clock::now();
      const Clock::time_point deadline = Clock::now() + left / std::int64_t(searches - done);
      results.peak.emplace_back();
      Searcher(e, bopts, with_gpu_layout(opts, results.system, e, d), d, results, observer, watchdog,
               deadline, device_peak(results.system, e, d))
          .run();
      ++done;
    }
}

}  // namespace gpubench
