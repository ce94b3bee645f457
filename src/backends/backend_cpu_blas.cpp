// The CPU backend of every CPU BLAS: the library is opened at run time (dlopen, RTLD_LOCAL), its
// entry points looked up by the library's own file (blas_openblas.cpp, blas_blis.cpp,
// blas_mkl.cpp), and one Case multiplies through them with CBLAS transpose flags (the shape's
// layout). A batch is one call of the library's strided batched GEMM where it exports one (MKL's
// cblas_?gemm_batch_strided, fp32 and fp64), else a loop of calls (OpenBLAS and BLIS).
#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <set>

#include "gpubench/backends/cpu_blas.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/platform/sysinfo.hpp"

namespace gpubench {

namespace {

// No file of the library at all (its sonames not on the loader's path): the install-hint case,
// which the `cpu` group ("every library found") leaves out.
struct LibraryNotFound : BackendError {
  using BackendError::BackendError;
};

const CpuBlasKind* find_kind(const std::string& backend) {
  for (const CpuBlasKind& k : cpu_blas_kinds())
    if (k.backend == backend) return &k;
  return nullptr;
}

std::string known_kinds() {
  std::string out;
  for (const CpuBlasKind& k : cpu_blas_kinds()) out += (out.empty() ? "" : ", ") + k.backend;
  return out;
}

// What was loaded (or why not), per backend; --blas-lib paths. Guarded: providers are asked from
// the runner's thread and the CLI's.
struct LoadState {
  std::mutex mutex;
  std::map<std::string, std::string> paths;
  std::map<std::string, std::shared_ptr<const CpuBlasLibrary>> loaded;
  std::map<std::string, std::string> failed;
  std::set<std::string> not_found;  // of `failed`: no file at all
};

LoadState& state() {
  static LoadState s;
  return s;
}

// Opens `path` (a soname or a file) with its symbols kept local to it, so that two libraries
// exporting cblas_sgemm each call their own. Returns null and sets `error` when it fails.
void* open_local(const std::string& path, std::string& error) {
  dlerror();
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    error = e ? e : "dlopen failed";
  }
  return h;
}

// The lines a dying child printed, as one: without the file-and-line and "Aborting." lines that
// say nothing to the user ("libblis: frame/base/bli_arch.c (line 131):").
std::string last_words(const std::string& out) {
  std::string said;
  std::size_t start = 0;
  while (start < out.size() && said.size() < 300) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    const std::string line(trim(std::string_view(out).substr(start, end - start)));
    start = end + 1;
    if (line.empty() || line.find("(line ") != std::string::npos ||
        line.find("Aborting") != std::string::npos)
      continue;
    said += (said.empty() ? "" : " ") + line;
  }
  return said;
}

// See CpuBlasKind::fatal_env. The child only binds (no GEMM, so no worker threads of its own) and
// is given 30 s; its output is caught, not shown, and quoted in the reason. It reports how the
// bind went as the last line it writes, not through its exit status: a parent started with
// SIGCHLD ignored never sees the status (the child is reaped at once), and a library may exit()
// with any code. The libraries are opened while the command line is read, before CUDA or MPI
// start threads, so the child does not inherit a lock held by a thread that is not there.
constexpr std::string_view kBound = "\ngpubench-bind:ok\n", kRefused = "\ngpubench-bind:refused\n";

