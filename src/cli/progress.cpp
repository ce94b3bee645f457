#include "progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "gpubench/core/errors.hpp"

namespace gpubench {

ProgressMode parse_progress_mode(const std::string& s) {
  if (s == "auto") return ProgressMode::automatic;
  if (s == "always") return ProgressMode::always;
  if (s == "never") return ProgressMode::never;
  throw UsageError("--progress must be auto, always or never, got '" + s + "'");
}

ProgressStyle progress_style(ProgressMode mode, bool quiet, bool stderr_is_terminal) {
  if (quiet || mode == ProgressMode::never) return ProgressStyle::none;
  if (mode == ProgressMode::always || stderr_is_terminal) return ProgressStyle::redrawn;
  return ProgressStyle::log;
}

ProgressReporter::ProgressReporter(ProgressStyle style, std::ostream& err,
                                   std::chrono::duration<double> heartbeat)
    : style_(style), err_(err) {
  if (style_ == ProgressStyle::log && heartbeat.count() > 0)
    heartbeat_ = std::thread([this, heartbeat] { beat(heartbeat); });
}

ProgressReporter::~ProgressReporter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  clear();
}

void ProgressReporter::beat(std::chrono::duration<double> every) {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto due = last_line_ + std::chrono::duration_cast<Clock::duration>(every);
    if (wake_.wait_until(lock, due, [&] { return stopping_; })) break;
    if (Clock::now() < last_line_ + std::chrono::duration_cast<Clock::duration>(every)) continue;
    if (running_.empty()) {
      last_line_ = Clock::now();  // between cases (or after the sweep): nothing to say
      continue;
    }
    const Running& r = running_.front();
    log(fmt::format("[{}/{}] {}: still measuring, {} in{}", done_ + 1, total_, r.label,
                    format_duration(seconds_since(r.since)), time_left()));
  }
}

void ProgressReporter::log(const std::string& line) {
  err_ << line << "\n" << std::flush;
  last_line_ = Clock::now();
}

double ProgressReporter::seconds_since(Clock::time_point t) const {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string ProgressReporter::time_left() const {
  // The running cases count what they have left; under --concurrent the devices run side by
  // side, so this sums more than the wall time left: an upper bound, which is the useful side.
  std::optional<double> left = eta_.remaining();
  if (left)
    for (const Running& r : running_)
      *left += std::max(0.0, *eta_.estimate(r.work) - seconds_since(r.since));
  return left ? fmt::format(", ~{} left", format_duration(*left)) : "";
}

void ProgressReporter::sweep_planned(const SweepPlan& plan) {
  eta_ = EtaEstimator(plan.cases, plan.model);
}

void ProgressReporter::case_started(const CaseStart& c) {
  if (style_ == ProgressStyle::none) return;
  std::lock_guard lock(mu_);
  total_ = c.total;
  last_index_ = c.index;
  last_label_ = c.label;
  eta_.started(c.work);
  // A bandwidth test (no work) ends with its rows, not with a case: one runs at a time.
  if (c.work.key.empty()) running_.clear();
  running_.push_back({c.work, c.label, Clock::now()});
  if (style_ == ProgressStyle::redrawn)
    draw(fmt::format("[{}/{}] {} ({} in{})", c.index, c.total, c.label,
                     format_duration(seconds_since(start_)), time_left()));
}

void ProgressReporter::case_finished(const Record& r, const Results&) {
  if (style_ == ProgressStyle::none) return;
  std::lock_guard lock(mu_);
  const PlannedCase work{fmt::format("{} {}", r.backend, to_string(r.dtype)), r.shape.flops()};
  auto it = std::find_if(running_.begin(), running_.end(), [&](const Running& x) {
    return x.work.key == work.key && x.work.flops == work.flops;
  });
  const double took = it != running_.end() ? seconds_since(it->since) : 0;
  const std::string label = it != running_.end() ? it->label : work.key + " " + r.shape.label();
  if (it != running_.end()) running_.erase(it);
  // Skipped and failed cases end without measuring: no speed to learn from.
  if (r.ok()) eta_.finished(work, took, r.main.gflops);
  ++done_;
  if (style_ != ProgressStyle::log) return;
  const std::string what = r.ok() ? fmt::format("{:.1f} GFLOPS", r.main.gflops)
                                  : fmt::format("{} ({})", to_string(r.status), r.reason);
  log(fmt::format("[{}/{}] {}: {} in {}{}", done_, total_, label, what, format_duration(took),
                  time_left()));
}

void ProgressReporter::bandwidth_finished(const BandwidthRecord& b, const Results&) {
  if (style_ != ProgressStyle::log) return;
  std::lock_guard lock(mu_);
  const std::string what = b.ok() ? fmt::format("{:.1f} GB/s", b.gbs)
                                  : fmt::format("{} ({})", to_string(b.status), b.reason);
  log(fmt::format("[{}/{}] {}: {}{} {}", last_index_, total_, last_label_, b.test,
                  b.host_memory.empty() ? "" : " " + b.host_memory, what));
}

void ProgressReporter::sweep_finished(const Results& r) {
  std::lock_guard lock(mu_);
  running_.clear();  // a stopped sweep's case never finishes: no heartbeat for it
  clear();
  if (style_ != ProgressStyle::log) return;
  log(fmt::format("{}: {} of {} cases in {}", r.interrupted ? "stopped" : "done",
                  r.bandwidth.empty() ? done_ : last_index_, total_,
                  format_duration(seconds_since(start_))));
}

void ProgressReporter::draw(const std::string& line) {
  err_ << "\r" << line << std::string(width_ > line.size() ? width_ - line.size() : 0, ' ')
       << std::flush;
  width_ = line.size();
}

void ProgressReporter::clear() {
  if (style_ == ProgressStyle::redrawn && width_)
    err_ << "\r" << std::string(width_, ' ') << "\r" << std::flush;
  width_ = 0;
}

}  // namespace gpubench
