// GPU telemetry through NVML, loaded at run time with dlopen: the build machine has no nvml.h and
// no driver, and a missing or old libnvidia-ml must never stop a benchmark.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gpubench/core/telemetry.hpp"

namespace gpubench::cuda {

// Throttle reason bits that do not mean the GPU slowed itself down (idle, clocks set by the
// application or for the display).
inline constexpr std::uint64_t kBenignThrottleReasons = 0x1 | 0x2 | 0x100;
// The software power cap: what holds a heavy GEMM's sustained clock below boost on every
// datacenter GPU. It is recorded with the rate, not warned about (that is what "sustained" means).
inline constexpr std::uint64_t kPowerCapReason = 0x4;

// Human names for the reason bits set in `reasons` ("sw power cap, hw thermal slowdown").
std::string describe_throttle_reasons(std::uint64_t reasons);

// A handle on one GPU through NVML, or nothing when NVML or the device cannot be found.
class NvmlDevice {
 public:
  // `pci_bus_id` as cudaDeviceGetPCIBusId writes it: CUDA and NVML number devices differently.
  static std::unique_ptr<NvmlDevice> open(const std::string& pci_bus_id);
  // Its clock, temperature, clocks-event reasons and power: the instantaneous reading where the
  // driver has it (NVML_FI_DEV_POWER_INSTANT), else the plain one, a trailing 1 s average.
  TelemetrySample sample() const;
  // The board's power now, watts, when the driver reports it.
  std::optional<double> instant_power_w() const;
  // Millijoules since the driver loaded, when the board has an energy counter.
  std::optional<std::uint64_t> energy_mj() const;
  // The power limit the board enforces now, watts.
  std::optional<double> enforced_limit_w() const;
  // How often the energy counter and the power reading change: polled every millisecond for up
  // to 0.6 s, once per device and process (later calls return the first answer).
  struct UpdatePeriods {
    std::optional<double> energy_s, power_s;
  };
  UpdatePeriods update_periods() const;

 private:
  void* handle_ = nullptr;  // nvmlDevice_t
};

// Samples one GPU through NVML while a timed window runs: a polling thread every 5 ms, and in a
// sustained window the board's energy counter (Volta and newer) at every poll (2 ms apart, a read
// takes ~3 ms) and at both ends of the window.
class NvmlProbe final : public TelemetryProbe {
 public:
  explicit NvmlProbe(const NvmlDevice& dev) : dev_(dev) {}
  ~NvmlProbe() override;
  void start(WindowKind kind) override;
  Telemetry stop(std::vector<std::string>& warnings) override;
  double energy_span_seconds() const override;
  bool energy_resolved() override;
  bool rested() override;
  double reading_period_seconds() const override;

 private:
  void poll();
  double since_start() const;
  const NvmlDevice& dev_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  bool read_energy_ = true;  // false in a burst window (see WindowKind)
  std::mutex mu_;
  std::vector<TelemetrySample> samples_;
  // Timestamped polls of the energy counter (joules) and of the power reading (watts).
  std::vector<CounterReading> joules_, watts_;
  std::chrono::steady_clock::time_point t0_;
  double start_unix_s_ = 0;
};

// Warnings for the samples of one window (a pure function, unit-testable without a GPU): an SM
// clock that dropped more than 10% within it, and a throttle reason other than the benign ones
// and the power cap.
std::vector<std::string> telemetry_warnings(const std::vector<TelemetrySample>& busy);

}  // namespace gpubench::cuda
