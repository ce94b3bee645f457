#include "gpubench/measure/eta.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace gpubench {

EtaEstimator::EtaEstimator(std::vector<PlannedCase> plan, EtaModel model)
    : to_come_(std::move(plan)), model_(model) {}

void EtaEstimator::started(const PlannedCase& c) {
  auto it = std::find_if(to_come_.begin(), to_come_.end(), [&](const PlannedCase& p) {
    return p.key == c.key && p.flops == c.flops;
  });
  if (it != to_come_.end()) to_come_.erase(it);
}

void EtaEstimator::finished(const PlannedCase& c, double wall_seconds, double gflops) {
  if (!(wall_seconds > 0)) return;  // a case that did not run says nothing of speed
  total_wall_ += wall_seconds;
  ++finished_;
  const double rate = gflops > 0 ? gflops * 1e9 : 0;
  auto [it, fresh] = seen_.try_emplace(c.key, Seen{wall_seconds, rate});
  if (!fresh) {
    it->second.floor = std::min(it->second.floor, wall_seconds);
    it->second.rate = std::max(it->second.rate, rate);
  }
}

std::optional<double> EtaEstimator::estimate(const PlannedCase& c) const {
  if (finished_ == 0) return std::nullopt;
  auto it = seen_.find(c.key);
  if (it == seen_.end()) return total_wall_ / finished_;
  const Seen& s = it->second;
  if (!(s.rate > 0)) return s.floor;
  const double t = c.flops / s.rate;
  return std::max(s.floor, std::min(model_.runs * t, 1.5 * model_.cap + 3 * t));
}

std::optional<double> EtaEstimator::remaining(const std::optional<PlannedCase>& running,
                                              double running_for) const {
  if (finished_ == 0) return std::nullopt;
  double left = 0;
  for (const PlannedCase& c : to_come_) left += *estimate(c);
  // The running case has at least nothing left: past its estimate, it is "about to finish".
  if (running) left += std::max(0.0, *estimate(*running) - running_for);
  return left;
}

std::string format_duration(double seconds) {
  if (!(std::isfinite(seconds) && seconds > 0)) seconds = 0;
  // Tenths below a minute: a sweep of small cases is all sub-second ones.
  if (seconds < 59.95) return fmt::format("{:.1f}s", seconds);
  const long s = std::lround(seconds);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace gpubench
