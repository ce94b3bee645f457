// The Arm vendors' BLAS libraries as CPU BLAS of backend_cpu_blas.cpp, in aarch64 builds only
// (neither exists for x86-64): NVIDIA Performance Libraries (NVPL) BLAS on Grace, and Arm
// Performance Libraries (ArmPL) on any Neoverse core. sgemm and dgemm through their CBLAS
// interface; their facts from what each exposes (version, thread count). Neither is in Debian nor
// installable on the project's CI machine: written from the vendors' documented APIs, and untested
// against the real libraries.
#include <dlfcn.h>
#include <fmt/format.h>

#include "gpubench/backends/cpu_blas.hpp"

namespace gpubench {

namespace {

template <class F>
F vendor_symbol(void* handle, const char* name) {
  return reinterpret_cast<F>(dlsym(handle, name));
}

// What both share: LP64 only, CBLAS entry points, and the threading layer their file names say
// (NVPL: _gomp or _seq; ArmPL: _mp or none).
void bind_cblas(void* handle, CpuBlasLibrary& lib, const char* display) {
  if (lib.path.find("ilp64") != std::string::npos)
    throw BackendError(fmt::format(
        "{} is the ILP64 (64-bit integer) {}; gpubench calls the 32-bit (LP64) CBLAS interface: "
        "give the lp64 library",
        lib.path, display));
  lib.sgemm = vendor_symbol<CblasSgemm>(handle, "cblas_sgemm");
  lib.dgemm = vendor_symbol<CblasDgemm>(handle, "cblas_dgemm");
  if (!lib.sgemm || !lib.dgemm)
    throw BackendError(fmt::format("{} has no CBLAS interface (no cblas_sgemm)", lib.path));
  const bool openmp = lib.path.find("_gomp") != std::string::npos ||
                      lib.path.find("_mp") != std::string::npos;
  lib.info.parallel = openmp ? "openmp" : "sequential";
  lib.info.detected = "not exposed";  // neither says which kernels it chose
  lib.no_bf16 = fmt::format("{} has no bf16 GEMM through its CBLAS interface", display);
  lib.no_fp16 = fmt::format("{} has no fp16 GEMM through its CBLAS interface", display);
}

void bind_nvpl(void* handle, CpuBlasLibrary& lib) {
  const auto version = vendor_symbol<int (*)()>(handle, "nvpl_blas_get_version");
  const auto set_threads = vendor_symbol<void (*)(int)>(handle, "nvpl_blas_set_num_threads");
  const auto get_threads = vendor_symbol<int (*)()>(handle, "nvpl_blas_get_max_threads");
  if (!version || !set_threads || !get_threads)
    throw BackendError(fmt::format("{} is not NVPL BLAS (no nvpl_blas_get_version)", lib.path));
  bind_cblas(handle, lib, "NVPL BLAS");
  const int v = version();  // major * 10000 + minor * 100 + patch
  lib.info.version = fmt::format("{}.{}.{}", v / 10000, v / 100 % 100, v % 100);
  lib.info.config = fmt::format("NVPL BLAS {} lp64 {}", lib.info.version, lib.info.parallel);
  lib.set_threads = set_threads;
  lib.get_threads = get_threads;
}

void bind_armpl(void* handle, CpuBlasLibrary& lib) {
  const auto version =
      vendor_symbol<void (*)(int*, int*, int*, const char**)>(handle, "armplversion");
  if (!version) throw BackendError(fmt::format("{} is not ArmPL (no armplversion)", lib.path));
  bind_cblas(handle, lib, "ArmPL");
  int major = 0, minor = 0, patch = 0;
  const char* tag = nullptr;
  version(&major, &minor, &patch, &tag);
  lib.info.version = fmt::format("{}.{}.{}", major, minor, patch);
  lib.info.config = fmt::format("ArmPL {}{} lp64 {}", lib.info.version,
                                tag && *tag ? std::string(" ") + tag : "", lib.info.parallel);
  // ArmPL's threads are its OpenMP runtime's (found through the library's own dependencies).
  const auto set_threads = vendor_symbol<void (*)(int)>(handle, "omp_set_num_threads");
  const auto get_threads = vendor_symbol<int (*)()>(handle, "omp_get_max_threads");
  lib.set_threads = [set_threads](int n) {
    if (set_threads) set_threads(n);
  };
  lib.get_threads = [get_threads] { return get_threads ? get_threads() : 1; };
}

}  // namespace

CpuBlasKind nvpl_kind() {
  return {"nvpl",
          "NVPL BLAS",
          "kernels",  // not exposed
          "NVIDIA Performance Libraries BLAS sgemm/dgemm (Grace), loaded at run time",
          {"libnvpl_blas_lp64_gomp.so.0", "libnvpl_blas_lp64_seq.so.0"},
          "NVIDIA's CUDA apt repository for sbsa: apt install nvpl-blas (docs/arm.md)",
          bind_nvpl};
}

CpuBlasKind armpl_kind() {
  return {"armpl",
          "ArmPL",
          "kernels",  // not exposed
          "Arm Performance Libraries sgemm/dgemm, loaded at run time",
          {"libarmpl_lp64_mp.so", "libarmpl_lp64.so"},
          "Arm's free download; then --blas-lib armpl=/opt/arm/armpl_.../lib/libarmpl_lp64_mp.so "
          "(docs/arm.md)",
          bind_armpl};
}

}  // namespace gpubench
