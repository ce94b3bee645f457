// Loaded by bench/torch_inprocess.py into PyTorch's process: one bf16 GEMM's rate through
// cublasLtMatmul with its heuristic's first algorithm (gpubench's "default") or cublasGemmEx (what
// torch.mm calls), on torch's tensors or on buffers of its own, timed as bench/capture_check.py
// times torch.mm (a CUDA graph of ~5 ms of calls; settle, then the median ~30 ms sample of 0.3 s).
// Build: nvcc -O2 -arch=sm_90 -shared -Xcompiler -fPIC -o /tmp/libinproc.so
//        bench/torch_inprocess.cu -lcublasLt -lcublas
#include <cuda_bf16.h>
#include "lt_bf16.hpp"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>
#define CK(x) do { auto e = (x); if ((int)e != 0) { printf("%s failed %d line %d\n", #x, (int)e, __LINE__); return -1.0;} } while (0)
// gpubench's kind of values (src/core/host_matrix.cpp): magnitude in [0.125, 1], random sign.
__global__ void fill(__nv_bfloat16* x, size_t n, unsigned long long seed) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    unsigned long long z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    const double v = 0.125 + 0.875 * double(z >> 11) * 0x1.0p-53;
    x[i] = __float2bfloat16(float(z & 1 ? -v : v));
  }
}

// a and b null: buffers of its own, filled on the device (for a process without torch).
extern "C" double rate(void* a, void* b, void* c, int m, int n, int k, int gemmex, int own) {
  cudaStream_t s; CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  size_t wsb = 32u << 20; void* ws = nullptr;
  void *A = a, *B = b, *C = c, *pad = nullptr, *slab = nullptr;
  // GEMM_PAD_MB: that much device memory taken before its own buffers (where they land)
  if (const char* mb = getenv("GEMM_PAD_MB"); own && mb && atoi(mb) > 0) CK(cudaMalloc(&pad, size_t(atoi(mb)) << 20));
  // GEMM_OFFSETS_KB=w,a,b,c: the workspace and its own A, B, C at those offsets (KiB) in one
  // allocation (where they land against each other); else each its own cudaMalloc.
  const char* offsets = getenv("GEMM_OFFSETS_KB");
  if (own && offsets) {
    size_t kb[4] = {0, 0, 0, 0};
    if (sscanf(offsets, "%zu,%zu,%zu,%zu", &kb[0], &kb[1], &kb[2], &kb[3]) != 4) { printf("bad GEMM_OFFSETS_KB\n"); return -1.0; }
    const size_t bytes[4] = {wsb, size_t(m) * k * 2, size_t(k) * n * 2, size_t(m) * n * 2};
    size_t end = 0;
    for (int i = 0; i < 4; ++i) end = std::max(end, (kb[i] << 10) + bytes[i]);
    CK(cudaMalloc(&slab, end));
    void** at[4] = {&ws, &A, &B, &C};
    for (int i = 0; i < 4; ++i) *at[i] = static_cast<char*>(slab) + (kb[i] << 10);
  } else {
    CK(cudaMalloc(&ws, wsb));
  }
  if (own) {
    if (!slab) { CK(cudaMalloc(&A, size_t(m) * k * 2)); CK(cudaMalloc(&B, size_t(k) * n * 2)); CK(cudaMalloc(&C, size_t(m) * n * 2)); }
    if (a && b) {
      CK(cudaMemcpy(A, a, size_t(m) * k * 2, cudaMemcpyDeviceToDevice)); CK(cudaMemcpy(B, b, size_t(k) * n * 2, cudaMemcpyDeviceToDevice));
    } else {
      fill<<<1024, 256>>>((__nv_bfloat16*)A, size_t(m) * k, 42); fill<<<1024, 256>>>((__nv_bfloat16*)B, size_t(k) * n, 43);
      CK(cudaDeviceSynchronize());
    }
  }
  bench::LtBf16 gemm; CK(gemm.create(m, n, k));
  cublasLtMatmulHeuristicResult_t r[1]; int found = 0;
  CK(gemm.heuristic(wsb, 1, r, &found));
  cublasHandle_t h; CK(cublasCreate(&h)); CK(cublasSetStream(h, s)); CK(cublasSetWorkspace(h, ws, wsb));
  auto call = [&] {
    return int(gemmex ? bench::gemm_ex_bf16(h, m, n, k, A, B, C) : gemm.run(r[0].algo, A, B, C, ws, wsb, s));
  };
  cudaEvent_t e0, e1; CK(cudaEventCreate(&e0)); CK(cudaEventCreate(&e1));
  for (int i = 0; i < 20; ++i) CK(call());
  CK(cudaEventRecord(e0, s)); for (int i = 0; i < 20; ++i) CK(call()); CK(cudaEventRecord(e1, s)); CK(cudaEventSynchronize(e1));
  float ms; CK(cudaEventElapsedTime(&ms, e0, e1));
  const int reps = std::clamp(int(5.0 / (ms / 20)), 1, 1000);
  cudaGraph_t gr; cudaGraphExec_t g;
  CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  for (int i = 0; i < reps; ++i) CK(call());
  CK(cudaStreamEndCapture(s, &gr)); CK(cudaGraphInstantiate(&g, gr, 0));
  auto secs = [&](int graphs) { CK(cudaEventRecord(e0, s)); for (int i = 0; i < graphs; ++i) CK(cudaGraphLaunch(g, s));
    CK(cudaEventRecord(e1, s)); CK(cudaEventSynchronize(e1)); float x; CK(cudaEventElapsedTime(&x, e0, e1)); return x * 1e-3; };
  const double per_graph = secs(1);
  const int chunk = std::max(1, int(0.025 / per_graph));
  double spent = 0, prev = 0;
  for (int stable = 0; spent < 1.5 && stable < 2;) { double t = secs(chunk); spent += t; stable = prev > 0 && std::fabs(t - prev) <= 0.01 * prev ? stable + 1 : 0; prev = t; }
  const int per_sample = std::max(1, int(0.03 / per_graph));
  std::vector<double> per_call;
  for (double tot = 0; tot < 0.3 || per_call.size() < 5;) { double t = secs(per_sample); tot += t; per_call.push_back(t / (per_sample * reps)); }
  std::sort(per_call.begin(), per_call.end());
  const double med = per_call[per_call.size() / 2];
  cudaGraphExecDestroy(g); cudaGraphDestroy(gr); cublasDestroy(h); cublasLtDestroy(gemm.lt);
  if (slab) cudaFree(slab);
  else { cudaFree(ws); if (own) { cudaFree(A); cudaFree(B); cudaFree(C); } }
  if (pad) cudaFree(pad);
  cudaStreamDestroy(s);
  return 2.0 * m * n * k / med / 1e12;
}
