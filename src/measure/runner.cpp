#include "gpubench/measure/runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <new>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "gpubench/platform/host_cache.hpp"
#include "gpubench/platform/host_energy.hpp"
#include "gpubench/platform/sysinfo.hpp"
#include "gpubench/core/verify.hpp"

namespace gpubench {

namespace {

std::string gib(std::size_t bytes) { return fmt::format("{:.2f} GiB", double(bytes) / (1ull << 30)); }

constexpr double kNoisyCv = 0.10;

bool stopped(const RunOptions& o) { return o.stop && o.stop->load(); }

// Repeats `timed(reps)` (which returns seconds for `reps` runs) until min_time and min_samples are
// reached or a cap is hit; returns per-run seconds of each sample and the runs done.
std::vector<double> adaptive_samples(const std::function<double(int)>& timed, double first_run,
                                     const RunOptions& o, int& iterations,
                                     double* timed_seconds = nullptr, double max_batch = 1000) {
  // Batch short runs so one sample is >= 1/10 of min_time / min_samples: timer resolution and
  // launch overhead then stay negligible, and there are still >= min_samples samples.
  const double target_sample = std::max(1e-4, o.min_time / std::max(1, o.min_samples * 2));
  int batch = first_run > 0 ? int(std::clamp(target_sample / first_run, 1.0, max_batch)) : 1;
  std::vector<double> samples;
  double spent = 0;
  iterations = 0;
  // Wall time too: with a cold cache every run pays an untimed flush, which on the CPU (rewriting
  // the L3) can take far longer than a small multiplication.
  const auto start = std::chrono::steady_clock::now();
  while (true) {
    const double t = timed(batch);
    samples.push_back(t / batch);
    spent += t;
    iterations += batch;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Cold runs (one per sample) count their untimed flushes toward --min-time too: otherwise a
    // small product whose flush costs a thousand times its own time would run until the cap.
    const bool enough = (spent >= o.min_time || (max_batch <= 1 && wall >= o.min_time)) &&
                        int(samples.size()) >= o.min_samples;
    const bool over_wall = wall >= o.max_time_per_case && int(samples.size()) >= 3;
    if (enough || over_wall || spent >= o.max_time_per_case || iterations >= o.max_iterations ||
        stopped(o))
      break;
  }
  if (timed_seconds) *timed_seconds = spent;
  return samples;
}

}  // namespace

Record case_record(const BackendEntry& e, const Backend* b, const Shape& s, DType d) {
  Record r;
  r.shape = s;
  r.dtype = d;
  r.backend = e.name;
  r.role = e.role;
  r.device_kind = e.kind;
  r.device_index = e.device;  // known even when the backend could not be created
  if (b) {
    r.device_index = b->device_index();
    r.device_name = b->device_name();
    r.threads = b->threads();
  }
  return r;
}

namespace {

// What a case needs from the rest of the run: when its device last worked hard (so a burst rate is
// timed from a rested card) and the host's cache evictor (made on the first cold CPU case).
struct CaseContext {
  std::map<std::pair<DeviceKind, int>, std::chrono::steady_clock::time_point> last_busy;
  std::unique_ptr<HostCacheEvictor> host_evictor;
  std::size_t host_cache_bytes = 0;
};

// The burst window, as mamf-finder and most published GPU tables time it: 50 warm-up runs, then
// the mean of the next 100. Long multiplications get fewer, so that the window stays inside the
// boost period (well under the ~1 s the power cap takes to bite): warm-up at most 0.25 s, timing
// at most 0.5 s.
constexpr int kBurstWarmup = 50, kBurstTimed = 100, kBurstSamples = 10;
constexpr double kBurstWarmupSeconds = 0.25, kBurstTimedSeconds = 0.5;
// Sustained: run until two consecutive ~25 ms chunks agree within 1%, for at most 1.5 s.
constexpr double kSettleChunkSeconds = 0.025, kSettleMaxSeconds = 1.5, kSettleTolerance = 0.01;

using Timed = std::function<double(int)>;

// Runs `timed` until the per-chunk time settles (the clock has come down to what the power cap
// allows), so that the sustained window does not mix two speeds.
void settle(const Timed& timed, double one_run) {
  const int reps = int(std::clamp(kSettleChunkSeconds / std::max(one_run, 1e-7), 1.0, 1e5));
  double spent = 0, previous = 0;
  int stable = 0;
  while (spent < kSettleMaxSeconds && stable < 2) {
    const double t = timed(reps);
    spent += t;
    stable = previous > 0 && std::abs(t - previous) <= kSettleTolerance * previous ? stable + 1 : 0;
    previous = t;
  }
}

// Wraps a window in the device's telemetry probe (none: an empty Telemetry).
template <typename F>
Telemetry with_probe(TelemetryProbe* probe, WindowKind kind, std::vector<std::string>& warnings,
                     F&& window) {
  if (probe) probe->start(kind);
  window();
  return probe ? probe->stop(warnings) : Telemetry{};
}

Rate burst_window(const Timed& timed, double one_run, const Shape& s, TelemetryProbe* probe,
                  std::vector<std::string>& warnings) {
  const double per = std::max(one_run, 1e-7);
  const int warm = int(std::clamp(kBurstWarmupSeconds / per, 1.0, double(kBurstWarmup)));
  const int count = int(std::clamp(kBurstTimedSeconds / per, 1.0, double(kBurstTimed)));
  timed(warm);
  const int per_sample = std::max(1, count / kBurstSamples);
  const int samples = count / per_sample;
  std::vector<double> seconds;
  double total = 0;
  Rate rate;
  rate.telemetry = with_probe(probe, WindowKind::burst, warnings, [&] {
    for (int i = 0; i < samples; ++i) {
      const double t = timed(per_sample);
      seconds.push_back(t / per_sample);
      total += t;
    }
  });
  rate.iterations = samples * per_sample;
  rate.seconds = compute_stats(seconds);
  rate.window_seconds = total;
  // The mean, as mamf-finder reports it (all of the window's runs over its whole time).
  rate.gflops = total > 0 ? s.flops() * rate.iterations / total / 1e9 : 0;
  rate.method = fmt::format("{} warm-up, mean of {}", warm, rate.iterations);
  rate.clocks = to_string(Clocks::burst);
  derive_energy(rate.telemetry, total / rate.iterations, rate.gflops);
  return rate;
}

// The most a window's energy span may add to it (an energy counter that steps every 100 ms needs
// about 0.35 s for kMinEnergySteps): past this, the window's power is reported unknown.
constexpr double kEnergySpanMaxSeconds = 2.5;

// Keeps the window's work running, untimed for its rate, until the probe's counter readings
// resolve its power (see counter_unresolved), or the window has `timed_so_far` + the extra work >=
// the probe's energy span (which allows them a step to spare).
void run_on_for_energy(const Timed& timed, double one_run, double timed_so_far,
                       TelemetryProbe* probe, const RunOptions& o) {
  const double span = probe ? std::min(probe->energy_span_seconds(), kEnergySpanMaxSeconds) : 0;
  const int reps = int(std::clamp(kSettleChunkSeconds / std::max(one_run, 1e-7), 1.0, 1e5));
  for (double spent = timed_so_far; spent < span && !probe->energy_resolved() && !stopped(o);)
    spent += timed(reps);
}

// The sustained window (GPU: after the clock settled), or a CPU row's one window: adaptive
// samples until --min-time, their median. Cold: every run is its own sample after its own flush.
Rate sustained_window(const Timed& timed, double one_run, const Shape& s, const RunOptions& o,
                      bool gpu, bool cold, TelemetryProbe* probe,
                      std::vector<std::string>& warnings) {
  if (gpu) settle(timed, one_run);
  Rate rate;
  std::vector<double> samples;
  rate.telemetry = with_probe(probe, WindowKind::sustained, warnings, [&] {
    samples = adaptive_samples(timed, one_run, o, rate.iterations, &rate.window_seconds,
                               cold ? 1.0 : 1000.0);
    run_on_for_energy(timed, one_run, rate.window_seconds, probe, o);
  });
  if (rate.iterations >= o.max_iterations && rate.window_seconds < o.min_time)
    warnings.push_back(fmt::format(
        "stopped at {} runs, the most one window takes, after {:.2g} s of the {:.3g} s asked "
        "by --min-time",
        rate.iterations, rate.window_seconds, o.min_time));
  rate.seconds = compute_stats(samples);
  rate.gflops = rate.seconds.median > 0 ? s.flops() / rate.seconds.median / 1e9 : 0;
  rate.method = gpu ? "after the clock settled, median of samples" : "median of samples";
  if (gpu) rate.clocks = to_string(Clocks::sustained);
  derive_energy(rate.telemetry, rate.window_seconds / std::max(1, rate.iterations), rate.gflops);
  return rate;
}

using DeviceKey = std::pair<DeviceKind, int>;

// Runs `work` and, when it kept the device busy for more than 20 ms, counts the device's rest
// from its end.
template <typename F>
auto busy_with(const DeviceKey& device, CaseContext& ctx, F&& work) {
  const auto start = std::chrono::steady_clock::now();
  auto result = work();
  if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(20))
    ctx.last_busy[device] = std::chrono::steady_clock::now();
  return result;
}

// Prepares the case. Preparing may have worked the device hard (cuBLAS times its candidate
// algorithms): the burst window then waits its rest from the end of that, as from a case's end.
std::unique_ptr<Case> prepare_case(Backend& backend, const Problem& p, const DeviceKey& device,
                                   CaseContext& ctx) {
  return busy_with(device, ctx, [&] { return backend.prepare(p); });
}

// The cache policy: how one timed repetition runs. Cold cache: each repetition timed on its own,
// after its operands were evicted: the backend's own flush (a GPU's L2, queued ahead of the
// repetition on its stream, so its events never include it), else, on the CPU, the host's caches
// rewritten before the clock starts. Either way the flush is outside the timed region. Sets
// r.cold_cache, and warns when cold was asked for but cannot be had.
Timed cache_policy(Backend& backend, Case& c, const BackendOptions& bopts, CaseContext& ctx,
                   Record& r) {
  const bool device_flush = bopts.cold_cache && c.flush_cache();
  HostCacheEvictor* host_evict = nullptr;
  if (bopts.cold_cache && !device_flush && backend.device_kind() != DeviceKind::gpu) {
    if (!ctx.host_evictor)
      ctx.host_evictor = std::make_unique<HostCacheEvictor>(
          ctx.host_cache_bytes, std::max(1, backend.threads()));
    host_evict = ctx.host_evictor.get();
  }
  r.cold_cache = device_flush || host_evict;
  if (bopts.cold_cache && !r.cold_cache)
    r.warnings.push_back(fmt::format(
        "--cache cold: {} cannot flush its device's caches, so this row was timed warm",
        r.backend));
  if (!r.cold_cache) return [&c](int reps) { return c.time_kernel(reps); };
  return [&c, host_evict](int reps) {
    double seconds = 0;
    for (int i = 0; i < reps; ++i) {
      if (host_evict)
        host_evict->evict();
      else
        c.flush_cache();
      seconds += c.time_kernel(1);
    }
    return seconds;
  };
}

// Warm-up: handles, lazy module loading, thread pools and page faults stay out of the numbers.
// A single very long run counts as enough warm-up. Returns the last run's seconds.
double warm_up(const Timed& timed, const RunOptions& o) {
  double last = 0, spent = 0;
  for (int i = 0; i < std::max(1, o.warmup); ++i) {
    last = timed(1);
    spent += last;
    if (spent >= o.max_time_per_case / 2 || stopped(o)) break;  // Ctrl-C: on to one sample
  }
  return last;
}

// From a rested card: the burst a published table reports is the first second of load (and the
// default algorithm's batches after a power-limited window, below). The device rests only as long
// as its telemetry says it needs (power near idle, no power cap), at most burst_rest_seconds after
// its last work; a device without telemetry rests all of it. The telemetry is believed only once
// it has changed since that work ended (one reading period): a reading from before the end said
// "rested" right after a case's preparation had loaded an H100 for 0.2 s, and its burst then ran
// 8% below torch.mm's.
void rest_device(const CaseContext& ctx, const DeviceKey& device, const RunOptions& o,
                 TelemetryProbe* probe) {
  const auto it = ctx.last_busy.find(device);
  if (it == ctx.last_busy.end()) return;
  const auto after = [&](double seconds) {
    return it->second + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(seconds));
  };
  const auto until = after(o.burst_rest_seconds);
  const auto readings_fresh = after(probe ? probe->reading_period_seconds() : 0);
  constexpr auto kPoll = std::chrono::milliseconds(10);
  for (auto now = std::chrono::steady_clock::now(); now < until;
       now = std::chrono::steady_clock::now()) {
    if (probe && now >= readings_fresh && probe->rested()) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kPoll, until - now));
  }
}

