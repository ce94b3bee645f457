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

// Each loop runs `iters` steps of Acc independent FMAs on full vectors and returns a value that
// depends on every accumulator, so the compiler can neither drop nor merge them. The multiplier
// and addend keep the accumulators finite and normal (denormals would slow some cores down).
// 16 accumulators cover a 4-cycle FMA latency on two pipes with room to spare.
constexpr int kAcc = 16;

// One loop for every instruction set; `Ops` is the vector type and its operations (set1, fma,
// add, store). The x86 operations carry their target attribute, and each entry point below has
// the same target and `flatten`, which inlines this loop and the operations into it. Vectors
// travel by pointer: passed by value, a vector wider than the default target changes the ABI
// (an error in clang) in this target-less template.
template <class Ops, int Acc>
double fma_loop(long iters) {
  using T = typename Ops::T;
  typename Ops::V acc[Acc], m, a, s;
#pragma GCC unroll 16
  for (int j = 0; j < Acc; ++j) Ops::set1(&acc[j], T(1) + T(0.01) * T(j));
  Ops::set1(&m, T(0.9999999));
  Ops::set1(&a, T(1e-7));
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < Acc; ++j) Ops::fma(&acc[j], &m, &a);  // acc = acc * m + a
  }
  s = acc[0];
#pragma GCC unroll 16
  for (int j = 1; j < Acc; ++j) Ops::add(&s, &acc[j]);
  alignas(64) T out[Ops::kLanes];  // summed by hand: _mm512_reduce_add_ps trips -Wuninitialized
  Ops::store(out, &s);
  double total = 0;
  for (T v : out) total += double(v);
  return total;
}

// Floating-point operations of one step of fma_loop<Ops, Acc>: an FMA is 2 per lane.
template <class Ops, int Acc>
constexpr double kFlopPerStep = 2.0 * Ops::kLanes * Acc;

