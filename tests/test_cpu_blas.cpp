// The CPU BLAS libraries loaded at run time: loading with local symbols (two libraries' cblas_sgemm
// each call their own), the rows of a missing library, the thread count set through each
// library's own API and read back, and every library's results checked against fp64. A library
// that is not installed here skips its tests with the reason (MKL is optional; CI installs
// OpenBLAS and BLIS).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "gpubench/backends/cpu_blas.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/host_matrix.hpp"
#include "gpubench/core/problem.hpp"
#include "gpubench/core/verify.hpp"
#include "cpu_libraries.hpp"

using namespace gpubench;

namespace {

std::vector<std::string> kinds() {
  std::vector<std::string> out;
  for (const CpuBlasKind& k : cpu_blas_kinds()) out.push_back(k.backend);
  return out;
}

// The library, or a skip naming why it is not here.
#define LOAD_OR_SKIP(name, lib)                                     \
  std::shared_ptr<const CpuBlasLibrary> lib;                        \
  try {                                                             \
    lib = load_cpu_blas(name);                                      \
  } catch (const BackendError& e) {                                 \
    GTEST_SKIP() << name << " is not installed here: " << e.what(); \
  }

class EachCpuBlas : public ::testing::TestWithParam<std::string> {};

// Under AddressSanitizer (the asan preset), LeakSanitizer's exit-time tracer crashes on the idle
// worker threads of libgomp (GCC 12: "Tracer caught signal 11"), which the OpenMP builds of BLIS
// and MKL leave behind; the release build runs these multiplications.
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_OPENMP_UNDER_ASAN(lib)                                                           \
  if ((lib)->info.parallel.rfind("openmp", 0) == 0)                                         \
  GTEST_SKIP() << (lib)->info.name                                                          \
               << " runs OpenMP threads, which LeakSanitizer's tracer crashes on at exit; the " \
                  "release build runs this test"
#else
#define SKIP_OPENMP_UNDER_ASAN(lib)
#endif

// The library's backend on two threads (CI and the dev VM have 2 cores).
std::unique_ptr<Backend> two_thread_backend(const std::string& name) {
  BackendOptions o;
  o.threads = 2;
  return make_cpu_blas_backend(name, o);
}

}  // namespace

TEST(CpuBlas, KindsAreOpenblasBlisMklThenTheArmVendorsInThatOrder) {
  EXPECT_EQ(kinds(), gpubench::test::kCpuLibrariesOfThisBuild);
}

// CI installs OpenBLAS and BLIS (README quick start): they must load there, not skip.
TEST(CpuBlas, OpenblasLoadsAndNamesItsCore) {
  const auto lib = load_cpu_blas("openblas");
  EXPECT_EQ(lib->info.name, "OpenBLAS");
  EXPECT_FALSE(lib->info.version.empty());
  EXPECT_NE(lib->info.config.find("OpenBLAS"), std::string::npos) << lib->info.config;
  EXPECT_FALSE(lib->info.detected.empty());
  EXPECT_EQ(lib->info.role, kCpuBlasRole);
  EXPECT_EQ(lib->info.backend, "openblas");
  EXPECT_FALSE(lib->info.path.empty());
}

TEST(CpuBlas, AMissingLibraryNamesTheFileAndTheInstallHint) {
  CpuBlasKind fake = openblas_kind();
  fake.backend = "fake";
  fake.sonames = {"libgpubench-no-such-blas.so.9", "libgpubench-no-such-blas.so"};
  fake.install_hint = "apt install libgpubench-no-such-blas9";
  try {
    open_cpu_blas(fake);
    FAIL() << "a library that does not exist was loaded";
  } catch (const BackendError& e) {
    EXPECT_EQ(std::string(e.what()),
              "libgpubench-no-such-blas.so.9 not found: apt install libgpubench-no-such-blas9");
  }
}

TEST(CpuBlas, ALibraryThatIsNotABlasIsRefusedClearly) {
  try {
    open_cpu_blas(openblas_kind(), "libm.so.6");
    FAIL() << "libm was taken for a BLAS";
  } catch (const BackendError& e) {
    EXPECT_NE(std::string(e.what()).find("is not a CBLAS library"), std::string::npos) << e.what();
  }
}

