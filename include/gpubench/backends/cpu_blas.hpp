// CPU BLAS libraries (OpenBLAS, BLIS, Intel MKL), each loaded at run time: dlopen with local
// symbol binding, so one binary holds any subset of them without their identical cblas_* symbols
// colliding, and a library that is not installed is a row with the reason, never a link failure.
// Each library is a provider ("openblas", "blis", "mkl") with one backend of the same name.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gpubench/backends/backend.hpp"
#include "gpubench/backends/registry.hpp"

namespace gpubench {

// The CBLAS constants: their values are fixed by the CBLAS standard, the same in every library,
// so no library's header is needed to call it.
enum CblasOrder : int { kCblasRowMajor = 101, kCblasColMajor = 102 };
enum CblasTranspose : int { kCblasNoTrans = 111, kCblasTrans = 112 };

// The GEMM entry points, with the 32-bit integers of the LP64 interface every library here
// offers (a 64-bit-integer build is refused when it is loaded).
using CblasSgemm = void (*)(int order, int transa, int transb, int m, int n, int k, float alpha,
                            const float* a, int lda, const float* b, int ldb, float beta, float* c,
                            int ldc);
using CblasDgemm = void (*)(int order, int transa, int transb, int m, int n, int k, double alpha,
                            const double* a, int lda, const double* b, int ldb, double beta,
                            double* c, int ldc);
// 16-bit operands (bf16 or IEEE fp16 bits), fp32 C: OpenBLAS cblas_sbgemm, MKL
// cblas_gemm_bf16bf16f32 and cblas_gemm_f16f16f32 share this signature.
using CblasGemm16to32 = void (*)(int order, int transa, int transb, int m, int n, int k,
                                 float alpha, const std::uint16_t* a, int lda,
                                 const std::uint16_t* b, int ldb, float beta, float* c, int ldc);

// MKL's integer GEMM: C(s32) = alpha (op(A) + ao)(op(B) + bo) + beta C + co. Measured with MKL
// 2020.4 (row-major): A is read as UNSIGNED 8-bit and B as signed, so an s8 x s8 product passes
// A + 128 as u8 with ao = -128, which MKL takes out exactly. offsetc CblasFixOffset (173): one co
// for all of C (171 and 172 read a row or column of offsets).
using CblasGemmS8U8S32 = void (*)(int order, int transa, int transb, int offsetc, int m, int n,
                                  int k, float alpha, const void* a, int lda, std::int8_t ao,
                                  const void* b, int ldb, std::int8_t bo, float beta,
                                  std::int32_t* c, int ldc, const std::int32_t* co);
inline constexpr int kCblasFixOffset = 173;

// Strided batched GEMM (MKL's cblas_sgemm_batch_strided / cblas_dgemm_batch_strided): `batch`
// products, operand i at a + i * stridea and so on.
using CblasSgemmBatchStrided = void (*)(int order, int transa, int transb, int m, int n, int k,
                                        float alpha, const float* a, int lda, int stridea,
                                        const float* b, int ldb, int strideb, float beta,
                                        float* c, int ldc, int stridec, int batch);
using CblasDgemmBatchStrided = void (*)(int order, int transa, int transb, int m, int n, int k,
                                        double alpha, const double* a, int lda, int stridea,
                                        const double* b, int ldb, int strideb, double beta,
                                        double* c, int ldc, int stridec, int batch);

// One loaded CPU BLAS: its facts and entry points. Loaded once per process and never unloaded.
struct CpuBlasLibrary {
  std::string backend;  // "openblas", "blis", "mkl"
  std::string path;     // what was opened: a soname or the --blas-lib path
  LibraryInfo info;     // name, version, config, detected, parallel (threads: see set_threads)
  CblasSgemm sgemm = nullptr;
  CblasDgemm dgemm = nullptr;
  CblasGemm16to32 bf16_gemm = nullptr, fp16_gemm = nullptr;
  // --batch: the library's strided batched GEMM where it exports one (fp32/fp64), else null and
  // a batch is a loop of calls.
  CblasSgemmBatchStrided sgemm_batch_strided = nullptr;
  CblasDgemmBatchStrided dgemm_batch_strided = nullptr;
  // int8 (s8 x s8 -> s32) through MKL's cblas_gemm_s8u8s32, A passed as u8 (see above).
  CblasGemmS8U8S32 s8u8s32_gemm = nullptr;
  std::string no_bf16, no_fp16;  // why not, where the entry point is null
  // The library's own thread API: sets the count, and reads back what it will use.
  std::function<void(int)> set_threads;
  std::function<int()> get_threads;
  // Stops the library's idle worker threads from spinning (OpenBLAS's spin for about 2^28 cycles
  // after each call, on every core), so that another library's case that follows runs on quiet
  // cores; the next call starts them again. Unset where the threads sleep soon by themselves.
  std::function<void()> quiesce;
};

// What gpubench knows of one CPU BLAS: where to find it, how to install it, how to read it.
struct CpuBlasKind {
  std::string backend;               // "openblas"
  std::string display;               // "OpenBLAS"
  std::string detected_as;           // what LibraryInfo::detected is to it: "core", "config"
  std::string description;           // one line for `gpubench info`
  std::vector<std::string> sonames;  // tried in order when no --blas-lib path is given
  std::string install_hint;          // "apt install libblis4-openmp"
  // Reads the facts and entry points of an opened library into `lib` (backend, path and handle
  // are set); throws BackendError when the library is not this one or cannot be used.
  std::function<void(void* handle, CpuBlasLibrary& lib)> bind;
  // Environment variables with which the library ends the process from inside its first call
  // when it does not accept the value (BLIS aborts on a BLIS_ARCH_TYPE it was not built with).
  // With one of them set, `bind` runs first in a child process: a child that dies makes this
  // library a row saying why, instead of taking gpubench down with it.
  std::vector<std::string> fatal_env = {};
};

// OpenBLAS, BLIS, MKL (then NVPL BLAS and ArmPL in aarch64 builds): the order of the providers,
// of the `cpu` group and of the default choice.
const std::vector<CpuBlasKind>& cpu_blas_kinds();
// Defined one per library file (src/backends/blas_*.cpp).
CpuBlasKind openblas_kind();
CpuBlasKind blis_kind();
CpuBlasKind mkl_kind();
// aarch64 builds only (blas_arm_vendors.cpp): NVIDIA's NVPL BLAS and Arm's ArmPL.
CpuBlasKind nvpl_kind();
CpuBlasKind armpl_kind();

// --blas-lib NAME=PATH: the library `backend` is loaded from `path` instead of its sonames. An
// unknown name, a missing file or a name given twice throw UsageError (exit 2).
void set_cpu_blas_path(const std::string& backend, const std::string& path);
// Parses "NAME=PATH" and calls set_cpu_blas_path; UsageError for a malformed item.
void set_cpu_blas_path_option(const std::string& item);
// Loads every library in provider order (see load_cpu_blas); a --blas-lib path that cannot be
// loaded or is not that library throws UsageError naming it, before anything runs.
void load_cpu_blas_paths();

// The library of `backend`, loaded on first use (the same object afterwards); throws
// BackendError with the reason when it is missing ("libblis.so.4 not found: apt install ...").
std::shared_ptr<const CpuBlasLibrary> load_cpu_blas(const std::string& backend);
// Opens and binds one library, uncached: `path` when given, else the kind's sonames in order.
// Throws BackendError with the reason ("libblis.so.4 not found: apt install libblis4-openmp",
// "... is not a CBLAS library").
std::shared_ptr<const CpuBlasLibrary> open_cpu_blas(const CpuBlasKind& kind,
                                                    const std::string& path = "");
// Whether it loads, without throwing.
bool cpu_blas_available(const std::string& backend);
// Whether its file is on this machine, loading or not: false only when no file was found (the
// install hint case). A library that is there but refused (not that library, a BLIS aborting on
// its BLIS_ARCH_TYPE) is installed: the `cpu` group shows it as a row saying why.
bool cpu_blas_installed(const std::string& backend);

// Applies a --threads request (0 = every CPU this process may use) through the library's own API
// and returns the count it reads back.
int apply_cpu_threads(const CpuBlasLibrary& lib, int threads);

// OMP_PROC_BIND / OMP_PLACES as this process was given them ("unset" where neither is), and what
// they mean for a library with this threading layer: gpubench never sets them itself.
std::string thread_placement(const std::string& parallel);

// The leading dimensions and transpose flags of one row-major C = op(A) op(B).
struct GemmCall {
  int order = kCblasRowMajor;
  int transa = kCblasNoTrans, transb = kCblasNoTrans;
  int m = 0, n = 0, k = 0;
  int lda = 0, ldb = 0, ldc = 0;
};
// The call for a Problem: A and B row-major as its layout stores them (M x K or K x M, K x N or
// N x K), the transpose flags saying which; one product of the batch (the next ones follow at
// M*K, K*N and M*N elements).
GemmCall gemm_call_of(const Problem& p);

// The backend of one CPU BLAS (throws BackendError with the reason when it is missing).
std::unique_ptr<Backend> make_cpu_blas_backend(const std::string& backend,
                                               const BackendOptions& opts);

// One provider per library in cpu_blas_kinds(): its library facts (or why it is missing) and
// its backend. The first library found is in the default sweep; `cpu` selects every one found.
std::vector<Provider> cpu_blas_providers();

}  // namespace gpubench
