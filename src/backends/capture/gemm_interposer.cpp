// libgpubench_capture.so: `gpubench capture -- CMD` preloads it (LD_PRELOAD) into CMD and every
// child. Each GEMM entry point below records the call (its raw arguments: order, transposes,
// dimensions, types, batch) and forwards it unchanged to the real library. At exit (or _exit)
// each process writes its table to $GPUBENCH_CAPTURE_DIR/<pid>.gemms; gpubench merges the files
// and maps them to its own row-major shapes and dtypes (src/core/captured_gemms.cpp), so this
// file holds no gpubench facts and links nothing but libc.
//
// Record line: api order transa transb m n k batch atype btype ctype compute calls nanoseconds
//   api: cblas, fortran, cublas, cublaslt; order: r (row-major) or c (column-major);
//   types: cudaDataType_t numbers (CPU: 0 = float, 1 = double); compute: cublasComputeType_t or -1;
//   nanoseconds: time spent in the call (CPU libraries only; GPU calls are asynchronous: 0).
//
// The real function: not dlsym(RTLD_NEXT): a Python extension loads its BLAS RTLD_LOCAL, so the
// next definition is not in the global scope. Every loaded object is searched instead
// (dl_iterate_phdr, dlopen(RTLD_NOLOAD), dlsym), this library skipped.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

#include "gpubench/backends/blas_abi.hpp"
#include "gpubench/backends/capture_library.hpp"

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

// --- Finding the real symbol -----------------------------------------------------------------

// Each loaded object but this library and the main program, in load order.
int list_object(struct dl_phdr_info* info, size_t, void* data) {
  auto* names = static_cast<const char**>(data);
  if (!info->dlpi_name || !*info->dlpi_name) return 0;  // the main program
  int i = 0;
  while (names[i]) ++i;
  if (i < 1023) names[i] = info->dlpi_name;
  return 0;
}

void* real_symbol(const char* name) {
  static int self_marker;
  Dl_info self;
  if (!dladdr(&self_marker, &self)) return nullptr;
  const char* names[1024] = {};
  dl_iterate_phdr(list_object, names);
  for (int i = 0; names[i]; ++i) {
    void* handle = dlopen(names[i], RTLD_LAZY | RTLD_NOLOAD);
    if (!handle) continue;
    void* sym = dlsym(handle, name);
    dlclose(handle);
    Dl_info where;
    if (sym && dladdr(sym, &where) && where.dli_fbase != self.dli_fbase) return sym;
  }
  return nullptr;
}