TEST(CpuBlas, AnotherLibrarysFileIsRefusedByName) {
  LOAD_OR_SKIP("openblas", openblas);
  for (const std::string name : {"blis", "mkl"}) {
    for (const CpuBlasKind& k : cpu_blas_kinds()) {
      if (k.backend != name) continue;
      try {
        open_cpu_blas(k, openblas->info.path);
        ADD_FAILURE() << "OpenBLAS was taken for " << name;
      } catch (const BackendError& e) {
        EXPECT_NE(std::string(e.what()).find("is not"), std::string::npos) << e.what();
      }
    }
  }
}

// Every CPU row of the registry: in group cpu, a library row; the first found is in the default
// sweep and only it; a missing one is marked so that `cpu` leaves it out.
TEST(CpuBlas, RegistryRowsAndTheDefault) {
  int defaults = 0;
  for (const BackendEntry& e : backend_registry()) {
    if (e.kind != DeviceKind::cpu) continue;
    EXPECT_EQ(e.group, "cpu") << e.name;
    EXPECT_EQ(e.role, BackendRole::library) << e.name;
    EXPECT_EQ(e.missing, !cpu_blas_available(e.name)) << e.name;
    defaults += e.in_default;
  }
  EXPECT_EQ(defaults, 1);
  const auto cpu = select_backends(backend_registry(), "cpu");
  for (const BackendEntry& e : cpu) EXPECT_TRUE(cpu_blas_available(e.name)) << e.name;
  const auto all = select_backends(backend_registry(), "all");
  int cpu_rows = 0;
  for (const BackendEntry& e : all) cpu_rows += e.kind == DeviceKind::cpu;
  // Missing ones too, each a row saying why.
  EXPECT_EQ(cpu_rows, int(gpubench::test::kCpuLibrariesOfThisBuild.size()));
}

TEST(CpuBlas, SystemInfoListsEveryLibraryLoadedOrNot) {
  const SystemInfo s = collect_system_info("gpubench info", 1);
  std::vector<std::string> names;
  for (const LibraryInfo& l : s.libraries)
    if (l.role == kCpuBlasRole) {
      names.push_back(l.backend);
      if (l.available()) {
        EXPECT_EQ(l.threads, 1) << l.name;
        EXPECT_FALSE(l.placement.empty()) << l.name;
      } else {
        EXPECT_NE(l.unavailable.find("not found"), std::string::npos) << l.unavailable;
      }
    }
  EXPECT_EQ(names, kinds());
}

// MKL's GNU threading layer needs libgomp in the global scope (gpubench is not built with
// -fopenmp): loading MKL puts it there, or its first parallel call ends the process.
TEST(CpuBlas, MklWithTheGnuLayerHasOpenMpInTheGlobalScope) {
  LOAD_OR_SKIP("mkl", mkl);
  if (mkl->info.parallel != "openmp (gnu)") GTEST_SKIP() << "MKL layer: " << mkl->info.parallel;
  EXPECT_NE(dlsym(RTLD_DEFAULT, "omp_get_num_procs"), nullptr);
}

TEST_P(EachCpuBlas, ThreadCountIsSetThroughItsOwnApiAndReadBack) {
  LOAD_OR_SKIP(GetParam(), lib);
  EXPECT_EQ(apply_cpu_threads(*lib, 1), 1) << lib->info.name;
  EXPECT_EQ(apply_cpu_threads(*lib, 2), 2) << lib->info.name;  // CI and the dev VM: 2 cores
  // More than the cores: MKL caps at the cores (MKL_DYNAMIC); what it reads back is what it uses.
  const int eight = apply_cpu_threads(*lib, 8);
  EXPECT_GE(eight, 2) << lib->info.name;
  EXPECT_LE(eight, 8) << lib->info.name;
  EXPECT_EQ(two_thread_backend(GetParam())->threads(), 2);
}

