// The smallest honest GEMM timing loop of one CPU BLAS: the yardstick for gpubench's harness
// overhead. The library is opened the way gpubench opens it (dlopen, local symbols) and its thread
// count set through its own API; the loop itself is bench/direct_loop.hpp.
// Usage: direct_sgemm LIBRARY.so openblas|blis|mkl N THREADS MIN_TIME [fp32|fp64]
// Prints "n median_seconds gflops gflops_of_the_fastest_sample threads_read_back".
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "direct_loop.hpp"

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
int run(void* h, int n, double min_time) {
  const auto gemm = sym<bench::CblasGemm<T>>(h, sizeof(T) == 4 ? "cblas_sgemm" : "cblas_dgemm");
  const bench::DirectRate r = bench::DirectLoop<T>(gemm, n).measure(min_time);
  std::printf("%d %.9f %.2f %.2f", n, r.median_seconds, r.gflops, r.fastest_gflops);
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
