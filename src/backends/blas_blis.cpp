// BLIS (and AMD's AOCL-BLIS, which keeps its API) as a CPU BLAS of backend_cpu_blas.cpp: sgemm
// and dgemm through its CBLAS layer; its facts from bli_info_* and the configuration it chose for
// this CPU (bli_arch_query_id).
#include <dlfcn.h>
#include <fmt/format.h>

#include <cstdint>

#include "gpubench/backends/cpu_blas.hpp"

namespace gpubench {

namespace {

template <class F>
F symbol(void* handle, const char* name) {
  return reinterpret_cast<F>(dlsym(handle, name));
}

using gint = std::int64_t;  // BLIS's gint_t / dim_t in every build (64-bit by default)

void bind_blis(void* handle, CpuBlasLibrary& lib) {
  const auto version = symbol<const char* (*)()>(handle, "bli_info_get_version_str");
  const auto set_threads = symbol<void (*)(gint)>(handle, "bli_thread_set_num_threads");
  const auto get_threads = symbol<gint (*)()>(handle, "bli_thread_get_num_threads");
  if (!version || !set_threads || !get_threads)
    throw BackendError(fmt::format("{} is not BLIS (no bli_info_get_version_str)", lib.path));
  const auto int_size = symbol<gint (*)()>(handle, "bli_info_get_int_type_size");
  const auto blas_int_size = symbol<gint (*)()>(handle, "bli_info_get_blas_int_type_size");
  // Results are read as int: a BLIS built with 32-bit gint_t leaves the upper half undefined.
  if (blas_int_size && int(blas_int_size()) != 32)
    throw BackendError(fmt::format(
        "{} is a BLIS with {}-bit BLAS integers; gpubench calls the 32-bit (LP64) CBLAS interface",
        lib.path, int(blas_int_size())));
  // Initialise first: BLIS 0.9.0 checks a BLIS_ARCH_TYPE against its configurations in the query
  // below, and before bli_init aborts on every value, valid or not ("Accessed uninitialized
  // context in gks").
  if (const auto init = symbol<void (*)()>(handle, "bli_init")) init();
  lib.sgemm = symbol<CblasSgemm>(handle, "cblas_sgemm");
  lib.dgemm = symbol<CblasDgemm>(handle, "cblas_dgemm");
  LibraryInfo& b = lib.info;
  b.version = version();
  const auto flag = [&](const char* name) {
    const auto f = symbol<gint (*)()>(handle, name);
    return f && int(f()) != 0;
  };
  b.parallel = flag("bli_info_get_enable_openmp")     ? "openmp"
               : flag("bli_info_get_enable_pthreads") ? "pthreads"
                                                      : "sequential";
  const auto arch_id = symbol<int (*)()>(handle, "bli_arch_query_id");
  const auto arch_name = symbol<const char* (*)(int)>(handle, "bli_arch_string");
  if (arch_id && arch_name) b.detected = arch_name(arch_id());
  const auto simd = symbol<gint (*)()>(handle, "bli_info_get_simd_size");
  b.config = fmt::format("BLIS {} {} int={} blas_int={}{}{}", b.version, b.parallel,
                         int_size ? int(int_size()) : 0, blas_int_size ? int(blas_int_size()) : 0,
                         simd ? fmt::format(" simd={}B", int(simd())) : "",
                         b.detected.empty() ? "" : " config=" + b.detected);
  lib.set_threads = [set_threads](int n) { set_threads(gint(n)); };
  lib.get_threads = [get_threads] { return int(get_threads()); };
  lib.no_bf16 = "BLIS has no bf16 GEMM through its CBLAS interface";
  lib.no_fp16 = "BLIS has no fp16 GEMM through its CBLAS interface";
}

}  // namespace

CpuBlasKind blis_kind() {
  return {"blis",
          "BLIS",
          "config",  // the configuration it picked: zen3, skx
          "BLIS sgemm/dgemm (AMD AOCL-BLIS too), loaded at run time",
          {"libblis.so.4", "libblis-mt.so.4", "libblis.so", "libblis-mt.so"},
          "apt install libblis4-openmp (AMD's AOCL-BLIS: --blas-lib blis=PATH)",
          bind_blis,
          {"BLIS_ARCH_TYPE"}};
}

}  // namespace gpubench