// GPU only: copy A and B to the device, multiply, copy C back, repeated adaptively.
void time_end_to_end(Case& c, const Shape& s, const RunOptions& o, const BackendOptions& bopts,
                     Record& r) {
  const std::optional<double> first = c.time_end_to_end();
  if (!first) return;
  // A quarter of the kernel's minimum time and half its samples (at least 3): the copies run at
  // the link's steady speed (their spread is reported), and the six GPU cases of the default sweep
  // spend ~0.45 s in it rather than ~0.9 s.
  RunOptions e2e = o;
  e2e.min_time = o.min_time / 4;
  e2e.min_samples = std::max(3, o.min_samples / 2);
  int iterations = 0;
  const auto samples = adaptive_samples(
      [&](int reps) {
        double t = 0;
        for (int i = 0; i < reps; ++i) t += *c.time_end_to_end();
        return t;
      },
      *first, e2e, iterations);
  r.end_to_end_seconds = compute_stats(samples);
  r.end_to_end_gflops = s.flops() / r.end_to_end_seconds->median / 1e9;
  r.host_memory = bopts.pinned_host ? "pinned" : "pageable";
}

// Checks the case's result against the fp64 reference; a mismatch fails the row.
void verify_case(Case& c, const Problem& p, const RunOptions& o, Record& r) {
  std::vector<double> out;
  c.read_result(out);
  const Verification v = verify_result(p, out, o.seed);
  r.verified = true;
  r.max_rel_error = v.max_rel_error;
  r.tolerance = v.tolerance;
  r.checked_entries = v.checked;
  if (!v.passed) {
    r.status = Status::failed;
    r.reason = fmt::format("verification failed: max rel. error {:.3g} > tolerance {:.3g}",
                           v.max_rel_error, v.tolerance);
  }
}

