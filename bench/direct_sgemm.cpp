// The smallest honest cblas_sgemm timing loop: the yardstick for gpubench's harness overhead.
// Same inputs kind (random, non-zero), warm-up, then single calls timed with a steady clock until
// --min-time seconds; prints "n median_seconds gflops".
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <memory>
#include <span>
#include <vector>

extern "C" void openblas_set_num_threads(int);

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: direct_sgemm N THREADS MIN_TIME\n");
    return 2;
  }
  const int n = std::atoi(argv[1]);
  openblas_set_num_threads(std::atoi(argv[2]));
  const double min_time = std::atof(argv[3]);
  // 64-byte aligned like gpubench's HostMatrix, so the two loops feed OpenBLAS the same layout.
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  const std::size_t count = std::size_t(n) * n;
  const std::size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
  auto alloc = [&] { return std::unique_ptr<float[], Free>(static_cast<float*>(std::aligned_alloc(64, bytes))); };
  auto a_buf = alloc(), b_buf = alloc(), c_buf = alloc();
  std::span<float> a(a_buf.get(), count), b(b_buf.get(), count), c(c_buf.get(), count);
  std::fill(c.begin(), c.end(), 0.0f);  // first touch, as gpubench's poisoning does
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<float> u(0.125f, 1.0f);
  for (auto* m : {&a, &b})
    for (float& x : *m) x = (rng() & 1) ? u(rng) : -u(rng);
  auto once = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(),
                n, 0.0f, c.data(), n);
  };
  for (int i = 0; i < 2; ++i) once();
  std::vector<double> t;
  double total = 0;
  while (total < min_time || t.size() < 5) {
    const auto t0 = std::chrono::steady_clock::now();
    once();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t.push_back(s);
    total += s;
  }
  std::sort(t.begin(), t.end());
  const double med = t.size() % 2 ? t[t.size() / 2] : 0.5 * (t[t.size() / 2 - 1] + t[t.size() / 2]);
  std::printf("%d %.9f %.2f\n", n, med, 2.0 * n * n * n / med / 1e9);
  return 0;
}
