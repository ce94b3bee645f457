#include "gpubench/core/telemetry.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "gpubench/core/format_util.hpp"

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

namespace {

// Times at which `readings` changed value (the poll that first saw each new value).
std::vector<std::size_t> changes(const std::vector<CounterReading>& readings) {
  std::vector<std::size_t> at;
  for (std::size_t i = 1; i < readings.size(); ++i)
    if (readings[i].value != readings[i - 1].value) at.push_back(i);
  return at;
}

std::optional<double> mean_between(const std::vector<CounterReading>& readings, double from,
                                   double to) {
  double sum = 0;
  int n = 0;
  for (const CounterReading& r : readings)
    if (r.t >= from && r.t <= to) {
      sum += r.value;
      ++n;
    }
  if (n == 0) return std::nullopt;
  return sum / n;
}

// The median of `values` (not empty).
double median_of(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(values.size() / 2), values.end());
  return values[values.size() / 2];
}

// How late a counter change may have been seen: the median time between polls, or between the
// counter's changes where those are as frequent (a poll then reads a value up to a period old).
double polling_grain(const std::vector<CounterReading>& joules, const std::vector<std::size_t>& at) {
  std::vector<double> polls, steps;
  for (std::size_t i = 1; i < joules.size(); ++i) polls.push_back(joules[i].t - joules[i - 1].t);
  for (std::size_t i = 1; i < at.size(); ++i) steps.push_back(joules[at[i]].t - joules[at[i - 1]].t);
  return std::min(median_of(polls), median_of(steps));
}

// The window's counter changes and whether they resolve its power (see kMinEnergySteps): `unknown`
// says why not.
struct CounterSpan {
  std::vector<std::size_t> at;  // the readings that first saw each change
  int steps = 0;
  double grain = 0;
  std::string unknown;
};

CounterSpan counter_span(const std::vector<CounterReading>& joules) {
  CounterSpan c;
  c.at = changes(joules);
  c.steps = c.at.empty() ? 0 : int(c.at.size()) - 1;
  if (c.steps < kMinEnergySteps) {
    c.unknown = fmt::format("the window spans {} ({} needed)",
                            format_count(c.steps, "energy-counter step"), kMinEnergySteps);
    return c;
  }
  const double span = joules[c.at.back()].t - joules[c.at.front()].t;
  c.grain = polling_grain(joules, c.at);
  if (c.grain > kEnergyGrainTolerance * span)
    c.unknown = fmt::format("the counter's {} steps span {:.0f} ms, too short for its {:.1f} ms "
                            "polling grain",
                            c.steps, 1e3 * span, 1e3 * c.grain);
  return c;
}

}  // namespace

std::string counter_unresolved(const std::vector<CounterReading>& joules) {
  return counter_span(joules).unknown;
}

WindowPower power_from_counter(const std::vector<CounterReading>& joules,
                               const std::vector<CounterReading>& watts,
                               std::optional<double> limit_w) {
  WindowPower p;
  const CounterSpan c = counter_span(joules);
  p.steps = c.steps;
  p.unknown = c.unknown;
  if (!p.unknown.empty()) return p;
  p.grain_seconds = c.grain;
  const std::vector<std::size_t>& at = c.at;
  const CounterReading& first = joules[at.front()];
  const CounterReading& last = joules[at.back()];
  p.span_seconds = last.t - first.t;
  if (!(p.span_seconds > 0) || last.value < first.value) {
    p.unknown = "the energy counter went backwards";
    return p;
  }
  const double mean = (last.value - first.value) / p.span_seconds;
  if (limit_w && *limit_w > 0 && mean > *limit_w * (1 + kPowerTolerance)) {
    p.unknown = fmt::format("{:.0f} W from the energy counter is over the enforced limit of {:.0f} W",
                            mean, *limit_w);
    return p;
  }
  if (const auto sampled = mean_between(watts, first.t, last.t);
      sampled && std::abs(mean - *sampled) > kPowerTolerance * *sampled) {
    p.unknown = fmt::format("{:.0f} W from the energy counter disagrees with the power readings' "
                            "mean of {:.0f} W",
                            mean, *sampled);
    return p;
  }
  p.mean_w = mean;
  return p;
}

double unix_time_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double resolving_span_seconds(std::optional<double> period) {
  return period ? (kMinEnergySteps + 2) * *period : 0;
}

std::optional<double> update_period(const std::vector<CounterReading>& readings) {
  const std::vector<std::size_t> at = changes(readings);
  if (at.size() < 4) return std::nullopt;  // three intervals at least
  std::vector<double> gaps;
  for (std::size_t i = 1; i < at.size(); ++i) gaps.push_back(readings[at[i]].t - readings[at[i - 1]].t);
  return median_of(std::move(gaps));
}

void derive_energy(Telemetry& t, double seconds_per_mult, double gflops) {
  if (!t.mean_power_w || *t.mean_power_w <= 0) return;
  t.energy_per_mult_j = *t.mean_power_w * seconds_per_mult;
  t.gflops_per_watt = gflops / *t.mean_power_w;
}

}  // namespace gpubench