void bind_in_child_first(const CpuBlasKind& kind, void* handle, const std::string& path) {
  std::string set;
  for (const std::string& name : kind.fatal_env)
    if (const char* value = std::getenv(name.c_str()))
      set += fmt::format("{}{}={}", set.empty() ? "" : " ", name, value);
  if (set.empty()) return;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;  // no probe: bound in this process, as without it
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    std::string_view verdict = kBound;
    try {
      CpuBlasLibrary trial;
      trial.backend = kind.backend;
      trial.path = path;
      kind.bind(handle, trial);
    } catch (...) {
      verdict = kRefused;  // refused, not dead: the bind in this process says why
    }
    std::fflush(nullptr);
    [[maybe_unused]] const ssize_t n = write(STDOUT_FILENO, verdict.data(), verdict.size());
    _exit(0);
  }
  close(fds[1]);
  // What it said (the first 8 KiB, quoted in the reason) and its last bytes (the verdict).
  std::string out, tail;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, int(left.count()));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    char buf[1024];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child closed its end (it has ended), or the pipe failed
    if (out.size() < 8192) out.append(buf, std::min(std::size_t(n), 8192 - out.size()));
    tail.append(buf, std::size_t(n));
    if (tail.size() > 64) tail.erase(0, tail.size() - 64);
  }
  close(fds[0]);
  const bool reported =
      tail.find(kBound) != std::string::npos || tail.find(kRefused) != std::string::npos;
  if (!reported) kill(pid, SIGKILL);  // hung, or already gone: either way no more of it
  int status = 0;
  pid_t waited = 0;
  while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  if (reported) return;
  std::string how;
  if (timed_out)
    how = "did not return from its first call within 30 s";
  else if (waited == pid && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
    how = fmt::format("kills the process in its first call ({})", strsignal(WTERMSIG(status)));
  else if (waited == pid && WIFEXITED(status))
    how = fmt::format("exits the process in its first call (status {})", WEXITSTATUS(status));
  else
    how = "ends the process in its first call";
  const std::string said = last_words(out);
  throw BackendError(
      fmt::format("{} {}, with {} set{}; unset it or give a value this build accepts", path, how,
                  set, said.empty() ? "" : ": \"" + said + "\""));
}

bool is_not_found(const std::string& dl_error) {
  return dl_error.find("No such file") != std::string::npos ||
         dl_error.find("cannot open shared object file") != std::string::npos;
}

std::string env_or_unset(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : "";
}

std::uint16_t to_bf16_bits(float f) {  // inputs are already bf16-exact: truncation is exact
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return std::uint16_t(u >> 16);
}

// IEEE binary16 bits of a float that is exactly representable in it (inputs are rounded to fp16
// storage before any backend sees them), normal or subnormal.
std::uint16_t to_fp16_bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  const std::uint16_t sign = std::uint16_t((u >> 16) & 0x8000u);
  const int exponent = int((u >> 23) & 0xffu) - 127;
  const std::uint32_t mantissa = u & 0x7fffffu;
  if ((u & 0x7fffffffu) == 0) return sign;
  if (exponent >= -14)  // normal in fp16
    return std::uint16_t(sign | std::uint16_t((exponent + 15) << 10) |
                         std::uint16_t(mantissa >> 13));
  // Subnormal: the value is m x 2^-24 with m < 1024.
  const std::uint32_t full = mantissa | 0x800000u;
  return std::uint16_t(sign | std::uint16_t(full >> (-exponent - 14 + 13)));
}

void quiesce_other_libraries(const CpuBlasLibrary& running) {
  std::vector<std::shared_ptr<const CpuBlasLibrary>> others;
  {
    LoadState& s = state();
    std::lock_guard lock(s.mutex);
    for (const auto& [name, lib] : s.loaded)
      if (lib.get() != &running && lib->quiesce) others.push_back(lib);
  }
  for (const auto& lib : others) lib->quiesce();
}

class CpuBlasCase final : public Case {
 public:
  CpuBlasCase(std::shared_ptr<const CpuBlasLibrary> lib, const Problem& p)
      : lib_(std::move(lib)), p_(p), call_(gemm_call_of(p)) {
    const std::size_t mn =
        std::size_t(p.shape.m) * std::size_t(p.shape.n) * std::size_t(p.shape.batch);
    if (p.dtype == DType::fp64) {
      c64_ = HostMatrix(DType::fp64, p.shape.batch * p.shape.m, p.shape.n);
      std::fill_n(c64_.f64(), mn, std::numeric_limits<double>::quiet_NaN());  // poison
    } else {
      c32_ = HostMatrix(DType::fp32, p.shape.batch * p.shape.m, p.shape.n);
      std::fill_n(c32_.f32(), mn, std::numeric_limits<float>::quiet_NaN());
    }
    if (p.dtype == DType::int8) {
      // A as u8 = A + 128 (cblas_gemm_s8u8s32's unsigned operand), taken out by ao; B as s8.
      a8_.resize(p.a->size());
      b8_.resize(p.b->size());
      for (std::size_t i = 0; i < a8_.size(); ++i) a8_[i] = std::uint8_t(int(p.a->f32()[i]) + 128);
      for (std::size_t i = 0; i < b8_.size(); ++i) b8_[i] = std::int8_t(p.b->f32()[i]);
      c8_.assign(mn, std::numeric_limits<std::int32_t>::min());  // poison
    }
    if (p.dtype == DType::bf16 || p.dtype == DType::fp16) {
      auto bits = p.dtype == DType::bf16 ? to_bf16_bits : to_fp16_bits;
      a16_.resize(p.a->size());
      b16_.resize(p.b->size());
      for (std::size_t i = 0; i < a16_.size(); ++i) a16_[i] = bits(p.a->f32()[i]);
      for (std::size_t i = 0; i < b16_.size(); ++i) b16_[i] = bits(p.b->f32()[i]);
    }
  }

