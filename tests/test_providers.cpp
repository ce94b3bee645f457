// Providers and what is assembled from them: the registry's rows (the same GPU rows with or
// without CUDA), SystemInfo's libraries, the host facts shared by the CPU backends, and the
// device copy service.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "gpubench/backends/device_copy.hpp"
#include "gpubench/backends/kernel_catalog.hpp"
#include "gpubench/backends/cpu_blas.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/measure/bandwidth.hpp"
#include "gpubench/platform/sysinfo.hpp"
#include "cpu_libraries.hpp"

using namespace gpubench;

namespace {
constexpr const char* kNotBuilt = "this gpubench was built without CUDA";
}

TEST(Providers, CpuLibrariesThenCudaAndTheRegistryIsTheirRowsInOrder) {
  const auto list = providers();
  std::vector<std::string> provider_names;
  for (const auto& p : list) provider_names.push_back(p.name);
  std::vector<std::string> expected = gpubench::test::kCpuLibrariesOfThisBuild;
  expected.push_back("cuda");
  EXPECT_EQ(provider_names, expected);
  expected.back() = "cublas";
  for (const KernelInfo& k : kKernelCatalog) expected.emplace_back(k.name);
  std::vector<std::string> names;
  for (const BackendEntry& e : backend_registry()) names.push_back(e.name);
  EXPECT_EQ(names, expected);
}

TEST(Providers, KernelCatalogEntriesCarryTheirLauncherWhenCudaIsBuilt) {
  for (const KernelInfo& k : kKernelCatalog) {
#ifdef GPUBENCH_HAVE_CUDA
    EXPECT_NE(k.launch, nullptr) << k.name;
#else
    EXPECT_EQ(k.launch, nullptr) << k.name;
#endif
  }
}

#ifndef GPUBENCH_HAVE_CUDA
TEST(ProvidersWithoutCuda, EveryGpuRowIsListedAndSaysWhy) {
  int gpu_rows = 0;
  for (const BackendEntry& e : backend_registry()) {
    if (e.kind != DeviceKind::gpu) continue;
    ++gpu_rows;
    EXPECT_NE(e.description.find("(not built)"), std::string::npos) << e.name;
    try {
      e.create(BackendOptions{});
      ADD_FAILURE() << e.name << " was created in a build without CUDA";
    } catch (const BackendError& err) {
      EXPECT_NE(std::string(err.what()).find(kNotBuilt), std::string::npos) << err.what();
    }
  }
  EXPECT_EQ(gpu_rows, int(kKernelCatalog.size()) + 1);  // cublas and every kernel
}

TEST(ProvidersWithoutCuda, SystemInfoSaysWhyThereIsNoGpu) {
  const SystemInfo s = collect_system_info("gpubench info", 1);
  EXPECT_FALSE(s.gpu_runtime.built);
  EXPECT_NE(s.gpu_runtime.status.find(kNotBuilt), std::string::npos) << s.gpu_runtime.status;
  EXPECT_TRUE(s.gpus.empty());
}

TEST(ProvidersWithoutCuda, CopyServiceSkipsWithTheReason) {
  const CopyTiming t = time_device_copy(CopyRequest{.bytes = 1024});
  EXPECT_EQ(t.status, Status::skipped);
  EXPECT_NE(t.reason.find(kNotBuilt), std::string::npos) << t.reason;
  EXPECT_TRUE(t.seconds.empty());
}

// A GPU the results know of but this build cannot reach: the rows come from the copy service,
// the same path as a CUDA build's, and say why.
TEST(ProvidersWithoutCuda, GpuBandwidthRowsComeFromTheCopyService) {
  SystemInfo s;
  s.gpus.push_back(GpuInfo{.index = 0, .name = "Test GPU"});
  BandwidthOptions o;
  const auto rows = measure_gpu_bandwidth(o, s);
  ASSERT_EQ(rows.size(), 5u);
  for (const BandwidthRecord& r : rows) {
    EXPECT_EQ(r.status, Status::skipped) << r.test;
    EXPECT_NE(r.reason.find(kNotBuilt), std::string::npos) << r.reason;
    EXPECT_EQ(r.device_name, "Test GPU");
  }
  EXPECT_EQ(rows[4].test, "D2D copy");
  EXPECT_EQ(rows[4].bytes, 2 * std::uint64_t(o.device_copy_bytes));
}
#endif

TEST(Providers, SystemInfoListsOpenblasWithTheRequestedThreads) {
  const SystemInfo s = collect_system_info("gpubench info", 1);
  ASSERT_FALSE(s.libraries.empty());
  EXPECT_EQ(s.libraries.front().name, "OpenBLAS");
  EXPECT_EQ(s.cpu_blas().name, "OpenBLAS");
  EXPECT_EQ(s.cpu_blas().threads, 1);
  EXPECT_FALSE(s.cpu_blas().version.empty());
  EXPECT_EQ(s.command_line, "gpubench info");
  EXPECT_EQ(s.cpu.model, host_facts().cpu.model);
}

TEST(Platform, HostFactsAreGatheredOnce) {
  const HostFacts& a = host_facts();
  const HostFacts& b = host_facts();
  EXPECT_EQ(&a, &b);
  EXPECT_GE(a.default_threads, 1);
  EXPECT_GE(a.cpu.logical_cpus, 1);
}

// The backend takes the run's CPU facts instead of reading (and timing) the CPU again.
TEST(Providers, OpenblasBackendUsesTheCpuFactsItIsGiven) {
  CpuInfo cpu;
  cpu.model = "Fake CPU";
  cpu.physical_cores = 4;
  cpu.peak_gflops_fp32 = 400.0;
  BackendOptions o;
  o.threads = 1;
  o.cpu = std::make_shared<const CpuInfo>(cpu);
  const auto be = make_cpu_blas_backend("openblas", o);
  EXPECT_EQ(be->device_name(), "Fake CPU");
  ASSERT_TRUE(be->peak_gflops(DType::fp32));
  EXPECT_DOUBLE_EQ(*be->peak_gflops(DType::fp32), 100.0);  // one thread of four cores
}