// What the numbers mean beside themselves: noise, operands that fit a cache, the case's own
// warnings, % of peak.
void annotate(const Backend& backend, Case& c, const Problem& p, const CaseContext& ctx,
              Record& r) {
  // A wide spread means something else competed for the device: the median may not be the
  // machine's real speed, so the row is marked rather than printed as if it were clean.
  if (r.main.seconds.cv() > kNoisyCv)
    r.warnings.push_back(fmt::format("noisy: spread ±{:.0f}% (other load on the machine?)",
                                     100 * r.main.seconds.cv()));
  // Operands that fit in the last-level cache, timed warm: a loop that reuses them sees this
  // speed, a model's layer (which meets them cold) may not.
  if (!r.cold_cache) {
    const bool gpu = backend.device_kind() == DeviceKind::gpu;
    const std::size_t cache = gpu ? backend.cache_bytes().value_or(0) : ctx.host_cache_bytes;
    const std::size_t bytes =
        p.shape.operand_bytes(element_bytes(p.dtype), element_bytes_c(p.dtype));
    r.operands_in_cache = cache > 0 && bytes <= cache;
  }
  for (auto& w : c.warnings()) r.warnings.push_back(std::move(w));
  if (auto peak = backend.peak_gflops(p.dtype); peak && *peak > 0) {
    r.peak_gflops = *peak;
    r.pct_of_peak = 100.0 * r.main.gflops / *peak;
    // A mis-detected BLAS core or a throttled device runs several times below peak on large cases.
    if (r.device_kind == DeviceKind::cpu && p.shape.flops() >= 2.0 * 1024 * 1024 * 1024 &&
        *r.pct_of_peak < 20.0)
      r.warnings.push_back(fmt::format(
          "{} reached only {:.0f}% of the CPU's estimated peak ({:.0f} GFLOPS): check the BLAS "
          "core (gpubench info) and the thread count",
          r.backend, *r.pct_of_peak, *peak));
  }
}

