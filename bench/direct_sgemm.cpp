// The smallest honest GEMM timing loop of one CPU BLAS: the yardstick for gpubench's harness
// overhead. The library is opened the way gpubench opens it (dlopen, local symbols) and its thread
// count set through its own API; same kind of inputs (random, non-zero, 64-byte aligned), warm-up,
// then batches of calls timed with a steady clock until MIN_TIME seconds, as gpubench samples.
// Usage: direct_sgemm LIBRARY.so openblas|blis|mkl N THREADS MIN_TIME [fp32|fp64]
// Prints "n median_seconds gflops gflops_of_the_fastest_sample threads_read_back".
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

template <class F>
F sym(void* h, const char* name) {
  F f = reinterpret_cast<F>(dlsym(h, name));
  if (!f) {
    std::fprintf(stderr, "direct_sgemm: no %s in the library\n", name);
    std::exit(2);
  }
  return f;
}

template <class T>
using Gemm = void (*)(int, int, int, int, int, int, T, const T*, int, const T*, int, T, T*, int);

template <class T>
int run(void* h, int n, double min_time) {
  Gemm<T> gemm = sym<Gemm<T>>(h, sizeof(T) == 4 ? "cblas_sgemm" : "cblas_dgemm");
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  const std::size_t count = std::size_t(n) * n;
  const std::size_t bytes = (count * sizeof(T) + 63) / 64 * 64;
  auto alloc = [&] {
    return std::unique_ptr<T[], Free>(static_cast<T*>(std::aligned_alloc(64, bytes)));
  };
  auto a_buf = alloc(), b_buf = alloc(), c_buf = alloc();
  std::span<T> a(a_buf.get(), count), b(b_buf.get(), count), c(c_buf.get(), count);
  std::fill(c.begin(), c.end(), T(0));  // first touch, as gpubench's poisoning does
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<T> u(0.125, 1.0);
  for (auto* m : {&a, &b})
    for (T& x : *m) x = (rng() & 1) ? u(rng) : -u(rng);
  auto once = [&] {
    gemm(101, 111, 111, n, n, n, T(1), a.data(), n, b.data(), n, T(0), c.data(), n);
  };
  // gpubench's runner, without the runner: 2 warm-up calls; then samples of a batch of calls
  // sized from the last warm-up (a sample >= min_time / 10), until min_time of samples and at
  // least 5; per-call time of each sample. A batch of calls rather than each call on its own, as
  // gpubench does: on a shared machine the two statistics differ (a batch's mean carries the slow
  // calls a median of single calls leaves out).
  const auto seconds_of = [&](int calls) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) once();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  double last = 0;
  for (int i = 0; i < 2; ++i) last = seconds_of(1);
  const double target = std::max(1e-4, min_time / 10);
  const int batch = last > 0 ? int(std::clamp(target / last, 1.0, 1000.0)) : 1;
  std::vector<double> t;
  double total = 0;
  while ((total < min_time || t.size() < 5) && total < 10.0) {
    const double s = seconds_of(batch);
    t.push_back(s / batch);
    total += s;
  }
  std::sort(t.begin(), t.end());
  const double med = t.size() % 2 ? t[t.size() / 2] : 0.5 * (t[t.size() / 2 - 1] + t[t.size() / 2]);
  const double flop = 2.0 * n * n * double(n);
  std::printf("%d %.9f %.2f %.2f", n, med, flop / med / 1e9, flop / t.front() / 1e9);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(
        stderr,
        "usage: direct_sgemm LIBRARY.so openblas|blis|mkl N THREADS MIN_TIME [fp32|fp64]\n");
    return 2;
  }
  const std::string kind = argv[2];
  const int n = std::atoi(argv[3]), threads = std::atoi(argv[4]);
  const double min_time = std::atof(argv[5]);
  const bool fp64 = argc > 6 && std::strcmp(argv[6], "fp64") == 0;
  void* h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    std::fprintf(stderr, "direct_sgemm: %s\n", dlerror());
    return 2;
  }
  int read_back = 0;
  if (kind == "openblas") {
    sym<void (*)(int)>(h, "openblas_set_num_threads")(threads);
    read_back = sym<int (*)()>(h, "openblas_get_num_threads")();
  } else if (kind == "blis") {
    sym<void (*)(long)>(h, "bli_thread_set_num_threads")(threads);
    read_back = int(sym<long (*)()>(h, "bli_thread_get_num_threads")());
  } else if (kind == "mkl") {
    // As gpubench does: LP64, GNU OpenMP unless MKL_THREADING_LAYER says otherwise, with libgomp
    // in the global scope (libmkl_gnu_thread calls omp_* without depending on libgomp).
    sym<int (*)(int)>(h, "MKL_Set_Interface_Layer")(0);
    if (!std::getenv("MKL_THREADING_LAYER")) {
      dlopen("libgomp.so.1", RTLD_NOW | RTLD_GLOBAL);
      sym<int (*)(int)>(h, "MKL_Set_Threading_Layer")(3);
    }
    sym<void (*)(int)>(h, "MKL_Set_Num_Threads")(threads);
    read_back = sym<int (*)()>(h, "MKL_Get_Max_Threads")();
  } else {
    std::fprintf(stderr, "direct_sgemm: unknown library kind %s\n", kind.c_str());
    return 2;
  }
  const int rc = fp64 ? run<double>(h, n, min_time) : run<float>(h, n, min_time);
  std::printf(" %d\n", read_back);
  return rc;
}
