// The CUDA provider: cuBLAS and the kernels, device discovery (zero devices, no driver or a
// driver too old is reported, never fatal) and the copy service.
#include <cuda_runtime.h>

#include <fmt/format.h>

#include "backend_cublas.hpp"
#include "cuda_check.hpp"
#include "cuda_provider_parts.hpp"
#include "gpu_backend.hpp"
#include "gpubench/backends/cuda_provider.hpp"
#include "gpubench/backends/gpu_peaks.hpp"
#include "nvml_telemetry.hpp"

namespace gpubench {

namespace {

void describe_gpus(SystemInfo& info) {
  int runtime = 0, driver = 0, cublas = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  int major = 0, minor = 0, patch = 0;  // the CUBLAS_VERSION encoding: 130100 = 13.1.0
  if (cublasGetProperty(MAJOR_VERSION, &major) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(MINOR_VERSION, &minor) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(PATCH_LEVEL, &patch) == CUBLAS_STATUS_SUCCESS)
    cublas = major * 10000 + minor * 100 + patch;
  const auto [count, why_none] = cuda::count_devices();
  const GpuRuntimeRecord& record = cuda_runtime_record();
  info.gpu_runtime = {record.key, true, count > 0 ? "ok" : why_none, {}};
  const int versions[] = {driver, runtime, cublas};  // in the order of the record's versions
  for (std::size_t i = 0; i < std::size(versions) && i < record.versions.size(); ++i)
    info.gpu_runtime.versions.emplace_back(record.versions[i].key, versions[i]);
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
    GpuInfo g;
    g.index = i;
    g.name = p.name;
    char bus[32] = {};
    cudaDeviceGetPCIBusId(bus, sizeof bus, i);
    g.pci_bus_id = bus;
    g.cc_major = p.major;
    g.cc_minor = p.minor;
    g.sms = p.multiProcessorCount;
    int khz = 0;
    cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, i);
    g.max_sm_clock_mhz = khz / 1e3;
    cudaDeviceGetAttribute(&khz, cudaDevAttrMemoryClockRate, i);
    g.memory_clock_mhz = khz / 1e3;
    g.memory_bus_width_bits = p.memoryBusWidth;
    g.memory_total_bytes = p.totalGlobalMem;
    g.l2_bytes = std::uint64_t(p.l2CacheSize);
    // Peaks at the maximum SM clock the device reports (the clock GpuInfo records with them).
    // One entry per peak family ("fp8" stands for every fp8 mix and output).
    for (DType d : kAllDTypes)
      if (auto peak = gpu_peak_gflops(g.cc_major, g.cc_minor, g.sms, g.max_sm_clock_mhz, d)) {
        const std::string family(peak_family(d));
        bool listed = false;
        for (const auto& [name, value] : g.peak_gflops) listed = listed || name == family;
        if (!listed) g.peak_gflops.emplace_back(family, *peak);
      }
    g.peak_bandwidth_gbs = gpu_peak_bandwidth_gbs(g.memory_clock_mhz, g.memory_bus_width_bits);
    if (auto nvml = cuda::NvmlDevice::open(g.pci_bus_id)) {
      if (auto mhz = nvml->sample().sm_clock_mhz) g.sm_clock_mhz = *mhz;
      g.power_limit_w = nvml->enforced_limit_w();
      const cuda::NvmlDevice::UpdatePeriods periods = nvml->update_periods();
      g.energy_counter_period_s = periods.energy_s;
      g.power_reading_period_s = periods.power_s;
    }
    info.gpus.push_back(g);
  }
}

std::vector<LibraryInfo> cuda_libraries(int) {
  std::vector<LibraryInfo> out;
  int major = 0, minor = 0, patch = 0;
  if (cublasGetProperty(MAJOR_VERSION, &major) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(MINOR_VERSION, &minor) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(PATCH_LEVEL, &patch) == CUBLAS_STATUS_SUCCESS) {
    LibraryInfo cublas;
    cublas.name = "cuBLAS";
    cublas.role = "gpu-blas";
    cublas.version = fmt::format("{}.{}.{}", major, minor, patch);
    cublas.config = fmt::format("built against CUDA {}.{}", CUDART_VERSION / 1000,
                                (CUDART_VERSION % 1000) / 10);
    out.push_back(cublas);
  }
  return out;
}

}  // namespace

Provider cuda_provider() {
  Provider p;
  p.name = "cuda";
  p.libraries = cuda_libraries;
  p.describe_devices = describe_gpus;
  // Without a usable device, creating a backend throws the reason (GpuBackend's constructor).
  p.backends = [] {
    return cuda_backend_entries([](const KernelInfo* kernel) -> BackendFactory {
      if (!kernel) return cuda::make_cublas_backend;
      return [kernel](const BackendOptions& o) { return cuda::make_kernel_backend(*kernel, o); };
    });
  };
  p.time_copy = cuda::time_device_copy;
  return p;
}

}  // namespace gpubench
