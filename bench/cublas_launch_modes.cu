// One bf16 GEMM's time per call in one process, three ways of launching it, for two cuBLAS entry
// points (cublasLtMatmul with its heuristic's first algorithm, which gpubench calls "default", and
// cublasGemmEx, which torch.mm calls): a plain loop of calls (paced by the CPU's ~6-10 us a call),
// the calls queued behind a 4 ms sleep kernel (the GPU runs them back to back from the stream),
// and a CUDA graph of the calls (what gpubench times since wave 3d). Each (entry point, way) runs
// ~0.2 s twice, interleaved, after ~1 s of settling.
// Build and run on the GPU machine (bench/wave3d_gpu_call3.sh):
//   nvcc -O2 -arch=sm_90 -o /tmp/cublas_launch_modes bench/cublas_launch_modes.cu -lcublasLt -lcublas
//   /tmp/cublas_launch_modes M N K
#include "lt_bf16.hpp"
#include <cuda_bf16.h>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>
#define CK(x) do { auto e = (x); if ((int)e != 0) { printf("%s failed %d line %d\n", #x, (int)e, __LINE__); exit(1);} } while (0)
__global__ void sleep_kernel(long long ns) {
  long long t0; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  for (;;) { long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); if (t - t0 > ns) break; __nanosleep(1000); }
}
int main(int argc, char** argv) {
  int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]);
  const int N = 200;
  cudaStream_t s; CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  std::vector<__nv_bfloat16> ha(size_t(m) * k), hb(size_t(k) * n);
  srand(1);
  for (auto& v : ha) v = __float2bfloat16((rand() % 2 ? 1 : -1) * (0.125f + 0.875f * rand() / RAND_MAX));
  for (auto& v : hb) v = __float2bfloat16((rand() % 2 ? 1 : -1) * (0.125f + 0.875f * rand() / RAND_MAX));
  void *a, *b, *c, *ws; size_t wsb = 32u << 20;
  CK(cudaMalloc(&a, ha.size() * 2)); CK(cudaMalloc(&b, hb.size() * 2)); CK(cudaMalloc(&c, size_t(m) * n * 2)); CK(cudaMalloc(&ws, wsb));
  CK(cudaMemcpy(a, ha.data(), ha.size() * 2, cudaMemcpyHostToDevice)); CK(cudaMemcpy(b, hb.data(), hb.size() * 2, cudaMemcpyHostToDevice));
  bench::LtBf16 gemm; CK(gemm.create(m, n, k));
  cublasLtMatmulHeuristicResult_t r[1]; int found = 0;
  CK(gemm.heuristic(wsb, 1, r, &found));
  cublasHandle_t h; CK(cublasCreate(&h)); CK(cublasSetStream(h, s)); CK(cublasSetWorkspace(h, ws, wsb));
  std::function<void()> ops[2] = {
    [&] { CK(gemm.run(r[0].algo, a, b, c, ws, wsb, s)); },
    [&] { CK(bench::gemm_ex_bf16(h, m, n, k, a, b, c)); }};
  const char* opname[2] = {"cublasLt heuristic[0]", "cublasGemmEx"};
  cudaGraphExec_t g[2];
  for (int o = 0; o < 2; ++o) {
    for (int i = 0; i < 20; ++i) ops[o]();
    CK(cudaStreamSynchronize(s));
    cudaGraph_t gr; CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    for (int i = 0; i < N; ++i) ops[o]();
    CK(cudaStreamEndCapture(s, &gr)); CK(cudaGraphInstantiate(&g[o], gr, 0));
  }
  cudaEvent_t e0, e1; CK(cudaEventCreate(&e0)); CK(cudaEventCreate(&e1));
  auto batch = [&](int o, int mode) {  // seconds per call
    if (mode == 1) sleep_kernel<<<1, 1, 0, s>>>(4000000);
    CK(cudaEventRecord(e0, s));
    if (mode == 2) CK(cudaGraphLaunch(g[o], s)); else for (int i = 0; i < N; ++i) ops[o]();
    CK(cudaEventRecord(e1, s)); CK(cudaEventSynchronize(e1));
    float ms; CK(cudaEventElapsedTime(&ms, e0, e1)); return ms * 1e-3 / N;
  };
  printf("cublasLt %zu (cublasLtGetVersion)\n", cublasLtGetVersion());
  const char* modename[3] = {"plain loop", "queued behind sleep", "CUDA graph"};
  // settle ~1 s on the graph, then each (op, mode) for ~0.2 s, twice, interleaved
  for (double t = 0; t < 1.0;) t += batch(0, 2) * N;
  double sum[2][3] = {}, calls[2][3] = {};
  for (int round = 0; round < 2; ++round)
    for (int o = 0; o < 2; ++o)
      for (int mode = 0; mode < 3; ++mode)
        for (double t = 0; t < 0.2;) { double x = batch(o, mode) * N; t += x; sum[o][mode] += x; calls[o][mode] += N; }
  for (int o = 0; o < 2; ++o)
    for (int mode = 0; mode < 3; ++mode) {
      double per = sum[o][mode] / calls[o][mode];
      printf("%dx%dx%d %s, %s: %.2f us/call, %.1f TFLOPS\n", m, n, k, opname[o], modename[mode], per * 1e6, 2.0 * m * n * k / per / 1e12);
    }
}