// fp32 and fp64 always; bf16 and fp16 where the library has them (else the reason is given).
TEST_P(EachCpuBlas, ResultsMatchTheFp64Reference) {
  LOAD_OR_SKIP(GetParam(), lib);
  SKIP_OPENMP_UNDER_ASAN(lib);
  auto be = two_thread_backend(GetParam());
  const Shape shape{37, 29, 53};  // odd sizes: no block size divides them
  for (DType d : {DType::fp32, DType::fp64, DType::bf16, DType::fp16}) {
    const Support sup = be->supports(d, shape);
    if (!sup.ok) {
      EXPECT_FALSE(sup.reason.empty()) << to_string(d);
      continue;
    }
    HostMatrix a(d, shape.m, shape.k), b(d, shape.k, shape.n);
    a.fill_random(1);
    b.fill_random(2);
    const Problem p{shape, d, &a, &b};
    auto c = be->prepare(p);
    EXPECT_GT(c->time_kernel(2), 0.0);
    std::vector<double> out;
    c->read_result(out);
    const Verification v = verify_result(p, out, 3);
    EXPECT_TRUE(v.passed) << lib->info.name << " " << to_string(d) << ": " << v.max_rel_error
                          << " > " << v.tolerance;
    EXPECT_EQ(v.checked, shape.m * shape.n);
  }
  EXPECT_FALSE(be->supports(DType::tf32, shape).ok);
}

// Every layout, one product and a batch, through the library's transpose flags and (MKL) its
// strided batched GEMM, against the fp64 reference (int8 where MKL offers it); fp8 refused.
TEST_P(EachCpuBlas, LayoutsAndBatchesMatchTheFp64Reference) {
  LOAD_OR_SKIP(GetParam(), lib);
  SKIP_OPENMP_UNDER_ASAN(lib);
  auto be = two_thread_backend(GetParam());
  for (Layout l : kAllLayouts)
    for (std::int64_t batch : {1, 3}) {
      const Shape shape{37, 29, 53, l, batch};
      for (DType d : {DType::fp32, DType::fp64, DType::bf16, DType::fp16, DType::int8}) {
        if (!be->supports(d, shape).ok) continue;
        HostMatrix a = operand_a(d, shape), b = operand_b(d, shape);
        a.fill_random(1);
        b.fill_random(2);
        const Problem p{shape, d, &a, &b};
        auto c = be->prepare(p);
        c->time_kernel(1);
        std::vector<double> out;
        c->read_result(out);
        const Verification v = verify_result(p, out, 3);
        EXPECT_TRUE(v.passed) << lib->info.name << " " << to_string(d) << " " << shape.label()
                              << ": " << v.max_rel_error << " > " << v.tolerance;
        EXPECT_EQ(v.checked, batch * shape.m * shape.n);
      }
    }
  // int8 where the library has an integer GEMM (MKL's s8u8s32), else refused with the reason.
  EXPECT_EQ(be->supports(DType::int8, Shape{64, 64, 64}).ok, lib->s8u8s32_gemm != nullptr);
  for (DType d : {DType::fp8e4m3, DType::fp8e5m2_fp32, DType::int8}) {
    const Support sup = be->supports(d, Shape{64, 64, 64, Layout::nt});
    if (is_int8(d) && lib->s8u8s32_gemm) continue;
    EXPECT_FALSE(sup.ok) << to_string(d);
    EXPECT_NE(sup.reason.find(is_int8(d) ? "s8 x s8" : "fp8"), std::string::npos) << sup.reason;
  }
  if (GetParam() == "mkl") EXPECT_NE(lib->sgemm_batch_strided, nullptr);
  if (GetParam() == "mkl") EXPECT_NE(lib->s8u8s32_gemm, nullptr);
  if (GetParam() == "openblas") EXPECT_EQ(lib->sgemm_batch_strided, nullptr);
}

INSTANTIATE_TEST_SUITE_P(Libraries, EachCpuBlas, ::testing::ValuesIn(kinds()),
                         [](const auto& info) { return info.param; });

