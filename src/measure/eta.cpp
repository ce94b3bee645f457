#include "gpubench/measure/eta.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace gpubench {

EtaEstimator::EtaEstimator(std::vector<PlannedCase> plan) : to_come_(std::move(plan)) {}

void EtaEstimator::started(const PlannedCase& c) {
  auto it = std::find_if(to_come_.begin(), to_come_.end(), [&](const PlannedCase& p) {
    return p.key == c.key && p.flops == c.flops;
  });
  if (it != to_come_.end()) to_come_.erase(it);
}

void EtaEstimator::finished(const PlannedCase& c, double wall_seconds) {
  if (!(wall_seconds > 0)) return;  // a case that did not run (skipped) says nothing of speed
  total_wall_ += wall_seconds;
  ++finished_;
  auto [it, fresh] = seen_.try_emplace(c.key, Seen{wall_seconds, c.flops / wall_seconds});
  if (!fresh) {
    it->second.floor = std::min(it->second.floor, wall_seconds);
    it->second.rate = std::max(it->second.rate, c.flops / wall_seconds);
  }
}

std::optional<double> EtaEstimator::estimate(const PlannedCase& c) const {
  if (finished_ == 0) return std::nullopt;
  auto it = seen_.find(c.key);
  if (it == seen_.end()) return total_wall_ / finished_;
  const Seen& s = it->second;
  return std::max(s.floor, s.rate > 0 ? c.flops / s.rate : 0.0);
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
  const long s = std::isfinite(seconds) && seconds > 0 ? std::lround(seconds) : 0;
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace gpubench
