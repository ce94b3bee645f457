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

// Which of a case's rates a window times. A burst window lasts a fraction of one energy-counter
// step, so its power is always unknown: a device whose counter is slow to read (NVML's takes ~3 ms,
// longer than a burst of small kernels) leaves the counter alone then.
enum class WindowKind { burst, sustained };

// Samples a device while one timed window runs: start() right before its first multiplication,
// stop() right after its last has finished.
class TelemetryProbe {
 public:
  virtual ~TelemetryProbe() = default;
  virtual void start(WindowKind kind) = 0;
  // The window's clock, power, temperature and throttle reasons (energy-derived fields are
  // filled by derive_energy); warnings for what the readings say went wrong.
  virtual Telemetry stop(std::vector<std::string>& warnings) = 0;
  // Seconds a window must span for its energy counter to resolve its power (kMinEnergySteps and
  // one of the counter's update periods); 0 when nothing is gained by waiting.
  virtual double energy_span_seconds() const { return 0; }
  // Whether the window's counter readings so far already resolve its power (counter_unresolved:
  // checked while the window runs on, so that it stops as soon as they do: ~0.35 s on average at
  // NVML's 0.1 s rather than the span's 0.4 s); true when there is no counter to wait for.
  virtual bool energy_resolved() { return true; }
  // Whether the device is back from its last work (power near idle, no power cap holding its
  // clock), so that a burst window starts from a rested card. Called outside a window.
  virtual bool rested() { return true; }
  // How often the readings rested() looks at change: until one such period has passed since the
  // device's last work, they may still describe the time before it ended. 0 when unknown.
  virtual double reading_period_seconds() const { return 0; }
};

// Summarises readings taken during a window of `wall_seconds`: mean and minimum clock, mean
// power (from `energy_j` when an energy counter gave one, else the mean of the power readings),
// peak temperature. Leaves throttle reasons and warnings to the caller (their bits are the
// device's).
Telemetry summarise_samples(const std::vector<TelemetrySample>& samples,
                            std::optional<double> energy_j, double wall_seconds);

// A cumulative energy counter moves in coarse steps (NVML's every ~100 ms on an H100): a window
// catching one step more or less than its share misstates its power by tens of percent. Power
// is therefore taken only from counter changes: the energy between the first and the last change
// inside the window over the time between them. The energy between two changes is exact; the
// time is late by up to the polls' grain at each end (the time between polls, or the counter's
// own period where that is shorter: a poll then reads a value up to one period old), so the span
// is off by less than one grain. A window's power is known only when at least kMinEnergySteps
// steps lie between its first and last change and the grain is at most kEnergyGrainTolerance of
// that span. NVML's counter, read every ~5 ms (a read takes ~3 ms), resolves in three steps
// (0.3 s: under 2% off); a sustained window of the default --min-time (0.3 s) then runs on
// ~0.05 s for it, where five steps took ~0.25 s a case (1.5 s of the default sweep).
inline constexpr int kMinEnergySteps = 3;
inline constexpr double kEnergyGrainTolerance = 0.03;
// A mean power is reported only within these bounds: the card's enforced limit + 5%, and 5% of
// the mean of the power readings over the same span.
inline constexpr double kPowerTolerance = 0.05;

// One poll of a cumulative counter (or of any reading): when (seconds, a monotonic clock) and
// what it read.
struct CounterReading {
  double t = 0;
  double value = 0;
};

// The mean power of a window, or why it is unknown.
struct WindowPower {
  std::optional<double> mean_w;
  std::string unknown;  // why mean_w is empty
  int steps = 0;        // counter steps used
  double span_seconds = 0;   // from the first to the last counter change used
  double grain_seconds = 0;  // how late a change may have been seen at each end
};

// Whether a window's counter readings (`joules`, polled in time order) resolve its power: enough
// steps, and a span long enough for the polls' grain (see kMinEnergySteps). Empty when they do,
// else why not.
std::string counter_unresolved(const std::vector<CounterReading>& joules);

// The mean power over a window from its energy counter (`joules`, polled through the window, in
// time order) and its power readings (`watts`, likewise), checked against `limit_w` (the enforced
// power limit, when known) and the mean of the power readings between the same two counter
// changes. Unknown (with the reason) when the readings do not resolve it (counter_unresolved), or
// when the result fails a check.
WindowPower power_from_counter(const std::vector<CounterReading>& joules,
                               const std::vector<CounterReading>& watts,
                               std::optional<double> limit_w);

// Seconds a window must span for a counter that changes every `period` seconds to resolve its
// power: kMinEnergySteps periods between its first and last change inside the window, one more to
// reach the first, and one to spare (for a polling grain too coarse for the shortest span). 0 when
// the period is unknown (nothing is gained by waiting).
double resolving_span_seconds(std::optional<double> period);

// Seconds since the Unix epoch on the wall clock: a window's ends as outside samplers
// (nvidia-smi, a powercap reader) stamp theirs.
double unix_time_seconds();

// How often a polled value actually changes: the median time between its changes, when at least
// three changes were seen (polls must be much faster than the period).
std::optional<double> update_period(const std::vector<CounterReading>& readings);

// Energy per multiplication and GFLOPS per watt, from the mean power and the window's timed work
// (`seconds_per_mult` each). Leaves both empty when the power is unknown.
void derive_energy(Telemetry& t, double seconds_per_mult, double gflops);

}  // namespace gpubench
