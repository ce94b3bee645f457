// Intel MKL (libmkl_rt, the single dynamic library) as a CPU BLAS of backend_cpu_blas.cpp:
// sgemm, dgemm, cblas_gemm_bf16bf16f32 and (oneMKL 2021 on) cblas_gemm_f16f16f32; its facts
// from MKL_Get_Version and the code path it dispatches to (MKL_CBWR_Get_Auto_Branch).
#include <dlfcn.h>
#include <fmt/format.h>
#include <link.h>

#include <unistd.h>

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gpubench/backends/cpu_blas.hpp"

namespace gpubench {

namespace {

template <class F>
F symbol(void* handle, const char* name) {
  return reinterpret_cast<F>(dlsym(handle, name));
}

struct MklVersion {  // MKLVersion of mkl_types.h
  int major, minor, update;
  char *product_status, *build, *processor, *platform;
};

// mkl_service.h's values.
constexpr int kInterfaceLp64 = 0;
constexpr int kThreadingIntel = 0, kThreadingSequential = 1, kThreadingGnu = 3, kThreadingTbb = 4;

std::string branch_name(int b) {  // MKL_CBWR_* of mkl_cbwr.h
  switch (b) {
    case 4:
      return "SSE2";
    case 6:
      return "SSSE3";
    case 7:
      return "SSE4.1";
    case 8:
      return "SSE4.2";
    case 9:
      return "AVX";
    case 10:
      return "AVX2";
    case 11:
      return "AVX-512 (Xeon Phi)";
    case 12:
      return "AVX-512";
    case 13:
      return "AVX-512 (Xeon Phi, E1)";
    case 14:
      return "AVX-512 E1 (VNNI)";
    default:
      return fmt::format("code path {}", b);
  }
}

// libmkl_rt loads the interface, threading, core and kernel libraries beside it (or on the
// loader's path) at its first call, and ends the process when one is missing. Check first.
bool mkl_part_found(const std::filesystem::path& dir, const std::string& stem) {
  for (const std::string& name : {stem + ".so.2", stem + ".so.1", stem + ".so"}) {
    std::error_code ec;
    if (!dir.empty() && std::filesystem::exists(dir / name, ec)) return true;
    if (void* h = dlopen(name.c_str(), RTLD_LAZY | RTLD_LOCAL)) {
      dlclose(h);
      return true;
    }
  }
  return false;
}

// The MKL kernel library in this process ("avx2 (libmkl_avx2.so)"), or empty.
std::string loaded_kernel_library() {
  std::string found;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        const std::string path = info->dlpi_name ? info->dlpi_name : "";
        const std::string file = std::filesystem::path(path).filename().string();
        for (const char* isa : {"avx512_mic", "avx512", "avx2", "avx", "mc3", "mc", "def"}) {
          const std::string stem = std::string("libmkl_") + isa + ".so";
          if (file.rfind(stem, 0) == 0) {
            *static_cast<std::string*>(data) = fmt::format("{} ({})", isa, file);
            return 1;
          }
        }
        return 0;
      },
      &found);
  return found;
}

// MKL ends the process (exit 2) when a part it loads at its first call is missing, e.g. the
// kernel library of this CPU. Its fatal-error handler is replaced by one that jumps back to the
// first call instead, while that runs; afterwards a fatal MKL error ends gpubench with exit 4.
// MKL prints its message on stdout: the first call's output is captured for the reason.
std::jmp_buf first_call_jump;
bool first_call_armed = false;

extern "C" void on_mkl_fatal_error(int) {
  if (first_call_armed) std::longjmp(first_call_jump, 1);
  std::_Exit(4);
}

void first_call(void* handle, const CpuBlasLibrary& lib) {
  if (const auto set_handler =
          symbol<int (*)(void (*)(int))>(handle, "MKL_Set_Exit_Handler"))
    set_handler(on_mkl_fatal_error);
  std::fflush(stdout);
  const int saved_stdout = dup(STDOUT_FILENO);
  std::FILE* captured = std::tmpfile();
  if (captured) dup2(fileno(captured), STDOUT_FILENO);
  bool failed = false;
  float one = 1, out = 0;
  first_call_armed = true;
  if (setjmp(first_call_jump) == 0)
    lib.sgemm(kCblasRowMajor, kCblasNoTrans, kCblasNoTrans, 1, 1, 1, 1.0f, &one, 1, &one, 1,
              0.0f, &out, 1);
  else
    failed = true;
  first_call_armed = false;
  std::fflush(stdout);
  if (saved_stdout >= 0) {
    dup2(saved_stdout, STDOUT_FILENO);
    close(saved_stdout);
  }
  std::string message;
  if (captured) {
    std::rewind(captured);
    char line[512];
    while (std::fgets(line, sizeof line, captured)) {
      std::string text(line);
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      if (!text.empty()) message += (message.empty() ? "" : " ") + text;
    }
    std::fclose(captured);
  }
  if (failed || out != 1.0f)
    throw BackendError(fmt::format("{} failed its first call{}", lib.path,
                                   message.empty() ? "" : ": " + message));
}

// libmkl_gnu_thread calls omp_* from the process's global scope without depending on libgomp
// itself (it expects a program built with -fopenmp). gpubench is not, and the libgomp that BLIS
// brings is local to BLIS: without this, MKL's first parallel call ends the process with a
// symbol lookup error. libgomp exports only omp_* and GOMP_*: no BLAS symbol goes global.
bool load_gnu_openmp_globally() {
  return dlopen("libgomp.so.1", RTLD_NOW | RTLD_GLOBAL) != nullptr;
}