#if defined(__x86_64__)
#define GPUBENCH_AVX512 gnu::target("avx512f")
#define GPUBENCH_AVX2 gnu::target("avx2,fma")
struct Avx512F32 {
  using T = float;
  using V = __m512;
  static constexpr int kLanes = 16;
  [[GPUBENCH_AVX512]] static void set1(V* x, T v) { *x = _mm512_set1_ps(v); }
  [[GPUBENCH_AVX512]] static void fma(V* x, const V* m, const V* a) {
    *x = _mm512_fmadd_ps(*x, *m, *a);
  }
  [[GPUBENCH_AVX512]] static void add(V* x, const V* y) { *x = _mm512_add_ps(*x, *y); }
  [[GPUBENCH_AVX512]] static void store(T* out, const V* x) { _mm512_storeu_ps(out, *x); }
};
struct Avx512F64 {
  using T = double;
  using V = __m512d;
  static constexpr int kLanes = 8;
  [[GPUBENCH_AVX512]] static void set1(V* x, T v) { *x = _mm512_set1_pd(v); }
  [[GPUBENCH_AVX512]] static void fma(V* x, const V* m, const V* a) {
    *x = _mm512_fmadd_pd(*x, *m, *a);
  }
  [[GPUBENCH_AVX512]] static void add(V* x, const V* y) { *x = _mm512_add_pd(*x, *y); }
  [[GPUBENCH_AVX512]] static void store(T* out, const V* x) { _mm512_storeu_pd(out, *x); }
};
struct Avx2F32 {
  using T = float;
  using V = __m256;
  static constexpr int kLanes = 8;
  [[GPUBENCH_AVX2]] static void set1(V* x, T v) { *x = _mm256_set1_ps(v); }
  [[GPUBENCH_AVX2]] static void fma(V* x, const V* m, const V* a) {
    *x = _mm256_fmadd_ps(*x, *m, *a);
  }
  [[GPUBENCH_AVX2]] static void add(V* x, const V* y) { *x = _mm256_add_ps(*x, *y); }
  [[GPUBENCH_AVX2]] static void store(T* out, const V* x) { _mm256_storeu_ps(out, *x); }
};
struct Avx2F64 {
  using T = double;
  using V = __m256d;
  static constexpr int kLanes = 4;
  [[GPUBENCH_AVX2]] static void set1(V* x, T v) { *x = _mm256_set1_pd(v); }
  [[GPUBENCH_AVX2]] static void fma(V* x, const V* m, const V* a) {
    *x = _mm256_fmadd_pd(*x, *m, *a);
  }
  [[GPUBENCH_AVX2]] static void add(V* x, const V* y) { *x = _mm256_add_pd(*x, *y); }
  [[GPUBENCH_AVX2]] static void store(T* out, const V* x) { _mm256_storeu_pd(out, *x); }
};
// AVX2 has 16 vector registers: 12 accumulators leave room for the constants.
constexpr int kAcc256 = 12;
[[GPUBENCH_AVX512, gnu::flatten]] double fma_avx512_f32(long n) {
  return fma_loop<Avx512F32, kAcc>(n);
}
[[GPUBENCH_AVX512, gnu::flatten]] double fma_avx512_f64(long n) {
  return fma_loop<Avx512F64, kAcc>(n);
}
[[GPUBENCH_AVX2, gnu::flatten]] double fma_avx2_f32(long n) { return fma_loop<Avx2F32, kAcc256>(n); }
[[GPUBENCH_AVX2, gnu::flatten]] double fma_avx2_f64(long n) { return fma_loop<Avx2F64, kAcc256>(n); }
#undef GPUBENCH_AVX512
#undef GPUBENCH_AVX2
#elif defined(__aarch64__)
struct NeonF32 {
  using T = float;
  using V = float32x4_t;
  static constexpr int kLanes = 4;
  static void set1(V* x, T v) { *x = vdupq_n_f32(v); }
  static void fma(V* x, const V* m, const V* a) { *x = vfmaq_f32(*a, *x, *m); }
  static void add(V* x, const V* y) { *x = vaddq_f32(*x, *y); }
  static void store(T* out, const V* x) { vst1q_f32(out, *x); }
};
struct NeonF64 {
  using T = double;
  using V = float64x2_t;
  static constexpr int kLanes = 2;
  static void set1(V* x, T v) { *x = vdupq_n_f64(v); }
  static void fma(V* x, const V* m, const V* a) { *x = vfmaq_f64(*a, *x, *m); }
  static void add(V* x, const V* y) { *x = vaddq_f64(*x, *y); }
  static void store(T* out, const V* x) { vst1q_f64(out, *x); }
};
[[gnu::flatten]] double fma_neon_f32(long n) { return fma_loop<NeonF32, kAcc>(n); }
[[gnu::flatten]] double fma_neon_f64(long n) { return fma_loop<NeonF64, kAcc>(n); }
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
    return {"avx512", fma_avx512_f32, fma_avx512_f64, kFlopPerStep<Avx512F32, kAcc>,
            kFlopPerStep<Avx512F64, kAcc>};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {"avx2+fma", fma_avx2_f32, fma_avx2_f64, kFlopPerStep<Avx2F32, kAcc256>,
            kFlopPerStep<Avx2F64, kAcc256>};
#elif defined(__aarch64__)
  // SVE where its vectors are wider than NEON's (at 128 bits, as on Neoverse V2, both are the
  // same width and NEON is the loop every aarch64 core runs).
  if (const int bits = sve_vector_bits(); bits > 128)
    return {fmt::format("sve {}-bit", bits), fma_sve<float>, fma_sve<double>, 2.0 * (bits / 32) * kAcc,
            2.0 * (bits / 64) * kAcc};
  return {"neon", fma_neon_f32, fma_neon_f64, kFlopPerStep<NeonF32, kAcc>,
          kFlopPerStep<NeonF64, kAcc>};
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