// The case's rates as RunOptions::clocks asks: a GPU's burst window (from a rested card) and its
// sustained one; a CPU row's one window. The row's main rate is sustained when both ran.
void time_rates(const Timed& timed, double one_run, const Shape& s, const RunOptions& o,
                const DeviceKey& device, const CaseContext& ctx, TelemetryProbe* probe,
                Record& r) {
  const bool gpu = device.first == DeviceKind::gpu;
  const bool want_burst = gpu && o.clocks != Clocks::sustained;
  const bool want_sustained = !gpu || o.clocks != Clocks::burst;
  std::optional<Rate> burst;
  if (want_burst) {
    rest_device(ctx, device, o, probe);
    burst = burst_window(timed, one_run, s, probe, r.warnings);
  }
  if (!want_sustained) {
    r.main = std::move(*burst);
    return;
  }
  r.main = sustained_window(timed, one_run, s, o, gpu, r.cold_cache, probe, r.warnings);
  r.burst = std::move(burst);
}

// Whether the window ran into a power or thermal limit, or the device cannot say.
bool limited(const Rate& window) {
  return !window.telemetry.throttle_reasons.empty() || window.telemetry.source.empty();
}

// The library's default algorithm beside the one the backend chose (cuBLASLt: its heuristic's
// first against the fastest of its top candidates): ~5 ms batches of each, alternating, for about
// 0.25 s, so that both meet the same clocks; each side's rate is its batches' total over its runs.
// The same algorithm on both sides is the row's own rate and a gain of exactly 1. Not a window of
// its own: on a power-capped H100 the second of two back-to-back windows ran in a falling clock,
// 6-17% below the first, whichever algorithm came second (bench/results/wave3e_gpu_2026-12-07.md).
// Right after a power-limited window the alternation fell too (8192^3: both sides 5% below their
// own first windows); a rest of 0.25 s undid the fall, so there the device rests as before a burst
// and settles again (bench/results/wave3f_gpu_2026-12-07.md).
constexpr double kDefaultBatchSeconds = 5e-3, kDefaultWindowSeconds = 0.25;
// Tuning's short rounds can misjudge two close algorithms: a default this much faster is said.
constexpr double kDefaultFasterBy = 1.05;

