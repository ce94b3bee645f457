// CUDA device discovery. Zero devices, no driver or a driver too old is reported, never fatal.
#include <cuda_runtime.h>

#include <fmt/format.h>

#include "backend_cublas.hpp"
#include "backend_kernels.hpp"
#include "cuda_check.hpp"
#include "gpu_backend.hpp"
#include "gpubench/backends/gpu_peaks.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/platform/sysinfo.hpp"
#include "nvml_telemetry.hpp"

namespace gpubench {

void register_cuda_backends(std::vector<BackendEntry>& registry) {
  // Without a usable device, creating the backend throws the reason (GpuBackend's constructor).
  registry.push_back(
      {"cublas", DeviceKind::gpu, "NVIDIA cuBLAS", "gpu", true, cuda::make_cublas_backend});
  register_kernel_backends(registry);
}

void collect_gpu_info(SystemInfo& info) {
  info.cuda_built = true;
  cudaRuntimeGetVersion(&info.runtime_version);
  cudaDriverGetVersion(&info.driver_version);
  int major = 0, minor = 0, patch = 0;  // the CUBLAS_VERSION encoding: 130100 = 13.1.0
  if (cublasGetProperty(MAJOR_VERSION, &major) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(MINOR_VERSION, &minor) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(PATCH_LEVEL, &patch) == CUBLAS_STATUS_SUCCESS)
    info.cublas_version = major * 10000 + minor * 100 + patch;
  const auto [count, why_none] = cuda::count_devices();
  info.cuda_status = count > 0 ? "ok" : why_none;
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
    for (DType d : kAllDTypes)
      if (auto peak = gpu_peak_gflops(g.cc_major, g.cc_minor, g.sms, g.max_sm_clock_mhz, d))
        g.peak_gflops.emplace_back(std::string(to_string(d)), *peak);
    g.peak_bandwidth_gbs = gpu_peak_bandwidth_gbs(g.memory_clock_mhz, g.memory_bus_width_bits);
    if (auto nvml = cuda::NvmlDevice::open(g.pci_bus_id))
      if (auto mhz = nvml->sample().sm_clock_mhz) g.sm_clock_mhz = *mhz;
    info.gpus.push_back(g);
  }
}

}  // namespace gpubench
