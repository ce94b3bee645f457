// FMA-throughput and clock microbenchmarks (see cpu_peak.hpp for why they are measured).
#include "gpubench/platform/cpu_peak.hpp"

#include <sched.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#include <arm_sve.h>
#include <fmt/format.h>

#include "gpubench/platform/cpuinfo.hpp"
#endif

namespace gpubench {

namespace {

using Clock = std::chrono::steady_clock;

// Each loop runs `iters` steps of kAcc independent FMAs on full vectors and returns a value that
// depends on every accumulator, so the compiler can neither drop nor merge them. The multiplier
// and addend keep the accumulators finite and normal (denormals would slow some cores down).
// 16 accumulators cover a 4-cycle FMA latency on two pipes with room to spare.
constexpr int kAcc = 16;

#if defined(__x86_64__)
__attribute__((target("avx512f"))) double fma_avx512_f32(long iters) {
  __m512 acc[kAcc];
#pragma GCC unroll 16
  for (int j = 0; j < kAcc; ++j) acc[j] = _mm512_set1_ps(1.0f + 0.01f * float(j));
  const __m512 m = _mm512_set1_ps(0.9999999f), a = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kAcc; ++j) acc[j] = _mm512_fmadd_ps(acc[j], m, a);
  }
  __m512 s = acc[0];
#pragma GCC unroll 16
  for (int j = 1; j < kAcc; ++j) s = _mm512_add_ps(s, acc[j]);
  alignas(64) float out[16];  // summed by hand: _mm512_reduce_add_ps trips -Wuninitialized
  _mm512_store_ps(out, s);
  double total = 0;
  for (float v : out) total += v;
  return total;
}
__attribute__((target("avx512f"))) double fma_avx512_f64(long iters) {
  __m512d acc[kAcc];
#pragma GCC unroll 16
  for (int j = 0; j < kAcc; ++j) acc[j] = _mm512_set1_pd(1.0 + 0.01 * j);
  const __m512d m = _mm512_set1_pd(0.9999999), a = _mm512_set1_pd(1e-7);
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kAcc; ++j) acc[j] = _mm512_fmadd_pd(acc[j], m, a);
  }
  __m512d s = acc[0];
#pragma GCC unroll 16
  for (int j = 1; j < kAcc; ++j) s = _mm512_add_pd(s, acc[j]);
  alignas(64) double out[8];
  _mm512_store_pd(out, s);
  double total = 0;
  for (double v : out) total += v;
  return total;
}
// AVX2 has 16 vector registers: 12 accumulators leave room for the constants.
constexpr int kAcc256 = 12;
__attribute__((target("avx2,fma"))) double fma_avx2_f32(long iters) {
  __m256 acc[kAcc256];
#pragma GCC unroll 16
  for (int j = 0; j < kAcc256; ++j) acc[j] = _mm256_set1_ps(1.0f + 0.01f * float(j));
  const __m256 m = _mm256_set1_ps(0.9999999f), a = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kAcc256; ++j) acc[j] = _mm256_fmadd_ps(acc[j], m, a);
  }
  __m256 s = acc[0];
#pragma GCC unroll 16
  for (int j = 1; j < kAcc256; ++j) s = _mm256_add_ps(s, acc[j]);
  alignas(32) float out[8];
  _mm256_store_ps(out, s);
  double total = 0;
  for (float v : out) total += v;
  return total;
}
__attribute__((target("avx2,fma"))) double fma_avx2_f64(long iters) {
  __m256d acc[kAcc256];
#pragma GCC unroll 16
  for (int j = 0; j < kAcc256; ++j) acc[j] = _mm256_set1_pd(1.0 + 0.01 * j);
  const __m256d m = _mm256_set1_pd(0.9999999), a = _mm256_set1_pd(1e-7);
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kAcc256; ++j) acc[j] = _mm256_fmadd_pd(acc[j], m, a);
  }
  __m256d s = acc[0];
#pragma GCC unroll 16
  for (int j = 1; j < kAcc256; ++j) s = _mm256_add_pd(s, acc[j]);
  alignas(32) double out[4];
  _mm256_store_pd(out, s);
  return out[0] + out[1] + out[2] + out[3];
}
#elif defined(__aarch64__)
double fma_neon_f32(long iters) {
  float32x4_t acc[kAcc];
#pragma GCC unroll 16
  for (int j = 0; j < kAcc; ++j) acc[j] = vdupq_n_f32(1.0f + 0.01f * float(j));
  const float32x4_t m = vdupq_n_f32(0.9999999f), a = vdupq_n_f32(1e-7f);
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kAcc; ++j) acc[j] = vfmaq_f32(a, acc[j], m);
  }
  float32x4_t s = acc[0];