  double time_kernel(int reps) override {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) run_once();
    const auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double>(t1 - t0).count();
  }

  void read_result(std::vector<double>& out) override {
    const std::size_t mn =
        std::size_t(p_.shape.m) * std::size_t(p_.shape.n) * std::size_t(p_.shape.batch);
    out.resize(mn);
    if (p_.dtype == DType::int8)
      std::copy_n(c8_.begin(), mn, out.begin());
    else if (p_.dtype == DType::fp64)
      std::copy_n(c64_.f64(), mn, out.begin());
    else
      std::copy_n(c32_.f32(), mn, out.begin());
  }

 private:
  void run_once() {
    const GemmCall& c = call_;
    const std::size_t a_step = std::size_t(c.m) * std::size_t(c.k);
    const std::size_t b_step = std::size_t(c.k) * std::size_t(c.n);
    const std::size_t c_step = std::size_t(c.m) * std::size_t(c.n);
    if (batched_call()) {
      const int batch = int(p_.shape.batch);
      if (p_.dtype == DType::fp64)
        lib_->dgemm_batch_strided(c.order, c.transa, c.transb, c.m, c.n, c.k, 1.0, p_.a->f64(),
                                  c.lda, int(a_step), p_.b->f64(), c.ldb, int(b_step), 0.0,
                                  c64_.f64(), c.ldc, int(c_step), batch);
      else
        lib_->sgemm_batch_strided(c.order, c.transa, c.transb, c.m, c.n, c.k, 1.0f, p_.a->f32(),
                                  c.lda, int(a_step), p_.b->f32(), c.ldb, int(b_step), 0.0f,
                                  c32_.f32(), c.ldc, int(c_step), batch);
      return;
    }
    for (std::size_t i = 0; i < std::size_t(p_.shape.batch); ++i) {
      const std::size_t a0 = i * a_step, b0 = i * b_step, c0 = i * c_step;
      switch (p_.dtype) {
        case DType::fp64:
          lib_->dgemm(c.order, c.transa, c.transb, c.m, c.n, c.k, 1.0, p_.a->f64() + a0, c.lda,
                      p_.b->f64() + b0, c.ldb, 0.0, c64_.f64() + c0, c.ldc);
          break;
        case DType::int8: {
          const std::int32_t no_offset = 0;
          lib_->s8u8s32_gemm(c.order, c.transa, c.transb, kCblasFixOffset, c.m, c.n, c.k, 1.0f,
                             a8_.data() + a0, c.lda, -128, b8_.data() + b0, c.ldb, 0, 0.0f,
                             c8_.data() + c0, c.ldc, &no_offset);
          break;
        }
        case DType::bf16:
        case DType::fp16: {
          const CblasGemm16to32 f = p_.dtype == DType::bf16 ? lib_->bf16_gemm : lib_->fp16_gemm;
          f(c.order, c.transa, c.transb, c.m, c.n, c.k, 1.0f, a16_.data() + a0, c.lda,
            b16_.data() + b0, c.ldb, 0.0f, c32_.f32() + c0, c.ldc);
          break;
        }
        default:
          lib_->sgemm(c.order, c.transa, c.transb, c.m, c.n, c.k, 1.0f, p_.a->f32() + a0, c.lda,
                      p_.b->f32() + b0, c.ldb, 0.0f, c32_.f32() + c0, c.ldc);
      }
    }
  }

  // One call of the library's strided batched GEMM, where it has one for the dtype and the
  // strides fit its 32-bit integers.
  bool batched_call() const {
    if (p_.shape.batch < 2) return false;
    const bool entry = p_.dtype == DType::fp64   ? lib_->dgemm_batch_strided != nullptr
                       : p_.dtype == DType::fp32 ? lib_->sgemm_batch_strided != nullptr
                                                 : false;
    constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
    const Shape& s = p_.shape;
    return entry && s.m * s.k <= kMaxInt && s.k * s.n <= kMaxInt && s.m * s.n <= kMaxInt &&
           s.batch <= kMaxInt;
  }

  std::shared_ptr<const CpuBlasLibrary> lib_;
  Problem p_;
  GemmCall call_;
  HostMatrix c32_, c64_;
  std::vector<std::uint16_t> a16_, b16_;
  std::vector<std::uint8_t> a8_;
  std::vector<std::int8_t> b8_;
  std::vector<std::int32_t> c8_;
};

