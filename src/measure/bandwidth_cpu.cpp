// Host memory bandwidth: STREAM-style copy and triad on every core with std::thread.
#include <unistd.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/measure/bandwidth.hpp"
#include "gpubench/platform/sysinfo.hpp"

namespace gpubench {

namespace {

constexpr double kTriadScalar = 3.0;

std::size_t last_level_cache_bytes() {
  long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
  if (l3 > 0) return std::size_t(l3);
  long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
  return l2 > 0 ? std::size_t(l2) : 0;
}

struct FreeAligned {
  void operator()(double* p) const { std::free(p); }
};
using Array = std::unique_ptr<double[], FreeAligned>;

Array allocate(std::size_t n) {
  const std::size_t bytes = (n * sizeof(double) + 63) / 64 * 64;
  return Array(static_cast<double*>(std::aligned_alloc(64, bytes)));
}

enum class Op { touch, copy, triad, quit };

// A fixed team of threads, each owning one contiguous slice of the arrays, so the pages a thread
// first touched (and that its NUMA node holds) are the pages it streams.
class StreamTeam {
 public:
  StreamTeam(int threads, std::size_t n, double* a, double* b, double* c)
      : n_(n), a_(a), b_(b), c_(c), threads_(threads),
        start_(threads), done_(threads) {
    try {
      for (int t = 1; t < threads_; ++t) workers_.emplace_back([this, t] { work(t); });
    } catch (const std::system_error& e) {
      // The threads already started wait at the start barrier for the whole team, and a joinable
      // std::thread destroyed by the unwinding would terminate: the missing members leave the
      // team, the started ones are told to quit and joined, and the user gets a clean error.
      const int started = 1 + int(workers_.size());
      for (int t = started; t < threads_; ++t) start_.arrive_and_drop();
      stop();
      throw EnvironmentError(fmt::format("could start only {} of {} host threads ({}); try fewer "
                                         "--threads",
                                         started, threads_, e.what()));
    }
  }
  ~StreamTeam() { stop(); }
  // Runs `op` on every slice; returns the seconds from release to the last thread's finish.
  double run(Op op) {
    op_ = op;
    const auto t0 = std::chrono::steady_clock::now();
    start_.arrive_and_wait();
    slice(0, op);
    done_.arrive_and_wait();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

 private:
  void stop() {
    op_ = Op::quit;
    start_.arrive_and_wait();
    for (auto& w : workers_) w.join();
  }
  void work(int t) {
    for (;;) {
      start_.arrive_and_wait();
      const Op op = op_;
      if (op == Op::quit) return;
      slice(t, op);
      done_.arrive_and_wait();
    }
  }
  void slice(int t, Op op) {
    const std::size_t per = (n_ + std::size_t(threads_) - 1) / std::size_t(threads_);
    const std::size_t lo = std::min(n_, per * std::size_t(t)), hi = std::min(n_, lo + per);
    double* __restrict a = a_;
    double* __restrict b = b_;
    double* __restrict c = c_;
    switch (op) {
      case Op::touch:
        for (std::size_t i = lo; i < hi; ++i) a[i] = 1.0, b[i] = 2.0, c[i] = 0.5;
        break;
      case Op::copy:
        for (std::size_t i = lo; i < hi; ++i) c[i] = a[i];
        break;
      case Op::triad:
        for (std::size_t i = lo; i < hi; ++i) a[i] = b[i] + kTriadScalar * c[i];
        break;
      case Op::quit: break;
    }
  }

  std::size_t n_;
  double *a_, *b_, *c_;
  int threads_;
  Op op_ = Op::touch;  // written before the start barrier, read after it
  std::barrier<> start_, done_;
  std::vector<std::thread> workers_;
};

struct HostRun {
  std::vector<double> copy_s, triad_s;
  bool copy_ok = false, triad_ok = false;
};

// `stop` set (Ctrl-C, SIGTERM): each kernel ends after one timed repetition, so the run ends
// within a few array passes rather than after --min-time.
HostRun run_stream(int threads, std::size_t n, double min_time, int min_reps, int max_reps,
                   bool with_copy, const std::atomic<bool>* stop = nullptr) {
  HostRun out;
  Array a = allocate(n), b = allocate(n), c = allocate(n);
  if (!a || !b || !c) throw std::bad_alloc();
  StreamTeam team(threads, n, a.get(), b.get(), c.get());
  team.run(Op::touch);
  auto repeat = [&](Op op, std::vector<double>& samples) {
    team.run(op);  // warm-up: page tables, frequency
    double total = 0;
    while (int(samples.size()) < max_reps && (int(samples.size()) < min_reps || total < min_time) &&
           (samples.empty() || !(stop && stop->load()))) {
      samples.push_back(team.run(op));
      total += samples.back();
    }
  };
  if (with_copy) {
    repeat(Op::copy, out.copy_s);
    // c = a = 1 everywhere.
    out.copy_ok = c[0] == 1.0 && c[n / 2] == 1.0 && c[n - 1] == 1.0;
  }
  std::fill(c.get(), c.get() + n, 0.5);
  repeat(Op::triad, out.triad_s);
  // a = b + 3c = 2 + 1.5, exactly, whatever the number of repetitions.
  out.triad_ok = a[0] == 3.5 && a[n / 2] == 3.5 && a[n - 1] == 3.5;
  return out;
}

BandwidthRecord host_record(const std::string& test, int threads, std::uint64_t bytes) {
  BandwidthRecord r;
  r.test = test;
  r.device_kind = DeviceKind::cpu;  // device_name: the caller knows the CPU model
  r.threads = threads;
  r.bytes = bytes;
  r.peak_note = "host DRAM peak unknown (not visible to an unprivileged process)";
  return r;
}

}  // namespace

std::size_t default_stream_array_bytes() {
  std::size_t bytes = std::clamp<std::size_t>(4 * last_level_cache_bytes(), std::size_t(64) << 20,
                                              std::size_t(1) << 30);
  const std::size_t avail = available_host_memory();
  if (avail > 0) bytes = std::min(bytes, avail / 8);
  return std::max<std::size_t>(bytes, 1 << 20);
}

std::vector<BandwidthRecord> measure_host_bandwidth(const BandwidthOptions& o) {
  const int threads = o.threads > 0 ? o.threads : default_cpu_threads();
  const std::size_t bytes = o.host_array_bytes ? o.host_array_bytes : default_stream_array_bytes();
  const std::size_t n = std::max<std::size_t>(bytes / sizeof(double), std::size_t(threads) * 8);
  BandwidthRecord copy = host_record("host copy", threads, 2 * n * sizeof(double));
  BandwidthRecord triad = host_record("host triad", threads, 3 * n * sizeof(double));
  // Checked before allocating: with overcommit an allocation beyond the free memory can succeed
  // and the first touch of the arrays then wakes the OOM killer, and ASan aborts on a request
  // beyond its limit where malloc would have returned null.
  const std::size_t need = 3 * n * sizeof(double), avail = available_host_memory();
  if (avail > 0 && need > avail) {
    for (BandwidthRecord* rec : {&copy, &triad}) {
      rec->status = Status::skipped;
      rec->reason = fmt::format("needs 3 x {} MiB of host memory, {} MiB available (--host-mib)",
                                n * sizeof(double) >> 20, avail >> 20);
    }
  } else {
    try {
      const HostRun run = run_stream(threads, n, o.min_time, o.min_reps, o.max_reps, true, o.stop);
      finish_bandwidth_record(copy, run.copy_s);
      finish_bandwidth_record(triad, run.triad_s);
      for (auto [rec, ok] : {std::pair{&copy, run.copy_ok}, std::pair{&triad, run.triad_ok}})
        if (!ok) rec->status = Status::failed, rec->reason = "wrong values after the kernel";
    } catch (const std::bad_alloc&) {
      for (BandwidthRecord* rec : {&copy, &triad}) {
        rec->status = Status::skipped;
        rec->reason = fmt::format("could not allocate 3 x {} MiB", n * sizeof(double) >> 20);
      }
    }
  }
  const std::string arrays = fmt::format("3 arrays of {} MiB", n * sizeof(double) >> 20);
  copy.peak_note = triad.peak_note = arrays + "; " + copy.peak_note;
  return {copy, triad};
}

std::optional<double> quick_host_triad_gbs(int threads, std::string& note) {
  if (threads <= 0) threads = default_cpu_threads();
  // Big enough to leave the caches of most machines, small enough to cost a fraction of a second.
  const std::size_t bytes = std::min<std::size_t>(default_stream_array_bytes(), 256u << 20);
  const std::size_t n = bytes / sizeof(double);
  try {
    const HostRun run = run_stream(threads, n, 0.05, 3, 20, false);
    BandwidthRecord r;
    r.bytes = 3 * n * sizeof(double);
    finish_bandwidth_record(r, run.triad_s);
    if (!run.triad_ok || !(r.gbs > 0)) return std::nullopt;
    note = fmt::format("measured: STREAM triad, 3 x {} MiB, {} threads", bytes >> 20, threads);
    return r.gbs;
  } catch (const std::bad_alloc&) {
    return std::nullopt;
  }
}

}  // namespace gpubench
