// Why a second timed window on a power-capped GPU reads low, and how long a rest undoes it: the
// question bench/results/wave3e_gpu_2026-12-07.md left open (there, the second of two back-to-back
// sustained windows ran 6-17% below the first on 8192^3 and 3000^3 bf16, whichever cuBLASLt
// algorithm ran in it). Two algorithms of one bf16 GEMM: A, the heuristic's first (the library's
// default), and B, the next one that runs. Each experiment starts from a card idle for 5 s:
//   A then B, B then A            two windows back to back, each settled first as gpubench does
//   A, rest R, A                  for R = 0.25 .. 4 s: the rest after which a window reads as
//                                 the first did
//   A/B alternating               ~5 ms batches, as gpubench times the default today
// A window: after a settle (25 ms chunks until two agree within 1%, at most 1.5 s), ~30 ms
// samples (CUDA graphs of the calls between events) until 0.3 s, the median, as gpubench's
// sustained window. Build and run on the GPU machine:
//   nvcc -O2 -arch=sm_90 -o /tmp/window_order bench/window_order.cu -lcublasLt
//   /tmp/window_order 8192 8192 8192
#include "lt_bf16.hpp"
#include <cuda_bf16.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>
#define CK(x) do { auto e = (x); if ((int)e != 0) { printf("%s failed %d line %d\n", #x, (int)e, __LINE__); exit(1);} } while (0)

struct Gemm {
  int m, n, k;
  cudaStream_t s;
  bench::LtBf16 lt;
  void *a, *b, *c, *ws;
  size_t wsb = 32u << 20;
  cudaEvent_t e0, e1;
  cudaGraphExec_t graph[2];
  int calls = 1;  // per graph: ~5 ms of the default
  cublasLtMatmulAlgo_t algo[2];

  cublasStatus_t try_run(int which) { return lt.run(algo[which], a, b, c, ws, wsb, s); }
  void run(int which) { CK(try_run(which)); }
  double graph_seconds(int which, int graphs) {  // seconds of `graphs` replays, between events
    CK(cudaEventRecord(e0, s));
    for (int i = 0; i < graphs; ++i) CK(cudaGraphLaunch(graph[which], s));
    CK(cudaEventRecord(e1, s));
    CK(cudaEventSynchronize(e1));
    float ms; CK(cudaEventElapsedTime(&ms, e0, e1));
    return ms * 1e-3;
  }
  double tflops(double seconds_per_call) const { return 2.0 * m * n * k / seconds_per_call / 1e12; }
  void settle(int which) {
    const double per_graph = graph_seconds(which, 1);
    const int chunk = std::max(1, int(0.025 / per_graph));
    double spent = 0, previous = 0;
    for (int stable = 0; spent < 1.5 && stable < 2;) {
      const double t = graph_seconds(which, chunk);
      spent += t;
      stable = previous > 0 && std::abs(t - previous) <= 0.01 * previous ? stable + 1 : 0;
      previous = t;
    }
  }
  double window(int which) {  // TFLOPS of the median ~30 ms sample, after a settle
    settle(which);
    const int per_sample = std::max(1, int(0.03 / graph_seconds(which, 1)));
    std::vector<double> per_call;
    for (double spent = 0; spent < 0.3 || per_call.size() < 5;) {
      const double t = graph_seconds(which, per_sample);
      spent += t;
      per_call.push_back(t / (per_sample * calls));
    }
    std::sort(per_call.begin(), per_call.end());
    return tflops(per_call[per_call.size() / 2]);
  }
  std::pair<double, double> alternating() {  // A's and B's TFLOPS over ~0.25 s of 5 ms batches
    settle(0);
    double t[2] = {}, runs[2] = {};
    for (double spent = 0; spent < 0.25;)
      for (int w = 0; w < 2; ++w) { const double x = graph_seconds(w, 1); t[w] += x; runs[w] += calls; spent += x; }
    return {tflops(t[0] / runs[0]), tflops(t[1] / runs[1])};
  }
};

