// The direct call loop of one CPU BLAS GEMM, shared by bench/direct_sgemm.cpp (a process of its
// own) and bench/harness_ab.cpp (paired with gpubench's runner in one process): the yardstick
// for gpubench's harness. Square n x n x n, row-major, no transposes; random non-zero operands,
// 64-byte aligned, C first-touched with zeros (as gpubench's poisoning does).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

namespace bench {

template <class T>
using CblasGemm = void (*)(int, int, int, int, int, int, T, const T*, int, const T*, int, T, T*,
                           int);

struct DirectRate {
  double median_seconds = 0;  // per call
  double gflops = 0;          // of the median
  double fastest_gflops = 0;  // of the fastest sample
};

template <class T>
class DirectLoop {
 public:
  DirectLoop(CblasGemm<T> gemm, int n) : gemm_(gemm), n_(n), a_(alloc()), b_(alloc()), c_(alloc()) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<T> u(0.125, 1.0);
    const std::size_t count = std::size_t(n) * n;
    for (T* m : {a_.get(), b_.get()})
      for (std::size_t i = 0; i < count; ++i) m[i] = (rng() & 1) ? u(rng) : -u(rng);
    std::fill_n(c_.get(), count, T(0));
  }

  // gpubench's runner, without the runner: 2 warm-up calls; then samples of a batch of calls
  // sized from the last warm-up (a sample >= min_time / 10), until min_time of samples and at
  // least 5 (at most 10 s); per-call time of each sample. A batch of calls rather than each call
  // on its own, as gpubench does: on a shared machine the two statistics differ (a batch's mean
  // carries the slow calls a median of single calls leaves out).
  DirectRate measure(double min_time) {
    double last = 0;
    for (int i = 0; i < 2; ++i) last = seconds_of(1);
    const int batch =
        last > 0 ? int(std::clamp(std::max(1e-4, min_time / 10) / last, 1.0, 1000.0)) : 1;
    std::vector<double> t;
    double spent = 0;
    while ((spent < min_time || t.size() < 5) && spent < 10.0) {
      const double s = seconds_of(batch);
      t.push_back(s / batch);
      spent += s;
    }
    std::sort(t.begin(), t.end());
    const std::size_t h = t.size() / 2;
    const double median = t.size() % 2 ? t[h] : 0.5 * (t[h - 1] + t[h]);
    const double flop = 2.0 * n_ * double(n_) * n_;
    return {median, flop / median / 1e9, flop / t.front() / 1e9};
  }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T[], Free> alloc() const {
    const std::size_t bytes = (std::size_t(n_) * n_ * sizeof(T) + 63) / 64 * 64;
    return std::unique_ptr<T[], Free>(static_cast<T*>(std::aligned_alloc(64, bytes)));
  }
  double seconds_of(int calls) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i)
      gemm_(101, 111, 111, n_, n_, n_, T(1), a_.get(), n_, b_.get(), n_, T(0), c_.get(), n_);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  CblasGemm<T> gemm_;
  int n_;
  std::unique_ptr<T[], Free> a_, b_, c_;
};

}  // namespace bench