void time_default_algorithm(Case& c, const Timed& timed, double one_run, const Shape& s,
                            const RunOptions& o, const DeviceKey& device, CaseContext& ctx,
                            TelemetryProbe* probe, Record& r) {
  r.algorithm = c.algorithm();
  if (!c.use_default_algorithm(true)) return;
  r.default_algorithm = c.algorithm();
  c.use_default_algorithm(false);
  if (r.default_algorithm == r.algorithm) {
    r.default_rate = r.main;
    r.tuned_gain = 1.0;
    return;
  }
  if (limited(r.main)) {
    ctx.last_busy[device] = std::chrono::steady_clock::now();
    rest_device(ctx, device, o, probe);
    if (r.main.clocks == to_string(Clocks::sustained)) settle(timed, one_run);
  }
  const int reps = int(std::clamp(kDefaultBatchSeconds / std::max(one_run, 1e-7), 1.0, 1000.0));
  const auto batch = [&](bool use_default) {
    c.use_default_algorithm(use_default);
    return timed(reps);
  };
  batch(true);  // the default's warm-up (its kernel's first launch)
  double chosen = 0, fallback = 0;
  std::vector<double> samples;
  while (samples.size() < 3 || (chosen + fallback < kDefaultWindowSeconds && !stopped(o))) {
    chosen += batch(false);
    samples.push_back(batch(true) / reps);
    fallback += samples.back() * reps;
  }
  c.use_default_algorithm(false);
  Rate rate;
  rate.iterations = int(samples.size()) * reps;
  rate.seconds = compute_stats(samples);
  rate.window_seconds = fallback;
  rate.gflops = fallback > 0 ? s.flops() * rate.iterations / fallback / 1e9 : 0;
  rate.method = fmt::format("mean of {} in {} batches alternating with the chosen algorithm's",
                            rate.iterations, samples.size());
  r.default_rate = std::move(rate);
  r.tuned_gain = chosen > 0 ? fallback / chosen : 0;
  if (*r.tuned_gain > 0 && *r.tuned_gain < 1 / kDefaultFasterBy)
    r.warnings.push_back(fmt::format(
        "the library's default algorithm ran {:.2f}x the chosen one's rate, alternating with it "
        "(default {}, chosen {})",
        1 / *r.tuned_gain, r.default_algorithm, r.algorithm));
}

