// A small parameter search for the warp-tiled SGEMM (kernels/sgemm_warptile.cuh) on the GPU at
// hand: each candidate configuration is compiled in, checked against cuBLAS SGEMM and timed at
// n = 4096 beside it. Prints a markdown table, fastest first. Built and run by tune_warptile.sh.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "sgemm_warptile.cuh"

using namespace gpubench::kernels;

#define CHECK(x)                                                                      \
  do {                                                                                \
    auto e_ = (x);                                                                    \
    if (e_ != 0) {                                                                    \
      std::fprintf(stderr, "%s failed (%d) at line %d\n", #x, int(e_), __LINE__);     \
      std::exit(1);                                                                   \
    }                                                                                 \
  } while (0)

struct Candidate {
  std::string params;
  void (*launch)(int, int, int, const float*, const float*, float*, cudaStream_t);
};

template <int BM, int BN, int BK, int WM, int WN, int WNITER, int TM, int TN, int T, int MINB = 1>
Candidate candidate() {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "BM=%d BN=%d BK=%d WM=%d WN=%d WNITER=%d TM=%d TN=%d threads=%d minblocks=%d", BM,
                BN, BK, WM, WN, WNITER, TM, TN, T, MINB);
  using Cfg = WarptileConfig<BM, BN, BK, WM, WN, WNITER, TM, TN, T, MINB>;
  return {buf, launch_sgemm_warptile_config<Cfg>};
}

// Seconds per call: the median of 5 batches of `reps` back-to-back calls.
template <class F>
double time_it(F&& f, int reps) {
  cudaEvent_t a, b;
  CHECK(cudaEventCreate(&a));
  CHECK(cudaEventCreate(&b));
  f();
  CHECK(cudaDeviceSynchronize());
  std::vector<double> t;
  for (int i = 0; i < 5; ++i) {
    CHECK(cudaEventRecord(a));
    for (int r = 0; r < reps; ++r) f();
    CHECK(cudaEventRecord(b));
    CHECK(cudaEventSynchronize(b));
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, a, b));
    t.push_back(ms / 1e3 / reps);
  }
  std::sort(t.begin(), t.end());
  return t[2];
}

// Times every candidate at one size beside cuBLAS and prints a markdown table, fastest first.
void tune_at(int n, const std::vector<Candidate>& cands);

int main(int argc, char** argv) {
  // Round 3 (bench/results/tune_warptile_h200_2026-11-27_run3.md) found that the bounds checks on
  // every K-tile load, not the tile shape, had held rounds 1-2 back: with an unchecked path for
  // interior blocks, 128x128 blocks with 8x8 results per thread lead. Round 4 searches around
  // them at every ladder size.
  const std::vector<Candidate> cands = {
      candidate<128, 128, 16, 64, 64, 4, 8, 4, 128>(),  // round-3 winner
      candidate<128, 128, 16, 64, 64, 4, 8, 4, 128, 2>(),
      candidate<128, 128, 8, 64, 64, 4, 8, 4, 128>(),
      candidate<128, 128, 16, 64, 64, 2, 8, 4, 128>(),
      candidate<128, 128, 16, 64, 64, 4, 4, 8, 128>(),
      candidate<128, 256, 8, 64, 64, 4, 8, 4, 256>(),
      candidate<128, 128, 16, 64, 32, 2, 4, 4, 256>(),
      candidate<128, 64, 16, 64, 32, 2, 8, 4, 128>(),
      candidate<128, 64, 16, 64, 32, 2, 8, 4, 128, 3>(),
      candidate<64, 128, 16, 32, 64, 2, 4, 8, 128>(),
      candidate<64, 128, 16, 32, 64, 1, 4, 4, 128>(),
      candidate<64, 128, 16, 32, 64, 1, 4, 4, 128, 4>(),
  };
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes.push_back(4096);
  for (int n : sizes) tune_at(n, cands);
  return 0;
}

void tune_at(int n, const std::vector<Candidate>& cands) {
  const size_t elems = size_t(n) * n;
  std::vector<float> host(elems);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  float *A, *B, *C, *R;
  CHECK(cudaMalloc(&A, elems * 4));
  CHECK(cudaMalloc(&B, elems * 4));
  CHECK(cudaMalloc(&C, elems * 4));
  CHECK(cudaMalloc(&R, elems * 4));
  for (auto& v : host) v = dist(rng);
  CHECK(cudaMemcpy(A, host.data(), elems * 4, cudaMemcpyHostToDevice));
  for (auto& v : host) v = dist(rng);
  CHECK(cudaMemcpy(B, host.data(), elems * 4, cudaMemcpyHostToDevice));

  cublasHandle_t h;
  CHECK(cublasCreate(&h));
  CHECK(cublasSetMathMode(h, CUBLAS_DEFAULT_MATH));  // exact fp32, no TF32
  const float one = 1.f, zero = 0.f;
  auto cublas = [&] {  // row-major C = A B as column-major C^T = B^T A^T
    CHECK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, B, n, A, n, &zero, R, n));
  };
  const double flops = 2.0 * n * n * double(n);
  const int reps = n >= 4096 ? 10 : 50;
  const double t_ref = time_it(cublas, reps);
  std::vector<float> ref(elems), got(elems);
  CHECK(cudaMemcpy(ref.data(), R, elems * 4, cudaMemcpyDeviceToHost));

  struct Row { std::string params; double tflops, pct, err; };
  std::vector<Row> rows;
  for (const Candidate& c : cands) {
    CHECK(cudaMemset(C, 0xFF, elems * 4));
    const double t = time_it(
        [&] {
          c.launch(n, n, n, A, B, C, nullptr);
          CHECK(cudaGetLastError());
        },
        reps);
    CHECK(cudaMemcpy(got.data(), C, elems * 4, cudaMemcpyDeviceToHost));
    double err = 0;
    for (size_t i = 0; i < elems; i += 97) err = std::max(err, double(std::fabs(got[i] - ref[i])));
    if (std::isnan(got[0]) || std::isnan(got[elems - 1])) err = INFINITY;
    rows.push_back({c.params, flops / t / 1e12, 100.0 * t_ref / t, err});
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return a.tflops > b.tflops; });
  cudaDeviceProp p{};
  CHECK(cudaGetDeviceProperties(&p, 0));
  std::printf("Warp-tiled SGEMM configurations on %s, n = %d (cuBLAS SGEMM %.1f TFLOPS)\n\n",
              p.name, n, flops / t_ref / 1e12);
  std::printf("| configuration | TFLOPS | %% of cuBLAS | max abs diff vs cuBLAS (sampled) |\n");
  std::printf("|---|---:|---:|---:|\n");
  for (const Row& r : rows)
    std::printf("| %s | %.1f | %.1f | %.2e |\n", r.params.c_str(), r.tflops, r.pct, r.err);
  std::printf("\n");
  CHECK(cublasDestroy(h));
  for (float* p : {A, B, C, R}) CHECK(cudaFree(p));
}
