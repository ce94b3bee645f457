// OpenBLAS as a CPU BLAS of backend_cpu_blas.cpp: sgemm, dgemm, and sbgemm for bf16 in builds
// with BUILD_BFLOAT16; its facts from openblas_get_config/corename/parallel.
#include <dlfcn.h>
#include <fmt/format.h>

#include <regex>

#include "gpubench/backends/cpu_blas.hpp"

namespace gpubench {

namespace {

template <class F>
F symbol(void* handle, const char* name) {
  return reinterpret_cast<F>(dlsym(handle, name));
}

void bind_openblas(void* handle, CpuBlasLibrary& lib) {
  const auto get_config = symbol<char* (*)()>(handle, "openblas_get_config");
  const auto set_threads = symbol<void (*)(int)>(handle, "openblas_set_num_threads");
  const auto get_threads = symbol<int (*)()>(handle, "openblas_get_num_threads");
  if (!get_config || !set_threads || !get_threads)
    throw BackendError(fmt::format("{} is not OpenBLAS (no openblas_get_config)", lib.path));
  lib.sgemm = symbol<CblasSgemm>(handle, "cblas_sgemm");
  lib.dgemm = symbol<CblasDgemm>(handle, "cblas_dgemm");
  LibraryInfo& b = lib.info;
  b.config = get_config();
  if (const auto corename = symbol<char* (*)()>(handle, "openblas_get_corename"))
    b.detected = corename();
  std::smatch m;
  static const std::regex version_re(R"(OpenBLAS\s+([0-9][0-9.]*\w*))");
  if (std::regex_search(b.config, m, version_re)) b.version = m[1];
  const auto parallel = symbol<int (*)()>(handle, "openblas_get_parallel");
  switch (parallel ? parallel() : -1) {
    case 0:
      b.parallel = "sequential";
      break;
    case 1:
      b.parallel = "pthreads";
      break;
    case 2:
      b.parallel = "openmp";
      break;
    default:
      b.parallel = "unknown";
  }
  lib.set_threads = set_threads;
  lib.get_threads = get_threads;
  // Ends the pthreads server threads (blas_thread_init starts them again at the next call).
  if (const auto shutdown = symbol<int (*)()>(handle, "blas_thread_shutdown_"))
    lib.quiesce = [shutdown] { shutdown(); };
  // cblas_sbgemm exists only in builds with BUILD_BFLOAT16.
  lib.bf16_gemm = symbol<CblasGemm16to32>(handle, "cblas_sbgemm");
  lib.no_bf16 = "this OpenBLAS build has no sbgemm (built without BUILD_BFLOAT16)";
  lib.no_fp16 = "OpenBLAS has no fp16 GEMM with an fp32 result";
}

}  // namespace

CpuBlasKind openblas_kind() {
  return {"openblas",
          "OpenBLAS",
          "core",  // the kernel core it picked: Haswell, SkylakeX
          "OpenBLAS sgemm/dgemm (sbgemm for bf16 where built), loaded at run time",
          {"libopenblas.so.0", "libopenblas.so"},
          "apt install libopenblas0",
          bind_openblas};
}

}  // namespace gpubench