void measure_case(Backend& backend, const Problem& p, const RunOptions& o,
                  const BackendOptions& bopts, CaseContext& ctx, Record& r) {
  const DeviceKey device{backend.device_kind(), backend.device_index()};
  std::unique_ptr<Case> c = prepare_case(backend, p, device, ctx);
  const Timed timed = cache_policy(backend, *c, bopts, ctx, r);
  // Telemetry of the backend's device; the host's energy counters for a CPU backend without its
  // own.
  std::unique_ptr<TelemetryProbe> probe = backend.telemetry_probe();
  if (!probe && device.first != DeviceKind::gpu) probe = make_host_energy_probe();

  // A long warm-up loads the device as much as the timed windows: the burst rests after it.
  const double one_run = busy_with(device, ctx, [&] { return warm_up(timed, o); });
  time_rates(timed, one_run, p.shape, o, device, ctx, probe.get(), r);
  time_default_algorithm(*c, timed, one_run, p.shape, o, device, ctx, probe.get(), r);
  time_end_to_end(*c, p.shape, o, bopts, r);
  // The device's last work of the case (the end-to-end copies included): the next case's burst
  // window rests from here.
  ctx.last_busy[device] = std::chrono::steady_clock::now();
  if (o.verify) verify_case(*c, p, o, r);
  annotate(backend, *c, p, ctx, r);
}

}  // namespace

void run_cases(const std::vector<BackendEntry>& backends, const BackendOptions& bopts,
               const RunOptions& o, const CaseHandlers& handlers) {
  CaseContext ctx;
  ctx.host_cache_bytes = host_last_level_cache_bytes();
  const int total = int(backends.size() * o.shapes.size() * o.dtypes.size());
  int index = 0;
  const std::size_t host_limit = o.host_memory_limit ? o.host_memory_limit : available_host_memory();

  // Backends are created once; one that cannot start gives every one of its rows the reason.
  std::vector<std::unique_ptr<Backend>> created(backends.size());
  std::vector<std::string> init_error(backends.size());
  for (std::size_t b = 0; b < backends.size(); ++b) {
    try {
      created[b] = backends[b].create(bopts);
    } catch (const std::exception& e) {
      init_error[b] = e.what();
    }
  }

  // Case-major order: the inputs of a shape and dtype are generated once and every backend runs
  // on the very same data, one after the other.
  for (DType d : o.dtypes) {
    for (const Shape& s : o.shapes) {
      std::optional<HostMatrix> a, b;
      const std::size_t need = host_bytes_for_case(d, s);
      for (std::size_t bi = 0; bi < backends.size(); ++bi) {
        const BackendEntry& entry = backends[bi];
        Backend* backend = created[bi].get();
        ++index;
        if (stopped(o)) return;
        const Progress at{index, total, nullptr, entry.name, s, d};
        if (handlers.started) handlers.started(at);
        Record r = case_record(entry, backend, s, d);
        if (!backend) {
          r.status = Status::skipped;
          r.reason = init_error[bi];
        } else if (Support sup = backend->supports(d, s); !sup.ok) {
          r.status = Status::unsupported;
          r.reason = sup.reason;
        } else if (host_limit && need > host_limit) {
          r.status = Status::skipped;
          r.reason = fmt::format("needs {} of host memory, {} available", gib(need), gib(host_limit));
        } else if (auto free = backend->free_device_bytes();
                   free && backend->device_bytes(d, s) > *free) {
          r.status = Status::skipped;
          r.reason = fmt::format("needs {} of device memory, {} free",
                                 gib(backend->device_bytes(d, s)), gib(*free));
        } else {
          try {
            if (!a) {
              a.emplace(operand_a(d, s));  // stored as the layout says, the batch stacked
              b.emplace(operand_b(d, s));
              a->fill_random(o.seed);
              b->fill_random(o.seed + 1);
            }
            measure_case(*backend, Problem{s, d, &*a, &*b}, o, bopts, ctx, r);
          } catch (const std::bad_alloc&) {
            r = case_record(entry, backend, s, d);
            r.status = Status::skipped;
            r.reason = fmt::format("out of host memory (needs about {})", gib(need));
          } catch (const OutOfMemoryError& e) {
            r = case_record(entry, backend, s, d);
            r.status = Status::skipped;
            r.reason = e.what();
          } catch (const std::exception& e) {
            r = case_record(entry, backend, s, d);
            r.status = Status::failed;
            r.reason = e.what();
          }
        }
        if (handlers.finished) handlers.finished(at, std::move(r));
      }
    }
  }
}

}  // namespace gpubench
