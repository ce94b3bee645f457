// CUDA device discovery. Zero devices, no driver or a driver too old is reported, never fatal.
#include <cuda_runtime.h>

#include <fmt/format.h>

#include "cuda_check.hpp"
#include "gpubench/registry.hpp"
#include "gpubench/sysinfo.hpp"

namespace gpubench {

namespace {
// Why no CUDA device can be used, or "" when at least one can.
std::string cuda_unavailable_reason() {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    cudaGetLastError();
    return fmt::format("no CUDA device: {} ({})", cudaGetErrorString(err), cudaGetErrorName(err));
  }
  if (count == 0) return "no CUDA device: cudaGetDeviceCount found 0 devices";
  return "";
}
}  // namespace

void register_cuda_backends(std::vector<BackendEntry>& registry) {
  registry.push_back({"cublas", DeviceKind::gpu, "NVIDIA cuBLAS", "gpu", true,
                      [](const BackendOptions&) -> std::unique_ptr<Backend> {
                        if (auto why = cuda_unavailable_reason(); !why.empty()) throw BackendError(why);
                        throw BackendError("cublas backend not implemented yet");
                      }});
}

void collect_gpu_info(SystemInfo& info) {
  info.cuda_built = true;
  cudaRuntimeGetVersion(&info.runtime_version);
  cudaDriverGetVersion(&info.driver_version);
  info.cuda_status = cuda_unavailable_reason();
  if (!info.cuda_status.empty()) return;
  info.cuda_status = "ok";
  int count = 0;
  cudaGetDeviceCount(&count);
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
    info.gpus.push_back(g);
  }
}

}  // namespace gpubench