// Local binding: with two libraries loaded, each one's cblas_sgemm is its own, and no BLAS is
// linked into the binary or loaded with global symbols by gpubench (MKL's libmkl_rt opens its
// own parts globally: only those may answer a global lookup).
TEST(CpuBlas, LibrariesKeepTheirSymbolsLocal) {
  LOAD_OR_SKIP("openblas", openblas);
  LOAD_OR_SKIP("blis", blis);
  EXPECT_NE(reinterpret_cast<void*>(openblas->sgemm), reinterpret_cast<void*>(blis->sgemm));
  Dl_info where{};
  if (void* global = dlsym(RTLD_DEFAULT, "cblas_sgemm")) {
    ASSERT_NE(dladdr(global, &where), 0);
    EXPECT_NE(std::string(where.dli_fname).find("libmkl_"), std::string::npos)
        << "cblas_sgemm is global, from " << where.dli_fname;
  }
}

TEST(CpuBlas, BlasLibOptionIsCheckedBeforeAnythingRuns) {
  EXPECT_THROW(set_cpu_blas_path_option("blis"), UsageError);
  EXPECT_THROW(set_cpu_blas_path_option("=x"), UsageError);
  EXPECT_THROW(set_cpu_blas_path_option("nope=/tmp/x"), UsageError);
  EXPECT_THROW(set_cpu_blas_path_option("blis=/nonexistent/libblis.so.4"), UsageError);
  EXPECT_THROW(set_cpu_blas_path_option("blis="), UsageError);
}

TEST(CpuBlas, GemmCallCarriesTheLayoutAsTransposeFlags) {
  HostMatrix a(DType::fp32, 5, 3), b(DType::fp32, 7, 5);
  const GemmCall c = gemm_call_of(Problem{Shape{3, 7, 5, Layout::tt}, DType::fp32, &a, &b});
  EXPECT_EQ(c.transa, kCblasTrans);
  EXPECT_EQ(c.transb, kCblasTrans);
  EXPECT_EQ(c.lda, 3);  // A stored K x M
  EXPECT_EQ(c.ldb, 5);  // B stored N x K
  EXPECT_EQ(c.ldc, 7);
  const GemmCall nt = gemm_call_of(Problem{Shape{3, 7, 5, Layout::nt}, DType::fp32, &a, &b});
  EXPECT_EQ(nt.transa, kCblasNoTrans);
  EXPECT_EQ(nt.transb, kCblasTrans);
  EXPECT_EQ(nt.lda, 5);
  EXPECT_EQ(nt.ldb, 5);
}

TEST(CpuBlas, GemmCallIsRowMajorUntransposedWithTightLeadingDimensions) {
  HostMatrix a(DType::fp32, 3, 5), b(DType::fp32, 5, 7);
  const GemmCall c = gemm_call_of(Problem{Shape{3, 7, 5}, DType::fp32, &a, &b});
  EXPECT_EQ(c.order, kCblasRowMajor);
  EXPECT_EQ(c.transa, kCblasNoTrans);
  EXPECT_EQ(c.transb, kCblasNoTrans);
  EXPECT_EQ(c.m, 3);
  EXPECT_EQ(c.n, 7);
  EXPECT_EQ(c.k, 5);
  EXPECT_EQ(c.lda, 5);
  EXPECT_EQ(c.ldb, 7);
  EXPECT_EQ(c.ldc, 7);
}

// gpubench never sets OMP_PROC_BIND / OMP_PLACES: it reports what the process was given, and
// that a pthreads library does not read them.
TEST(CpuBlas, PlacementReportsTheOpenMpVariablesAsGiven) {
  setenv("OMP_PROC_BIND", "close", 1);
  setenv("OMP_PLACES", "cores", 1);
  EXPECT_EQ(thread_placement("openmp"), "OMP_PROC_BIND=close OMP_PLACES=cores");
  EXPECT_EQ(thread_placement("pthreads"),
            "unbound: OMP_PROC_BIND=close OMP_PLACES=cores apply to OpenMP only");
  unsetenv("OMP_PROC_BIND");
  unsetenv("OMP_PLACES");
  EXPECT_EQ(thread_placement("openmp"), "unbound (OMP_PROC_BIND and OMP_PLACES unset)");
}
