// GPU telemetry through NVML, loaded at run time with dlopen: the build machine has no nvml.h and
// no driver, and a missing or old libnvidia-ml must never stop a benchmark.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gpubench::cuda {

// One reading of the device's state; fields NVML could not read stay empty.
struct TelemetrySample {
  std::optional<double> sm_clock_mhz;
  std::optional<double> temperature_c;
  std::optional<double> power_w;
  std::optional<std::uint64_t> throttle_reasons;  // NVML clocks-event (throttle) reason bits
};

// Throttle reason bits that do not mean the GPU slowed itself down (idle, clocks set by the
// application or for the display).
inline constexpr std::uint64_t kBenignThrottleReasons = 0x1 | 0x2 | 0x100;

// Human names for the reason bits set in `reasons` ("sw power cap, hw thermal slowdown").
std::string describe_throttle_reasons(std::uint64_t reasons);

// A handle on one GPU through NVML, or nothing when NVML or the device cannot be found.
class NvmlDevice {
 public:
  // `pci_bus_id` as cudaDeviceGetPCIBusId writes it: CUDA and NVML number devices differently.
  static std::unique_ptr<NvmlDevice> open(const std::string& pci_bus_id);
  TelemetrySample sample() const;

 private:
  void* handle_ = nullptr;  // nvmlDevice_t
};

// What a case did to the device: samples before, during (a polling thread) and after the work.
class TelemetryRecorder {
 public:
  explicit TelemetryRecorder(const NvmlDevice* dev);  // null: records nothing
  ~TelemetryRecorder();
  TelemetryRecorder(const TelemetryRecorder&) = delete;
  TelemetryRecorder& operator=(const TelemetryRecorder&) = delete;
  // Stops polling (idempotent) and returns warnings: an SM clock that dropped more than 10% while
  // the GPU was busy, and any throttle reason other than the benign ones.
  std::vector<std::string> finish();

 private:
  void poll();
  const NvmlDevice* dev_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<TelemetrySample> busy_;  // samples taken while the GPU was not idle
  TelemetrySample before_, after_;
  bool finished_ = false;
};

// Warnings for a set of busy-time samples (a pure function, unit-testable without a GPU).
std::vector<std::string> telemetry_warnings(const std::vector<TelemetrySample>& busy);

}  // namespace gpubench::cuda
