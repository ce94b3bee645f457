#include "gpubench/core/telemetry.hpp"

#include <algorithm>

namespace gpubench {

Telemetry summarise_samples(const std::vector<TelemetrySample>& samples,
                            std::optional<double> energy_j, double wall_seconds) {
  Telemetry t;
  double clock_sum = 0, power_sum = 0;
  int clocks = 0, powers = 0;
  for (const TelemetrySample& s : samples) {
    if (s.sm_clock_mhz) {
      clock_sum += *s.sm_clock_mhz;
      ++clocks;
      t.min_sm_clock_mhz = std::min(t.min_sm_clock_mhz.value_or(*s.sm_clock_mhz), *s.sm_clock_mhz);
    }
    if (s.power_w) {
      power_sum += *s.power_w;
      ++powers;
    }
    if (s.temperature_c)
      t.peak_temperature_c =
          std::max(t.peak_temperature_c.value_or(*s.temperature_c), *s.temperature_c);
  }
  t.samples = int(samples.size());
  if (clocks) t.mean_sm_clock_mhz = clock_sum / clocks;
  if (energy_j && *energy_j > 0 && wall_seconds > 0)
    t.mean_power_w = *energy_j / wall_seconds;
  else if (powers)
    t.mean_power_w = power_sum / powers;
  return t;
}

void derive_energy(Telemetry& t, double seconds_per_mult, double gflops) {
  if (!t.mean_power_w || *t.mean_power_w <= 0) return;
  t.energy_per_mult_j = *t.mean_power_w * seconds_per_mult;
  t.gflops_per_watt = gflops / *t.mean_power_w;
}

}  // namespace gpubench