class CpuBlasBackend final : public Backend {
 public:
  CpuBlasBackend(std::shared_ptr<const CpuBlasLibrary> lib, const BackendOptions& o)
      : lib_(std::move(lib)),
        threads_(apply_cpu_threads(*lib_, o.threads)),
        cpu_(o.cpu ? *o.cpu : host_facts().cpu) {}
  std::string name() const override { return lib_->backend; }
  DeviceKind device_kind() const override { return DeviceKind::cpu; }
  std::string device_name() const override { return cpu_.model; }
  int threads() const override { return threads_; }

  Support supports(DType d, const Shape& s) const override {
    constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
    if (s.m > kMaxInt || s.n > kMaxInt || s.k > kMaxInt)
      return Support::no(fmt::format(
          "{} is called through 32-bit (LP64) sizes: a dimension above 2^31-1 does not fit",
          lib_->info.name));
    if (is_fp8(d))
      return Support::no("no CPU BLAS has an fp8 GEMM (gpubench does not emulate one)");
    switch (d) {
      case DType::fp32:
      case DType::fp64:
        return Support::yes();
      case DType::bf16:
        return lib_->bf16_gemm ? Support::yes() : Support::no(lib_->no_bf16);
      case DType::fp16:
        return lib_->fp16_gemm ? Support::yes() : Support::no(lib_->no_fp16);
      case DType::tf32:
        return Support::no("tf32 is a GPU tensor-core mode (its CPU answer is fp32)");
      case DType::int8:
        // MKL's cblas_gemm_s8u8s32 reads A as unsigned: the case passes A + 128 as u8 with an
        // A offset of -128, which gives the s8 x s8 product exactly.
        if (lib_->s8u8s32_gemm) return Support::yes();
        return Support::no(
            fmt::format("{} has no int8 (s8 x s8 -> s32) GEMM in its CBLAS", lib_->info.name));
      default:
        break;
    }
    return Support::no("unknown dtype");
  }

  std::optional<double> peak_gflops(DType d) const override {
    // The estimate is for every physical core; fewer threads use fewer cores.
    std::optional<double> all = d == DType::fp64 ? cpu_.peak_gflops_fp64 : cpu_.peak_gflops_fp32;
    if (d != DType::fp32 && d != DType::fp64) return std::nullopt;
    if (!all || cpu_.physical_cores <= 0) return all;
    const int used = std::min(threads_, cpu_.physical_cores);
    return *all * used / cpu_.physical_cores;
  }

  std::unique_ptr<Case> prepare(const Problem& p) override {
    // The other libraries' idle threads must not spin on the cores this case times.
    quiesce_other_libraries(*lib_);
    // Another CPU library's backend may have run since this one was made; each library keeps its
    // own count, but set it again so a row always runs at the count it reports.
    apply_cpu_threads(*lib_, threads_);
    return std::make_unique<CpuBlasCase>(lib_, p);
  }

 private:
  std::shared_ptr<const CpuBlasLibrary> lib_;
  int threads_;
  CpuInfo cpu_;
};

}  // namespace

