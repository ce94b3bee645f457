// Telemetry of a timed window: the interface a device's sampler implements (NVML on GPUs,
// powercap/RAPL on the CPU) and the arithmetic that turns its readings into the Record's
// Telemetry. Samplers live with their device (backends/, platform/); the runner drives them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

// One reading of a device's state; fields the device could not report stay empty.
struct TelemetrySample {
  std::optional<double> sm_clock_mhz;
  std::optional<double> temperature_c;
  std::optional<double> power_w;
  std::optional<std::uint64_t> throttle_reasons;  // NVML clocks-event reason bits
};

// Samples a device while one timed window runs: start() right before its first multiplication,
// stop() right after its last has finished.
class TelemetryProbe {
 public:
  virtual ~TelemetryProbe() = default;
  virtual void start() = 0;
  // The window's clock, power, temperature and throttle reasons (energy-derived fields are
  // filled by derive_energy); warnings for what the readings say went wrong.
  virtual Telemetry stop(std::vector<std::string>& warnings) = 0;
};

// Summarises readings taken during a window of `wall_seconds`: mean and minimum clock, mean
// power (from `energy_j` when an energy counter gave one, else the mean of the power readings),
// peak temperature. Leaves throttle reasons and warnings to the caller (their bits are the
// device's).
Telemetry summarise_samples(const std::vector<TelemetrySample>& samples,
                            std::optional<double> energy_j, double wall_seconds);

// Energy per multiplication and GFLOPS per watt, from the mean power and the window's timed work
// (`seconds_per_mult` each). Leaves both empty when the power is unknown.
void derive_energy(Telemetry& t, double seconds_per_mult, double gflops);

}  // namespace gpubench
