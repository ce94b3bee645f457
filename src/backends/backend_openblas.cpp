// CPU backend: sgemm / dgemm (and sbgemm for bf16 where this OpenBLAS has it) through CBLAS.
#include <cblas.h>
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cmath>
#include <limits>
#include <regex>

#include <fmt/format.h>

#include "gpubench/backends/openblas.hpp"
#include "gpubench/platform/sysinfo.hpp"

// OpenBLAS extensions (declared in its cblas.h; repeated here so a reference CBLAS header still
// compiles, and so the names used are explicit).
extern "C" {
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
int openblas_get_parallel(void);
}

namespace gpubench {

namespace {

// cblas_sbgemm exists only in OpenBLAS builds with BUILD_BFLOAT16; look it up at run time so one
// binary works with either build.
using SbgemmFn = void (*)(CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint,
                          float, const std::uint16_t*, blasint, const std::uint16_t*, blasint,
                          float, float*, blasint);
SbgemmFn find_sbgemm() {
  return reinterpret_cast<SbgemmFn>(dlsym(RTLD_DEFAULT, "cblas_sbgemm"));
}

std::uint16_t to_bf16_bits(float f) {  // inputs are already bf16-exact: truncation is exact
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return std::uint16_t(u >> 16);
}

class OpenblasCase final : public Case {
 public:
  OpenblasCase(const Problem& p) : p_(p) {
    const std::size_t mn = std::size_t(p.shape.m) * std::size_t(p.shape.n);
    if (p.dtype == DType::fp64) {
      c64_ = HostMatrix(DType::fp64, p.shape.m, p.shape.n);
      std::fill_n(c64_.f64(), mn, std::numeric_limits<double>::quiet_NaN());  // poison
    } else {
      c32_ = HostMatrix(DType::fp32, p.shape.m, p.shape.n);
      std::fill_n(c32_.f32(), mn, std::numeric_limits<float>::quiet_NaN());
    }
    if (p.dtype == DType::bf16) {
      sbgemm_ = find_sbgemm();
      a16_.resize(p.a->size());
      b16_.resize(p.b->size());
      for (std::size_t i = 0; i < a16_.size(); ++i) a16_[i] = to_bf16_bits(p.a->f32()[i]);
      for (std::size_t i = 0; i < b16_.size(); ++i) b16_[i] = to_bf16_bits(p.b->f32()[i]);
    }
  }

  double time_kernel(int reps) override {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) run_once();
    const auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double>(t1 - t0).count();
  }

  void read_result(std::vector<double>& out) override {
    const std::size_t mn = std::size_t(p_.shape.m) * std::size_t(p_.shape.n);
    out.resize(mn);
    if (p_.dtype == DType::fp64)
      std::copy_n(c64_.f64(), mn, out.begin());
    else
      std::copy_n(c32_.f32(), mn, out.begin());
  }

 private:
  void run_once() {
    const auto M = blasint(p_.shape.m), N = blasint(p_.shape.n), K = blasint(p_.shape.k);
    switch (p_.dtype) {
      case DType::fp64:
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0, p_.a->f64(), K,
                    p_.b->f64(), N, 0.0, c64_.f64(), N);
        break;
      case DType::bf16:
        sbgemm_(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a16_.data(), K,
                b16_.data(), N, 0.0f, c32_.f32(), N);
        break;
      default:
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, p_.a->f32(), K,
                    p_.b->f32(), N, 0.0f, c32_.f32(), N);
    }
  }

  Problem p_;
  HostMatrix c32_, c64_;
  std::vector<std::uint16_t> a16_, b16_;
  SbgemmFn sbgemm_ = nullptr;
};

class OpenblasBackend final : public Backend {
 public:
  explicit OpenblasBackend(const BackendOptions& o)
      : info_(openblas_info(o.threads)), cpu_(o.cpu ? *o.cpu : host_facts().cpu) {}
  std::string name() const override { return "openblas"; }
  DeviceKind device_kind() const override { return DeviceKind::cpu; }
  std::string device_name() const override { return cpu_.model; }
  int threads() const override { return info_.threads; }

  Support supports(DType d, const Shape&) const override {
    switch (d) {
      case DType::fp32:
      case DType::fp64: return Support::yes();
      case DType::bf16:
        if (find_sbgemm()) return Support::yes();
        return Support::no("this OpenBLAS build has no sbgemm (built without BUILD_BFLOAT16)");
      case DType::tf32: return Support::no("tf32 is a GPU tensor-core mode (its CPU answer is fp32)");
      case DType::fp16: return Support::no("OpenBLAS has no fp16 GEMM");
    }
    return Support::no("unknown dtype");
  }

  std::optional<double> peak_gflops(DType d) const override {
    // The estimate is for every physical core; fewer threads use fewer cores.
    std::optional<double> all = d == DType::fp64 ? cpu_.peak_gflops_fp64 : cpu_.peak_gflops_fp32;
    if (d == DType::bf16 || d == DType::fp16 || d == DType::tf32) return std::nullopt;
    if (!all || cpu_.physical_cores <= 0) return all;
    const int used = std::min(info_.threads, cpu_.physical_cores);
    return *all * used / cpu_.physical_cores;
  }

  std::unique_ptr<Case> prepare(const Problem& p) override {
    return std::make_unique<OpenblasCase>(p);
  }

 private:
  LibraryInfo info_;
  CpuInfo cpu_;
};

}  // namespace

LibraryInfo openblas_info(int threads) {
  LibraryInfo b;
  b.name = "OpenBLAS";
  b.role = kCpuBlasRole;
  openblas_set_num_threads(threads > 0 ? threads : default_cpu_threads());
  b.threads = openblas_get_num_threads();
  b.config = openblas_get_config();
  b.detected = openblas_get_corename();
  std::smatch m;
  static const std::regex version_re(R"(OpenBLAS\s+([0-9][0-9.]*\w*))");
  if (std::regex_search(b.config, m, version_re)) b.version = m[1];
  switch (openblas_get_parallel()) {
    case 0: b.parallel = "sequential"; break;
    case 1: b.parallel = "pthreads"; break;
    case 2: b.parallel = "openmp"; break;
    default: b.parallel = "unknown";
  }
  return b;
}

std::unique_ptr<Backend> make_openblas_backend(const BackendOptions& opts) {
  return std::make_unique<OpenblasBackend>(opts);
}

Provider openblas_provider() {
  Provider p;
  p.name = "openblas";
  p.libraries = [](int threads) { return std::vector<LibraryInfo>{openblas_info(threads)}; };
  p.backends = [] {
    std::vector<BackendEntry> rows{{"openblas", DeviceKind::cpu,
                                    "OpenBLAS sgemm/dgemm (sbgemm for bf16 where built)", "cpu",
                                    true, make_openblas_backend}};
    rows.back().role = BackendRole::library;
    return rows;
  };
  return p;
}

}  // namespace gpubench
