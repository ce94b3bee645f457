#include "gpu_backend.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include <fmt/format.h>

#include "cuda_check.hpp"
#include "gpubench/backends/cuda_status.hpp"
#include "gpubench/backends/gpu_peaks.hpp"
#include "gpubench/core/format_util.hpp"

namespace gpubench::cuda {

namespace {

CudaDriverFacts::Error error_kind(cudaError_t err) {
  using E = CudaDriverFacts::Error;
  switch (err) {
    case cudaSuccess: return E::none;
    case cudaErrorInsufficientDriver: return E::insufficient_driver;
    case cudaErrorNoDevice: return E::no_device;
    case cudaErrorSystemDriverMismatch: return E::driver_mismatch;
    default: return E::other;
  }
}

// The facts explain_no_cuda_device() needs, read only when there is no device to use.
CudaDriverFacts driver_facts(cudaError_t err, int count) {
  CudaDriverFacts f;
  f.error = error_kind(err);
  f.error_text = fmt::format("{} ({})", cudaGetErrorString(err), cudaGetErrorName(err));
  f.device_count = count;
  if (void* libcuda = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) {
    dlclose(libcuda);
  } else {
    f.libcuda_loads = false;
    if (const char* e = dlerror()) f.libcuda_error = e;
  }
  if (cudaDriverGetVersion(&f.driver_version) != cudaSuccess) f.driver_version = 0;
  if (cudaRuntimeGetVersion(&f.runtime_version) != cudaSuccess) f.runtime_version = 0;
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) f.visible_devices = visible;
  cudaGetLastError();  // clear it, so that later calls do not report it again
  return f;
}

}  // namespace

DeviceCount count_devices() {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err == cudaSuccess && count > 0) return {count, ""};
  return {0, explain_no_cuda_device(driver_facts(err, err == cudaSuccess ? count : 0))};
}

GpuBackend::GpuBackend(const BackendOptions& o) : opts_(o) {
  const auto [count, why_none] = count_devices();
  if (count == 0) throw BackendError(why_none);
  if (o.device < 0 || o.device >= count)
    throw BackendError(fmt::format(
        "--device {} does not exist: this machine has {} (ordinals 0..{})", o.device,
        format_count(count, "CUDA device"), count - 1));
  GPUBENCH_CUDA_CHECK(cudaSetDevice(o.device));
  GPUBENCH_CUDA_CHECK(cudaGetDeviceProperties(&prop_, o.device));
  int khz = 0;
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, o.device));
  max_clock_mhz_ = khz / 1e3;
  char bus[32] = {};
  if (cudaDeviceGetPCIBusId(bus, sizeof bus, o.device) == cudaSuccess) nvml_ = NvmlDevice::open(bus);
}

std::unique_ptr<TelemetryProbe> GpuBackend::telemetry_probe() const {
  if (!nvml_) return nullptr;
  return std::make_unique<NvmlProbe>(*nvml_);
}

std::optional<std::size_t> GpuBackend::free_device_bytes() const {
  std::size_t free = 0, total = 0;
  if (cudaSetDevice(opts_.device) != cudaSuccess || cudaMemGetInfo(&free, &total) != cudaSuccess) {
    cudaGetLastError();
    return std::nullopt;
  }
  return free;
}

std::size_t GpuBackend::device_bytes(DType d, const Shape& s) const {
  const std::size_t operands = s.operand_bytes(element_bytes(d), element_bytes_c(d));
  const std::size_t flush = opts_.cold_cache ? flush_bytes() : 0;
  return operands > SIZE_MAX - flush ? SIZE_MAX : operands + flush;
}

std::size_t GpuBackend::flush_bytes() const {
  return std::max<std::size_t>(2 * std::size_t(prop_.l2CacheSize), std::size_t(1) << 20);
}

void GpuBackend::flush_l2(cudaStream_t stream) const {
  if (!flush_.get()) flush_ = DeviceBuffer(flush_bytes());
  GPUBENCH_CUDA_CHECK(cudaMemsetAsync(flush_.get(), ++flush_round_ & 0xFF, flush_.bytes(), stream));
}

std::optional<double> GpuBackend::peak_gflops(DType d) const {
  return gpu_peak_gflops(prop_.major, prop_.minor, prop_.multiProcessorCount, max_clock_mhz_, d);
}

}  // namespace gpubench::cuda