std::shared_ptr<const CpuBlasLibrary> open_cpu_blas(const CpuBlasKind& kind,
                                                    const std::string& path) {
  auto lib = std::make_shared<CpuBlasLibrary>();
  lib->backend = kind.backend;
  lib->info.name = kind.display;
  lib->info.detected_as = kind.detected_as;
  lib->info.role = kCpuBlasRole;
  lib->info.backend = kind.backend;
  std::vector<std::string> tried = path.empty() ? kind.sonames : std::vector<std::string>{path};
  std::string first_error;
  void* handle = nullptr;
  for (const std::string& name : tried) {
    std::string error;
    handle = open_local(name, error);
    if (handle) {
      lib->path = name;
      break;
    }
    // A library that exists but cannot be loaded says so; a missing one gives the install hint.
    if (first_error.empty() || !is_not_found(error)) first_error = error;
  }
  if (!handle) {
    if (!path.empty()) throw BackendError(fmt::format("cannot load {}: {}", path, first_error));
    if (is_not_found(first_error))
      throw LibraryNotFound(fmt::format("{} not found: {}", tried.front(), kind.install_hint));
    throw BackendError(fmt::format("{} cannot be loaded: {}", tried.front(), first_error));
  }
  lib->info.path = lib->path;
  // Where the file really is (a soname resolves through the loader's search path).
  if (Dl_info where{}; lib->path.find('/') == std::string::npos) {
    if (void* sym = dlsym(handle, "cblas_sgemm"); sym && dladdr(sym, &where) && where.dli_fname)
      lib->info.path = where.dli_fname;
  }
  if (!dlsym(handle, "cblas_sgemm") || !dlsym(handle, "cblas_dgemm"))
    throw BackendError(
        fmt::format("{} is not a CBLAS library (no cblas_sgemm/cblas_dgemm in it)", lib->path));
  bind_in_child_first(kind, handle, lib->info.path);
  kind.bind(handle, *lib);  // throws when it is not this library
  // Strided batched GEMM where the library exports it (MKL; not OpenBLAS 0.3.21-0.3.26 or BLIS).
  lib->sgemm_batch_strided =
      reinterpret_cast<CblasSgemmBatchStrided>(dlsym(handle, "cblas_sgemm_batch_strided"));
  lib->dgemm_batch_strided =
      reinterpret_cast<CblasDgemmBatchStrided>(dlsym(handle, "cblas_dgemm_batch_strided"));
  lib->info.placement = thread_placement(lib->info.parallel);
  return lib;
}

const std::vector<CpuBlasKind>& cpu_blas_kinds() {
  static const std::vector<CpuBlasKind> kinds{openblas_kind(), blis_kind(), mkl_kind(),
#if defined(__aarch64__)
                                               nvpl_kind(), armpl_kind(),
#endif
  };
  return kinds;
}

void set_cpu_blas_path(const std::string& backend, const std::string& path) {
  const CpuBlasKind* kind = find_kind(backend);
  if (!kind)
    throw UsageError(fmt::format("--blas-lib: unknown library '{}'; known: {}",
                                 shown_input(backend), known_kinds()));
  if (path.empty()) throw UsageError(fmt::format("--blas-lib {}=: the path is empty", backend));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw UsageError(fmt::format(
        "--blas-lib {}={}: {}", backend, shown_input(path),
        std::filesystem::exists(path, ec) ? "not a file (a directory?)" : "no such file"));
  LoadState& s = state();
  std::lock_guard lock(s.mutex);
  if (s.loaded.count(backend) || s.failed.count(backend))
    throw UsageError(fmt::format("--blas-lib {}: the library is already loaded", backend));
  if (s.paths.count(backend)) throw UsageError(fmt::format("--blas-lib {}: given twice", backend));
  // A path with no slash would go through the loader's search path: name the file itself.
  s.paths[backend] = path.find('/') == std::string::npos ? "./" + path : path;
}

void load_cpu_blas_paths() {
  std::map<std::string, std::string> paths;
  {
    LoadState& s = state();
    std::lock_guard lock(s.mutex);
    paths = s.paths;
  }
  for (const CpuBlasKind& k : cpu_blas_kinds()) {
    const auto given = paths.find(k.backend);
    try {
      load_cpu_blas(k.backend);
    } catch (const BackendError& e) {
      if (given != paths.end())
        throw UsageError(
            fmt::format("--blas-lib {}={}: {}", k.backend, shown_input(given->second), e.what()));
    }
  }
}

void set_cpu_blas_path_option(const std::string& item) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(fmt::format("--blas-lib '{}': expected NAME=PATH with NAME one of {}",
                                 shown_input(item), known_kinds()));
  set_cpu_blas_path(item.substr(0, eq), item.substr(eq + 1));
}