// Resolved once per entry point; an entry point whose library is not loaded is never called.
#define REAL(fn)                                                              \
  static auto real = reinterpret_cast<decltype(&fn)>(real_symbol(#fn));       \
  if (!real) missing(#fn);

[[noreturn]] void missing(const char* name) {
  fprintf(stderr, "gpubench capture: %s was called but no loaded library defines it\n", name);
  abort();
}

// --- The table of calls ----------------------------------------------------------------------

struct Key {
  char api[12];
  char order, ta, tb;
  long long m, n, k, batch;
  int atype, btype, ctype, compute;
};

struct Entry {
  Key key;
  long long calls;
  long long ns;
};

constexpr int kMaxEntries = 4096;  // distinct cases per process; more are counted as dropped
Entry g_table[kMaxEntries];
int g_used = 0;
long long g_dropped = 0;
pid_t g_owner = 0;  // the process the table belongs to (a vfork child must not write it)
pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
thread_local int t_depth = 0;  // >0 inside a recorded call: a library calling another is not a GEMM

bool same(const Key& a, const Key& b) { return memcmp(&a, &b, sizeof(Key)) == 0; }

void record(const Key& key, long long ns) {
  pthread_mutex_lock(&g_lock);
  if (g_owner == 0) g_owner = getpid();
  int i = 0;
  while (i < g_used && !same(g_table[i].key, key)) ++i;
  if (i == g_used && g_used < kMaxEntries) g_table[g_used++] = Entry{key, 0, 0};
  if (i < g_used) {
    ++g_table[i].calls;
    g_table[i].ns += ns;
  } else {
    ++g_dropped;
  }
  pthread_mutex_unlock(&g_lock);
}

Key make_key(const char* api, char order, char ta, char tb, long long m, long long n, long long k,
             long long batch, int atype, int btype, int ctype, int compute) {
  Key key;
  memset(&key, 0, sizeof key);  // padding too: keys are compared bytewise
  strncpy(key.api, api, sizeof key.api - 1);
  key.order = order;
  key.ta = ta;
  key.tb = tb;
  key.m = m;
  key.n = n;
  key.k = k;
  key.batch = batch;
  key.atype = atype;
  key.btype = btype;
  key.ctype = ctype;
  key.compute = compute;
  return key;
}

long long now_ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

// Runs `call` and records `key` with its time, unless this call came from inside another
// recorded one (reference CBLAS calls sgemm_, cuBLAS calls cuBLASLt).
template <typename Call>
auto timed(const Key& key, bool cpu, Call call) {
  if (t_depth > 0) return call();
  ++t_depth;
  const long long start = cpu ? now_ns() : 0;
  struct Done {
    const Key& key;
    bool cpu;
    long long start;
    ~Done() {
      record(key, cpu ? now_ns() - start : 0);
      --t_depth;
    }
  } done{key, cpu, start};
  return call();
}

// --- Writing the table -----------------------------------------------------------------------

void write_table() {
  const char* dir = getenv(gpubench::kCaptureDirVariable);
  if (!dir || !*dir) return;
  pthread_mutex_lock(&g_lock);
  if (g_owner == getpid() && (g_used > 0 || g_dropped > 0)) {
    char tmp[4096], path[4096];
    snprintf(path, sizeof path, "%s/%d.gemms", dir, (int)getpid());
    snprintf(tmp, sizeof tmp, "%s/%d.gemms.tmp", dir, (int)getpid());
    if (FILE* f = fopen(tmp, "w")) {
      for (int i = 0; i < g_used; ++i) {
        const Key& k = g_table[i].key;
        fprintf(f, "%s %c %c %c %lld %lld %lld %lld %d %d %d %d %lld %lld\n", k.api, k.order,
                k.ta, k.tb, k.m, k.n, k.k, k.batch, k.atype, k.btype, k.ctype, k.compute,
                g_table[i].calls, g_table[i].ns);
      }
      if (g_dropped) fprintf(f, "dropped %lld\n", g_dropped);
      if (fclose(f) == 0) rename(tmp, path);
    }
  }
  pthread_mutex_unlock(&g_lock);
}

// A forked child starts with an empty table of its own.
void child_after_fork() {
  g_used = 0;
  g_dropped = 0;
  g_owner = getpid();
  pthread_mutex_init(&g_lock, nullptr);
}

__attribute__((constructor)) void start() {
  g_owner = getpid();
  pthread_atfork(nullptr, nullptr, child_after_fork);
}

__attribute__((destructor)) void finish() { write_table(); }

// --- CBLAS (cblas.h) -------------------------------------------------------------------------
// CBLAS_ORDER: 101 row-major, 102 column-major; CBLAS_TRANSPOSE: 111 no, 112 yes, 113 conjugate.
constexpr int kCblasRowMajor = 101;
constexpr int kCblasNoTrans = 111;
constexpr int kFloat = 0, kDouble = 1;  // cudaDataType_t's CUDA_R_32F and CUDA_R_64F

char cblas_order(int order) { return order == kCblasRowMajor ? 'r' : 'c'; }
char cblas_trans(int t) { return t == kCblasNoTrans ? 'n' : 't'; }
char fortran_trans(const char* t) { return (*t == 'N' || *t == 'n') ? 'n' : 't'; }

}  // namespace


#define PLAIN_CBLAS(fn, T, typecode)                                                              \
  EXPORT void fn(int order, int ta, int tb, int m, int n, int k, T alpha, const T* a, int lda,   \
                 const T* b, int ldb, T beta, T* c, int ldc) {                                   \
    REAL(fn);                                                                                     \
    const Key key = make_key("cblas", cblas_order(order), cblas_trans(ta), cblas_trans(tb), m,   \
                             n, k, 1, typecode, typecode, typecode, -1);                          \
    timed(key, true, [&] { real(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); }); \
  }
PLAIN_CBLAS(cblas_sgemm, float, kFloat)
PLAIN_CBLAS(cblas_dgemm, double, kDouble)

// Strided and grouped batches (Intel MKL's cblas_?gemm_batch_strided and cblas_?gemm_batch).
// Defined here, they would be found by a program that probes for them even where its library
// has none: then each product goes to the library's plain cblas_?gemm, one after the other.
namespace {
template <typename T, typename Plain>
void strided_fallback(Plain plain, int order, int ta, int tb, int m, int n, int k, T alpha,
                      const T* a, int lda, long long sa, const T* b, int ldb, long long sb,
                      T beta, T* c, int ldc, long long sc, int batch) {
  for (int i = 0; i < batch; ++i)
    plain(order, ta, tb, m, n, k, alpha, a + i * sa, lda, b + i * sb, ldb, beta, c + i * sc, ldc);
}
}  // namespace

#define STRIDED_BATCH(fn, plain, T, typecode)                                                     \
  EXPORT void fn(int order, int ta, int tb, int m, int n, int k, T alpha, const T* a, int lda,   \
                 long long sa, const T* b, int ldb, long long sb, T beta, T* c, int ldc,         \
                 long long sc, int batch) {                                                       \
    static auto real = reinterpret_cast<decltype(&fn)>(real_symbol(#fn));                        \
    static auto real_plain = reinterpret_cast<decltype(&plain)>(real_symbol(#plain));            \
    if (!real && !real_plain) missing(#fn);                                                       \
    const Key key = make_key("cblas", cblas_order(order), cblas_trans(ta), cblas_trans(tb), m,   \
                             n, k, batch, typecode, typecode, typecode, -1);                      \
    timed(key, true, [&] {                                                                        \
      if (real)                                                                                   \
        real(order, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, batch);    \
      else                                                                                        \
        strided_fallback<T>(real_plain, order, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb,   \
                            beta, c, ldc, sc, batch);                                             \
    });                                                                                           \
  }
STRIDED_BATCH(cblas_sgemm_batch_strided, cblas_sgemm, float, kFloat)
STRIDED_BATCH(cblas_dgemm_batch_strided, cblas_dgemm, double, kDouble)

// The grouped form: group g has group_size[g] products of one shape. Recorded as one case per
// group (its batch the group's size); the time of the whole call is shared by the groups in
// proportion to their FLOPs.
#define GROUP_BATCH(fn, plain, T, typecode)                                                       \
  EXPORT void fn(int order, const int* ta, const int* tb, const int* m, const int* n,            \
                 const int* k, const T* alpha, const T** a, const int* lda, const T** b,          \
                 const int* ldb, const T* beta, T** c, const int* ldc, int groups,                \
                 const int* size) {                                                               \
    static auto real = reinterpret_cast<decltype(&fn)>(real_symbol(#fn));                        \
    static auto real_plain = reinterpret_cast<decltype(&plain)>(real_symbol(#plain));            \
    if (!real && !real_plain) missing(#fn);                                                       \
    const bool outer = t_depth == 0;                                                              \
    ++t_depth;                                                                                    \
    const long long start = now_ns();                                                             \
    if (real) {                                                                                   \
      real(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, groups, size);           \
    } else {                                                                                      \
      for (int g = 0, first = 0; g < groups; first += size[g], ++g)                               \
        for (int i = first; i < first + size[g]; ++i)                                             \
          real_plain(order, ta[g], tb[g], m[g], n[g], k[g], alpha[g], a[i], lda[g], b[i], ldb[g], \
                     beta[g], c[i], ldc[g]);                                                      \
    }                                                                                             \
    const long long spent = now_ns() - start;                                                     \
    --t_depth;                                                                                    \
    if (!outer) return;                                                                           \
    double total = 0;                                                                             \
    for (int g = 0; g < groups; ++g) total += double(m[g]) * n[g] * k[g] * size[g];               \
    for (int g = 0; g < groups; ++g)                                                              \
      record(make_key("cblas", cblas_order(order), cblas_trans(ta[g]), cblas_trans(tb[g]), m[g], \
                      n[g], k[g], size[g], typecode, typecode, typecode, -1),                     \
             total > 0 ? (long long)(spent * (double(m[g]) * n[g] * k[g] * size[g] / total)) : 0); \
  }
GROUP_BATCH(cblas_sgemm_batch, cblas_sgemm, float, kFloat)
GROUP_BATCH(cblas_dgemm_batch, cblas_dgemm, double, kDouble)

// --- Fortran BLAS (what LAPACK and scipy call): column-major, arguments by reference, and the
// two hidden character lengths gfortran passes (forwarded as they came).
#define FORTRAN_GEMM(fn, T, typecode)                                                             \
  EXPORT void fn(const char* ta, const char* tb, const int* m, const int* n, const int* k,       \
                 const T* alpha, const T* a, const int* lda, const T* b, const int* ldb,          \
                 const T* beta, T* c, const int* ldc, size_t la, size_t lb) {                     \
    REAL(fn);                                                                                     \
    const Key key = make_key("fortran", 'c', fortran_trans(ta), fortran_trans(tb), *m, *n, *k,  \
                             1, typecode, typecode, typecode, -1);                                \
    timed(key, true,                                                                              \
          [&] { real(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, la, lb); });           \
  }
FORTRAN_GEMM(sgemm_, float, kFloat)
FORTRAN_GEMM(dgemm_, double, kDouble)

// A process that leaves through _exit (Python's os._exit, multiprocessing's forked workers) runs
// no destructors: its table is written here first.
EXPORT void _exit(int status) {
  write_table();
  static auto real = reinterpret_cast<void (*)(int)>(real_symbol("_exit"));
  if (real) real(status);
  syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

#include "cublas_interposer.inc"