void bind_mkl(void* handle, CpuBlasLibrary& lib) {
  const auto get_version = symbol<void (*)(MklVersion*)>(handle, "MKL_Get_Version");
  const auto set_threads = symbol<void (*)(int)>(handle, "MKL_Set_Num_Threads");
  const auto get_threads = symbol<int (*)()>(handle, "MKL_Get_Max_Threads");
  const auto set_interface = symbol<int (*)(int)>(handle, "MKL_Set_Interface_Layer");
  const auto set_threading = symbol<int (*)(int)>(handle, "MKL_Set_Threading_Layer");
  if (!get_version || !set_threads || !get_threads || !set_interface || !set_threading)
    throw BackendError(fmt::format(
        "{} is not Intel MKL's single dynamic library libmkl_rt (no MKL_Get_Version)", lib.path));

  std::filesystem::path dir = std::filesystem::path(lib.info.path).parent_path();
  // The threading layer: MKL_THREADING_LAYER when the user set it; else GNU OpenMP (libgomp,
  // the runtime BLIS and gpubench's other OpenMP code use: two OpenMP runtimes in one process
  // fight over the cores), else Intel's when only that one is present.
  const char* env_layer = std::getenv("MKL_THREADING_LAYER");
  std::string layer;
  if (env_layer && *env_layer) {
    layer = fmt::format("{} (MKL_THREADING_LAYER)", env_layer);
  } else if (mkl_part_found(dir, "libmkl_gnu_thread") && load_gnu_openmp_globally()) {
    set_threading(kThreadingGnu);
    layer = "gnu";
  } else if (mkl_part_found(dir, "libmkl_intel_thread") && mkl_part_found(dir, "libiomp5")) {
    set_threading(kThreadingIntel);
    layer = "intel";
  } else if (mkl_part_found(dir, "libmkl_sequential")) {
    set_threading(kThreadingSequential);
    layer = "sequential";
  }
  std::vector<std::string> missing;
  if (layer.empty()) missing.push_back("a threading library (libmkl_gnu_thread)");
  for (const char* part : {"libmkl_core", "libmkl_intel_lp64"})
    if (!mkl_part_found(dir, part)) missing.push_back(part);
  bool kernels = false;
  for (const char* k :
       {"libmkl_avx512", "libmkl_avx2", "libmkl_avx", "libmkl_def", "libmkl_mc3", "libmkl_mc"})
    kernels = kernels || mkl_part_found(dir, k);
  if (!kernels) missing.push_back("a kernel library (libmkl_avx512, libmkl_avx2, libmkl_def)");
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw BackendError(
        fmt::format("{} lacks {} beside it (MKL would stop the process)", lib.path, list));
  }
  set_interface(kInterfaceLp64);
  (void)kThreadingTbb;

  MklVersion v{};
  get_version(&v);
  LibraryInfo& b = lib.info;
  b.version = fmt::format("{}.{}", v.major, v.minor);
  if (v.update) b.version += fmt::format(".{}", v.update);
  b.config = fmt::format("Intel MKL {} {} build {} for {}; threading layer {}; {}", b.version,
                         v.product_status ? v.product_status : "", v.build ? v.build : "",
                         v.platform ? v.platform : "", layer, v.processor ? v.processor : "");
  b.parallel =
      layer.rfind("gnu", 0) == 0 || layer.rfind("intel", 0) == 0 ? "openmp (" + layer + ")" : layer;
  lib.sgemm = symbol<CblasSgemm>(handle, "cblas_sgemm");
  lib.dgemm = symbol<CblasDgemm>(handle, "cblas_dgemm");
  // What MKL dispatches to on this CPU: the kernel library its first GEMM loads (libmkl_avx2,
  // libmkl_avx512, libmkl_def, ...), and the code branch it reports where it names one (on
  // CPUs that are not Intel's it reports none).
  first_call(handle, lib);
  b.detected = loaded_kernel_library();
  if (const auto branch = symbol<int (*)()>(handle, "MKL_CBWR_Get_Auto_Branch")) {
    const int id = branch();
    if (id >= 4) b.detected += (b.detected.empty() ? "" : ", branch ") + branch_name(id);
  }
  if (b.detected.empty()) b.detected = "unknown";
  lib.set_threads = set_threads;
  lib.get_threads = get_threads;
  lib.bf16_gemm = symbol<CblasGemm16to32>(handle, "cblas_gemm_bf16bf16f32");
  lib.fp16_gemm = symbol<CblasGemm16to32>(handle, "cblas_gemm_f16f16f32");
  lib.s8u8s32_gemm = symbol<CblasGemmS8U8S32>(handle, "cblas_gemm_s8u8s32");
  lib.no_bf16 = fmt::format("MKL {} has no cblas_gemm_bf16bf16f32", b.version);
  lib.no_fp16 =
      fmt::format("MKL {} has no cblas_gemm_f16f16f32 (oneMKL 2021 and later have it)", b.version);
}

}  // namespace

CpuBlasKind mkl_kind() {
  return {"mkl",
          "MKL",
          "isa",  // the code path it picked: AVX2, AVX-512
          "Intel MKL sgemm/dgemm, bf16/fp16 GEMM with fp32 results, int8 through "
          "cblas_gemm_s8u8s32 (A passed as u8: A + 128, offset -128), loaded at run time",
          {"libmkl_rt.so.2", "libmkl_rt.so.1", "libmkl_rt.so"},
#if defined(__aarch64__)
          "Intel MKL is built for x86-64 only (on Arm: OpenBLAS, BLIS, NVPL BLAS, ArmPL)",
#else
          "optional: Intel's apt repository (intel-oneapi-mkl), Debian's non-free libmkl-rt, or "
          "the mkl Python wheel with --blas-lib mkl=.../lib/libmkl_rt.so.2",
#endif
          bind_mkl};
}

}  // namespace gpubench