void idle(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

int main(int argc, char** argv) {
  if (argc != 4) { printf("usage: %s M N K\n", argv[0]); return 2; }
  Gemm g;
  g.m = atoi(argv[1]); g.n = atoi(argv[2]); g.k = atoi(argv[3]);
  const int m = g.m, n = g.n, k = g.k;
  CK(cudaStreamCreateWithFlags(&g.s, cudaStreamNonBlocking));
  std::vector<__nv_bfloat16> ha(size_t(m) * k), hb(size_t(k) * n);
  srand(1);
  for (auto& v : ha) v = __float2bfloat16((rand() % 2 ? 1 : -1) * (0.125f + 0.875f * rand() / RAND_MAX));
  for (auto& v : hb) v = __float2bfloat16((rand() % 2 ? 1 : -1) * (0.125f + 0.875f * rand() / RAND_MAX));
  CK(cudaMalloc(&g.a, ha.size() * 2)); CK(cudaMalloc(&g.b, hb.size() * 2));
  CK(cudaMalloc(&g.c, size_t(m) * n * 2)); CK(cudaMalloc(&g.ws, g.wsb));
  CK(cudaMemcpy(g.a, ha.data(), ha.size() * 2, cudaMemcpyHostToDevice));
  CK(cudaMemcpy(g.b, hb.data(), hb.size() * 2, cudaMemcpyHostToDevice));
  CK(g.lt.create(m, n, k));
  cublasLtMatmulHeuristicResult_t r[8]; int found = 0;
  CK(g.lt.heuristic(g.wsb, 8, r, &found));
  g.algo[0] = r[0].algo;
  int second = -1;
  for (int i = 1; i < found && second < 0; ++i) {
    g.algo[1] = r[i].algo;  // the library may refuse a candidate it offered: the next, then
    if (g.try_run(1) == CUBLAS_STATUS_SUCCESS && cudaStreamSynchronize(g.s) == cudaSuccess &&
        cudaGetLastError() == cudaSuccess)
      second = i;
  }
  if (second < 0) { printf("the heuristic offered no second algorithm that runs\n"); return 3; }
  // ~5 ms of the default per graph
  for (int i = 0; i < 5; ++i) g.run(0);
  CK(cudaStreamSynchronize(g.s));
  CK(cudaEventCreate(&g.e0)); CK(cudaEventCreate(&g.e1));
  CK(cudaEventRecord(g.e0, g.s)); for (int i = 0; i < 10; ++i) g.run(0); CK(cudaEventRecord(g.e1, g.s));
  CK(cudaEventSynchronize(g.e1));
  float ms; CK(cudaEventElapsedTime(&ms, g.e0, g.e1));
  g.calls = std::clamp(int(5.0 / (ms / 10)), 1, 1000);
  for (int w = 0; w < 2; ++w) {
    cudaGraph_t gr;
    CK(cudaStreamBeginCapture(g.s, cudaStreamCaptureModeThreadLocal));
    for (int i = 0; i < g.calls; ++i) g.run(w);
    CK(cudaStreamEndCapture(g.s, &gr)); CK(cudaGraphInstantiate(&g.graph[w], gr, 0));
    CK(cudaGraphUpload(g.graph[w], g.s)); CK(cudaStreamSynchronize(g.s));
  }
  printf("%dx%dx%d bf16: A = heuristic's first, B = its #%d; %d calls a graph\n", m, n, k, second, g.calls);
  const double kIdle = 5.0;
  for (int first = 0; first < 2; ++first) {
    idle(kIdle);
    const double x = g.window(first), y = g.window(1 - first);
    printf("%c then %c: %.1f then %.1f TFLOPS (second / first %.3f)\n", "AB"[first], "AB"[1 - first], x, y, y / x);
  }
  for (double rest : {0.0, 0.25, 0.5, 1.0, 2.0, 4.0}) {
    idle(kIdle);
    const double x = g.window(0);
    idle(rest);
    const double y = g.window(0);
    printf("A, rest %.2f s, A: %.1f then %.1f TFLOPS (second / first %.3f)\n", rest, x, y, y / x);
  }
  idle(kIdle);
  const auto [a, b] = g.alternating();
  printf("A/B alternating, 5 ms batches: A %.1f, B %.1f TFLOPS (B / A %.3f)\n", a, b, b / a);
  idle(kIdle);
  const double a1 = g.window(0);
  const auto [a2, b2] = g.alternating();
  printf("A's window, then alternating: A %.1f, then A %.1f, B %.1f TFLOPS\n", a1, a2, b2);
}
