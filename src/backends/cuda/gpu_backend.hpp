// What every GPU backend shares: opening the device named by --device (with the reason when it
// cannot be used), its properties, free memory and peak rates. Each backend adds its own cases.
#pragma once

#include <cuda_runtime.h>

#include <optional>
#include <string>

#include "cuda_check.hpp"
#include "nvml_telemetry.hpp"
#include "gpubench/backends/backend.hpp"

namespace gpubench::cuda {

// How many CUDA devices this process can use, and why none when there are none: "no CUDA device:
// ..." with what to do (no driver, a driver too old for this runtime, zero devices:
// explain_no_cuda_device). Never throws or aborts, so a machine without a GPU is a reason in the
// rows, not a crash.
struct DeviceCount {
  int count = 0;
  std::string why_none;  // empty when count > 0
};
DeviceCount count_devices();

class GpuBackend : public Backend {
 public:
  // Throws BackendError "no CUDA device: ..." (no driver, no device) or "--device N does not
  // exist: ..." so the runner can put the reason in every row of the backend.
  explicit GpuBackend(const BackendOptions& o);

  DeviceKind device_kind() const override { return DeviceKind::gpu; }
  int device_index() const override { return opts_.device; }
  std::string device_name() const override { return prop_.name; }
  std::optional<std::size_t> free_device_bytes() const override;
  // The operands plus, with --cache cold, the flush buffer.
  std::size_t device_bytes(DType d, const Shape& s) const override;
  std::optional<double> peak_gflops(DType d) const override;
  std::optional<std::size_t> cache_bytes() const override { return std::size_t(prop_.l2CacheSize); }
  // NVML's clock, power, temperature and energy over a window; null without NVML.
  std::unique_ptr<TelemetryProbe> telemetry_probe() const override;

  const BackendOptions& options() const { return opts_; }
  const cudaDeviceProp& properties() const { return prop_; }

  // Cold cache for every GPU case (cublas and the kernels alike): rewrites a buffer twice the L2's
  // size on `stream`, a different byte each round so no cache can keep the old lines. The buffer
  // is allocated on the first flush and kept for the backend's life.
  void flush_l2(cudaStream_t stream) const;
  // Bytes of that buffer: twice the L2, at least 1 MiB.
  std::size_t flush_bytes() const;

 protected:
  BackendOptions opts_;
  cudaDeviceProp prop_{};
  double max_clock_mhz_ = 0;

 private:
  std::unique_ptr<NvmlDevice> nvml_;  // null when NVML or this device cannot be opened
  mutable DeviceBuffer flush_;  // a backend runs its cases on one thread: no lock needed
  mutable int flush_round_ = 0;
};

}  // namespace gpubench::cuda