#pragma GCC unroll 16
  for (int j = 1; j < kAcc; ++j) s = vaddq_f32(s, acc[j]);
  return double(vaddvq_f32(s));
}
double fma_neon_f64(long iters) {
  float64x2_t acc[kAcc];
#pragma GCC unroll 16
  for (int j = 0; j < kAcc; ++j) acc[j] = vdupq_n_f64(1.0 + 0.01 * j);
  const float64x2_t m = vdupq_n_f64(0.9999999), a = vdupq_n_f64(1e-7);
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kAcc; ++j) acc[j] = vfmaq_f64(a, acc[j], m);
  }
  float64x2_t s = acc[0];
#pragma GCC unroll 16
  for (int j = 1; j < kAcc; ++j) s = vaddq_f64(s, acc[j]);
  return vaddvq_f64(s);
}
// SVE, for cores whose vectors are wider than NEON's 128 bits (Neoverse V1: 256). Its vector
// types have no size known at compile time, so they cannot be array elements: the kAcc
// accumulators are spelled out by this list.
#define GPUBENCH_SVE_ACCUMULATORS(X) \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
static_assert(kAcc == 16, "GPUBENCH_SVE_ACCUMULATORS lists kAcc accumulators");
__attribute__((target("+sve"))) inline svfloat32_t sve_dup(float x) { return svdup_f32(x); }
__attribute__((target("+sve"))) inline svfloat64_t sve_dup(double x) { return svdup_f64(x); }
__attribute__((target("+sve"))) inline svbool_t sve_all(float) { return svptrue_b32(); }
__attribute__((target("+sve"))) inline svbool_t sve_all(double) { return svptrue_b64(); }
template <class T>
__attribute__((target("+sve"))) double fma_sve(long iters) {
  const svbool_t all = sve_all(T());
  const auto m = sve_dup(T(0.9999999)), a = sve_dup(T(1e-7));
#define GPUBENCH_SVE_INIT(j) auto acc##j = sve_dup(T(1) + T(0.01) * T(j));
  GPUBENCH_SVE_ACCUMULATORS(GPUBENCH_SVE_INIT)
  for (long i = 0; i < iters; ++i) {
#define GPUBENCH_SVE_STEP(j) acc##j = svmla_x(all, a, acc##j, m);
    GPUBENCH_SVE_ACCUMULATORS(GPUBENCH_SVE_STEP)
  }
  auto s = sve_dup(T(0));
#define GPUBENCH_SVE_SUM(j) s = svadd_x(all, s, acc##j);
  GPUBENCH_SVE_ACCUMULATORS(GPUBENCH_SVE_SUM)
  return double(svaddv(all, s));
}
#endif

// Scalar fallback: a multiply and an add per step (whatever the compiler makes of them).
template <class T>
double mul_add_scalar(long iters) {
  T acc[kAcc];
#pragma GCC unroll 16
  for (int j = 0; j < kAcc; ++j) acc[j] = T(1) + T(0.01) * T(j);
  const T m = T(0.9999999), a = T(1e-7);
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kAcc; ++j) acc[j] = acc[j] * m + a;
  }
  double s = 0;
  for (T v : acc) s += double(v);
  return s;
}

struct Loop {
  std::string isa;
  double (*f32)(long);
  double (*f64)(long);
  double flop_per_iter_f32, flop_per_iter_f64;  // 2 x lanes x accumulators
};

Loop widest_loop() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f"))
    return {"avx512", fma_avx512_f32, fma_avx512_f64, 2.0 * 16 * kAcc, 2.0 * 8 * kAcc};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {"avx2+fma", fma_avx2_f32, fma_avx2_f64, 2.0 * 8 * kAcc256, 2.0 * 4 * kAcc256};
#elif defined(__aarch64__)
  // SVE where its vectors are wider than NEON's (at 128 bits, as on Neoverse V2, both are the
  // same width and NEON is the loop every aarch64 core runs).
  if (const int bits = sve_vector_bits(); bits > 128)
    return {fmt::format("sve {}-bit", bits), fma_sve<float>, fma_sve<double>, 2.0 * (bits / 32) * kAcc,
            2.0 * (bits / 64) * kAcc};
  return {"neon", fma_neon_f32, fma_neon_f64, 2.0 * 4 * kAcc, 2.0 * 2 * kAcc};
#endif
  return {"scalar", mul_add_scalar<float>, mul_add_scalar<double>, 2.0 * kAcc, 2.0 * kAcc};
}

std::atomic<double> g_sink{0};  // keeps every loop's result alive

