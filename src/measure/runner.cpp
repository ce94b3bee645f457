#include "gpubench/measure/runner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <new>
#include <optional>

#include <fmt/format.h>

#include "gpubench/platform/sysinfo.hpp"
#include "gpubench/core/verify.hpp"

namespace gpubench {

std::size_t host_bytes_for_case(DType d, const Shape& s) {
  const std::size_t host_elem = d == DType::fp64 ? 8 : 4;  // HostMatrix keeps float or double
  const std::size_t inputs = s.operand_bytes(host_elem);
  // Plus C read back as doubles for verification (A, B, C counted once more at most).
  const std::size_t readback = Shape{s.m, s.n, s.n}.operand_bytes(8);
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  if (inputs == kMax || readback == kMax || inputs > kMax - readback) return kMax;
  return inputs + readback;
}

namespace {

std::string gib(std::size_t bytes) { return fmt::format("{:.2f} GiB", double(bytes) / (1ull << 30)); }

constexpr double kNoisyCv = 0.10;

bool stopped(const RunOptions& o) { return o.stop && o.stop->load(); }

// Repeats `timed(reps)` (which returns seconds for `reps` runs) until min_time and min_samples are
// reached or a cap is hit; returns per-run seconds of each sample and the runs done.
std::vector<double> adaptive_samples(const std::function<double(int)>& timed, double first_run,
                                     const RunOptions& o, int& iterations) {
  // Batch short runs so one sample is >= 1/10 of min_time / min_samples: timer resolution and
  // launch overhead then stay negligible, and there are still >= min_samples samples.
  const double target_sample = std::max(1e-4, o.min_time / std::max(1, o.min_samples * 2));
  int batch = first_run > 0 ? int(std::clamp(target_sample / first_run, 1.0, 1000.0)) : 1;
  std::vector<double> samples;
  double spent = 0;
  iterations = 0;
  while (true) {
    const double t = timed(batch);
    samples.push_back(t / batch);
    spent += t;
    iterations += batch;
    const bool enough = spent >= o.min_time && int(samples.size()) >= o.min_samples;
    if (enough || spent >= o.max_time_per_case || iterations >= o.max_iterations || stopped(o))
      break;
  }
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

void measure_case(Backend& backend, const Problem& p, const RunOptions& o, const BackendOptions& bopts,
                  Record& r) {
  std::unique_ptr<Case> c = backend.prepare(p);

  // Cold cache (--flush-l2): each repetition timed on its own, after the backend flushed its
  // device's caches. The flush is queued ahead of the repetition's timed region, so the backend's
  // own clock (CUDA events on its stream) never includes it. A backend without a flush is timed
  // warm, and its row says so rather than passing a warm number off as a cold one.
  const bool cold = bopts.flush_l2 && c->flush_cache();
  if (bopts.flush_l2 && !cold)
    r.warnings.push_back(fmt::format(
        "--flush-l2: {} cannot flush its device's caches, so this row was timed warm", r.backend));
  auto timed = [&](int reps) {
    if (!cold) return c->time_kernel(reps);
    double seconds = 0;
    for (int i = 0; i < reps; ++i) {
      c->flush_cache();
      seconds += c->time_kernel(1);
    }
    return seconds;
  };

  // Warm-up: handles, lazy module loading, thread pools and page faults stay out of the numbers.
  // A single very long run counts as enough warm-up.
  double last = 0, warm_spent = 0;
  for (int i = 0; i < std::max(1, o.warmup); ++i) {
    last = timed(1);
    warm_spent += last;
    if (warm_spent >= o.max_time_per_case / 2) break;
  }

  r.seconds = compute_stats(adaptive_samples(timed, last, o, r.iterations));
  r.gflops = r.seconds.median > 0 ? p.shape.flops() / r.seconds.median / 1e9 : 0;
  // A wide spread means something else competed for the device: the median may not be the
  // machine's real speed, so the row is marked rather than printed as if it were clean.
  if (r.seconds.cv() > kNoisyCv)
    r.warnings.push_back(fmt::format("noisy: spread ±{:.0f}% (other load on the machine?)",
                                     100 * r.seconds.cv()));

  if (auto first = c->time_end_to_end()) {
    RunOptions e2e = o;
    e2e.min_samples = std::max(3, o.min_samples / 2);
    int e2e_iters = 0;
    auto samples = adaptive_samples(
        [&](int reps) {
          double t = 0;
          for (int i = 0; i < reps; ++i) t += *c->time_end_to_end();
          return t;
        },
        *first, e2e, e2e_iters);
    r.end_to_end_seconds = compute_stats(samples);
    r.end_to_end_gflops = p.shape.flops() / r.end_to_end_seconds->median / 1e9;
    r.host_memory = bopts.pinned_host ? "pinned" : "pageable";
  }

  for (auto& w : c->warnings()) r.warnings.push_back(std::move(w));

  if (o.verify) {
    std::vector<double> out;
    c->read_result(out);
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

  if (auto peak = backend.peak_gflops(p.dtype); peak && *peak > 0) {
    r.peak_gflops = *peak;
    r.pct_of_peak = 100.0 * r.gflops / *peak;
    // A mis-detected BLAS core or a throttled device runs several times below peak on large cases.
    if (r.device_kind == DeviceKind::cpu && p.shape.flops() >= 2.0 * 1024 * 1024 * 1024 &&
        *r.pct_of_peak < 20.0)
      r.warnings.push_back(fmt::format(
          "{} reached only {:.0f}% of the CPU's estimated peak ({:.0f} GFLOPS): check the BLAS "
          "core (gpubench info) and the thread count",
          r.backend, *r.pct_of_peak, *peak));
  }
}

}  // namespace

void run_cases(const std::vector<BackendEntry>& backends, const BackendOptions& bopts,
               const RunOptions& o, const CaseHandlers& handlers) {
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
              a.emplace(d, s.m, s.k);
              b.emplace(d, s.k, s.n);
              a->fill_random(o.seed);
              b->fill_random(o.seed + 1);
            }
            measure_case(*backend, Problem{s, d, &*a, &*b}, o, bopts, r);
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

CaseHandlers collecting_handlers(std::vector<Record>& records, const ProgressFn& progress) {
  CaseHandlers handlers;
  if (progress) handlers.started = progress;
  handlers.finished = [&records, progress](const Progress& at, Record&& r) {
    records.push_back(std::move(r));
    if (!progress) return;
    Progress done = at;
    done.just_finished = &records.back();
    progress(done);
  };
  return handlers;
}

std::vector<Record> run_matmul(const std::vector<BackendEntry>& backends,
                               const BackendOptions& bopts, const RunOptions& opts,
                               const ProgressFn& progress) {
  std::vector<Record> records;
  run_cases(backends, bopts, opts, collecting_handlers(records, progress));
  return records;
}

}  // namespace gpubench