std::shared_ptr<const CpuBlasLibrary> load_cpu_blas(const std::string& backend) {
  const CpuBlasKind* kind = find_kind(backend);
  if (!kind) throw BackendError(fmt::format("no CPU BLAS named '{}'", backend));
  // The libraries are loaded in provider order, MKL last: libmkl_rt opens its own parts with
  // global symbols at its first call, and a library opened after that would bind its internal
  // BLAS calls to MKL's. Opened before (RTLD_NOW binds everything at once), each keeps its own.
  for (const CpuBlasKind& earlier : cpu_blas_kinds()) {
    if (&earlier == kind) break;
    cpu_blas_available(earlier.backend);
  }
  LoadState& s = state();
  std::lock_guard lock(s.mutex);
  if (auto it = s.loaded.find(backend); it != s.loaded.end()) return it->second;
  if (auto it = s.failed.find(backend); it != s.failed.end()) throw BackendError(it->second);
  try {
    const auto path = s.paths.find(backend);
    auto lib = open_cpu_blas(*kind, path == s.paths.end() ? std::string() : path->second);
    s.loaded[backend] = lib;
    return lib;
  } catch (const BackendError& e) {
    s.failed[backend] = e.what();
    if (dynamic_cast<const LibraryNotFound*>(&e)) s.not_found.insert(backend);
    throw;
  }
}

bool cpu_blas_installed(const std::string& backend) {
  if (cpu_blas_available(backend)) return true;
  LoadState& s = state();
  std::lock_guard lock(s.mutex);
  return !s.not_found.count(backend);
}

bool cpu_blas_available(const std::string& backend) {
  try {
    load_cpu_blas(backend);
    return true;
  } catch (const BackendError&) {
    return false;
  }
}

int apply_cpu_threads(const CpuBlasLibrary& lib, int threads) {
  lib.set_threads(threads > 0 ? threads : default_cpu_threads());
  return lib.get_threads();
}

std::string thread_placement(const std::string& parallel) {
  const std::string bind = env_or_unset("OMP_PROC_BIND"), places = env_or_unset("OMP_PLACES");
  std::string given;
  if (!bind.empty()) given += "OMP_PROC_BIND=" + bind;
  if (!places.empty()) given += (given.empty() ? "" : " ") + std::string("OMP_PLACES=") + places;
  if (parallel.rfind("openmp", 0) == 0)
    return given.empty() ? "unbound (OMP_PROC_BIND and OMP_PLACES unset)" : given;
  if (parallel == "sequential") return "one thread";
  // A pthreads library does not read the OpenMP variables.
  return given.empty() ? "unbound (its own threads)"
                       : fmt::format("unbound: {} apply to OpenMP only", given);
}

GemmCall gemm_call_of(const Problem& p) {
  GemmCall c;
  c.m = int(p.shape.m);
  c.n = int(p.shape.n);
  c.k = int(p.shape.k);
  c.transa = transposed_a(p.shape.layout) ? kCblasTrans : kCblasNoTrans;
  c.transb = transposed_b(p.shape.layout) ? kCblasTrans : kCblasNoTrans;
  c.lda = c.transa == kCblasNoTrans ? c.k : c.m;
  c.ldb = c.transb == kCblasNoTrans ? c.n : c.k;
  c.ldc = c.n;
  return c;
}

std::unique_ptr<Backend> make_cpu_blas_backend(const std::string& backend,
                                               const BackendOptions& opts) {
  return std::make_unique<CpuBlasBackend>(load_cpu_blas(backend), opts);
}

std::vector<Provider> cpu_blas_providers() {
  // The default sweep stays quick: the first library found (OpenBLAS where it is installed).
  std::string first_found;
  for (const CpuBlasKind& k : cpu_blas_kinds())
    if (cpu_blas_available(k.backend)) {
      first_found = k.backend;
      break;
    }
  if (first_found.empty()) first_found = cpu_blas_kinds().front().backend;

  std::vector<Provider> out;
  for (const CpuBlasKind& k : cpu_blas_kinds()) {
    Provider p;
    p.name = k.backend;
    p.libraries = [name = k.backend, display = k.display](int threads) {
      LibraryInfo info;
      try {
        auto lib = load_cpu_blas(name);
        info = lib->info;
        info.threads = apply_cpu_threads(*lib, threads);
      } catch (const BackendError& e) {
        info.name = display;
        info.role = kCpuBlasRole;
        info.backend = name;
        info.unavailable = e.what();
      }
      return std::vector<LibraryInfo>{info};
    };
    // Found: its file is here, whether it loads or not (one that is refused is a row saying why).
    const bool found = cpu_blas_installed(k.backend);
    p.backends = [k, found, in_default = k.backend == first_found] {
      BackendEntry e{
          k.backend,
          DeviceKind::cpu,
          k.description,
          "cpu",
          in_default,
          [name = k.backend](const BackendOptions& o) { return make_cpu_blas_backend(name, o); }};
      e.role = BackendRole::library;
      e.missing = !found;
      return std::vector<BackendEntry>{e};
    };
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace gpubench
