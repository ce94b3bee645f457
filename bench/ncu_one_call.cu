// One cublasLtMatmul (heuristic[0], 32 MiB workspace, as gpubench's default) and one cublasGemmEx of a
// bf16 GEMM, for Nsight Compute's launch statistics (bench/wave3f_gpu_call1.sh): nvcc -O2 -arch=sm_90
// -o /tmp/one_lt bench/ncu_one_call.cu -lcublasLt -lcublas; /tmp/one_lt M N K
#include "lt_bf16.hpp"
#include <cstdio>
#include <cstdlib>
#define CK(x) do { auto e = (x); if ((int)e != 0) { printf("%s failed %d line %d\n", #x, (int)e, __LINE__); exit(1);} } while (0)
int main(int argc, char** argv) {
  int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]);
  cudaStream_t s; CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  void *a, *b, *c, *ws; size_t wsb = 32u << 20;
  CK(cudaMalloc(&a, size_t(m) * k * 2)); CK(cudaMalloc(&b, size_t(k) * n * 2)); CK(cudaMalloc(&c, size_t(m) * n * 2)); CK(cudaMalloc(&ws, wsb));
  CK(cudaMemset(a, 0x3c, size_t(m) * k * 2)); CK(cudaMemset(b, 0x3c, size_t(k) * n * 2));
  bench::LtBf16 g; CK(g.create(m, n, k));
  cublasLtMatmulHeuristicResult_t r[1]; int found = 0;
  CK(g.heuristic(wsb, 1, r, &found));
  cublasHandle_t h; CK(cublasCreate(&h)); CK(cublasSetStream(h, s)); CK(cublasSetWorkspace(h, ws, wsb));
  CK(g.run(r[0].algo, a, b, c, ws, wsb, s));
  CK(bench::gemm_ex_bf16(h, m, n, k, a, b, c));
  CK(cudaStreamSynchronize(s));
  printf("%dx%dx%d done\n", m, n, k);
}