// Seconds this thread has run on a CPU: a single-core rate or clock read with it is the rate while
// running, whatever else the machine is doing (preemption by other processes does not count).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// One core's GFLOPS by its own running time; best of `trials`.
double run_one_core(double (*loop)(long), double flop_per_iter, long iters, int trials) {
  double best = 0;
  for (int t = 0; t < trials; ++t) {
    const double t0 = thread_cpu_seconds();
    g_sink.store(loop(iters), std::memory_order_relaxed);
    const double secs = thread_cpu_seconds() - t0;
    if (secs > 0) best = std::max(best, flop_per_iter * double(iters) / secs / 1e9);
  }
  return best;
}

// GFLOPS of `threads` threads running the loop at once: each thread's FLOP over its own CPU time,
// summed. Threads on SMT siblings share a core and each runs at its share, so the sum is what the
// cores deliver; other processes taking turns on the CPUs do not lower it (a wall-clock total
// would read a busy machine as a slow CPU). Best of `trials`.
double run_threads(double (*loop)(long), double flop_per_iter, long iters, int threads,
                   int trials) {
  double best = 0;
  for (int t = 0; t < trials; ++t) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<double> rate(std::size_t(threads), 0.0);
    std::vector<std::thread> pool;
    pool.reserve(std::size_t(threads));
    for (int i = 0; i < threads; ++i)
      pool.emplace_back([&, i] {
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        const double t0 = thread_cpu_seconds();
        g_sink.store(loop(iters), std::memory_order_relaxed);
        const double secs = thread_cpu_seconds() - t0;
        if (secs > 0) rate[std::size_t(i)] = flop_per_iter * double(iters) / secs / 1e9;
      });
    while (ready.load() < threads) std::this_thread::yield();
    go.store(true, std::memory_order_release);
    for (auto& th : pool) th.join();
    double total = 0;
    for (double r : rate) total += r;
    best = std::max(best, total);
  }
  return best;
}

// Iterations that take about `target` seconds on one core.
long calibrate(double (*loop)(long), double target) {
  long iters = 1000;
  while (true) {
    const auto t0 = Clock::now();
    g_sink.store(loop(iters), std::memory_order_relaxed);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (secs >= target / 4 || iters > (1L << 40)) return std::max(1L, long(double(iters) * target / secs));
    iters *= 4;
  }
}

int usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

double measure_core_clock_ghz() {
#if defined(__x86_64__)
  // 3 cycles per dependent imul: cycles = 3 x steps. Best of five short runs.
  double best = 0;
  for (int trial = 0; trial < 5; ++trial) {
    long n = 100'000;
    long x = 3;
    const double t0 = thread_cpu_seconds();
    asm volatile(
        "1:\n\t"
        ".rept 50\n\t"
        "imul %[x], %[x]\n\t"
        ".endr\n\t"
        "dec %[n]\n\t"
        "jnz 1b\n\t"
        : [x] "+r"(x), [n] "+r"(n)
        :
        : "cc");
    const double secs = thread_cpu_seconds() - t0;
    if (secs > 0) best = std::max(best, 3.0 * 50 * 100'000 / secs / 1e9);
  }
  return best;
#else
  return 0;
#endif
}

CpuPeakMeasurement measure_cpu_peak(int threads) {
  const auto start = Clock::now();
  CpuPeakMeasurement m;
  const Loop loop = widest_loop();
  m.isa = loop.isa;
  m.threads = threads > 0 ? threads : usable_cpus();
  // Short runs: the first warms the core up to its clock, the best of three is kept.
  const long it32 = calibrate(loop.f32, 0.02), it64 = calibrate(loop.f64, 0.02);
  m.clock_ghz = measure_core_clock_ghz();
  m.core_gflops_fp32 = run_one_core(loop.f32, loop.flop_per_iter_f32, it32, 3);
  m.core_gflops_fp64 = run_one_core(loop.f64, loop.flop_per_iter_f64, it64, 3);
  // The clock again after the FMA runs: the higher reading is the one the core held.
  m.clock_ghz = std::max(m.clock_ghz, measure_core_clock_ghz());
  if (m.clock_ghz > 0) {
    m.flop_per_cycle_fp32 = m.core_gflops_fp32 / m.clock_ghz;
    m.flop_per_cycle_fp64 = m.core_gflops_fp64 / m.clock_ghz;
  }
  m.all_gflops_fp32 = run_threads(loop.f32, loop.flop_per_iter_f32, it32, m.threads, 3);
  m.all_gflops_fp64 = run_threads(loop.f64, loop.flop_per_iter_f64, it64, m.threads, 3);
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return m;
}

}  // namespace gpubench
