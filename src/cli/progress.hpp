// What a sweep shows on stderr while it runs (--progress), for a person at a terminal and for a
// CI log. Never on stdout: the report there may be JSON or CSV for a script.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gpubench/measure/eta.hpp"
#include "gpubench/measure/session.hpp"

namespace gpubench {

// --progress: auto (a redrawn line on a terminal, a line per finished case otherwise), always
// (the redrawn line even into a pipe, as --color=always forces colour: for a terminal behind
// `| tee` or ssh without a tty), never. --quiet means never, whatever --progress says.
enum class ProgressMode { automatic, always, never };
ProgressMode parse_progress_mode(const std::string& s);  // UsageError naming the choices
inline constexpr const char* kProgressHelp =
    "auto: a line redrawn on a terminal, a line per finished case otherwise; always: the "
    "redrawn line even into a pipe; never (--quiet too)";

enum class ProgressStyle { none, redrawn, log };
ProgressStyle progress_style(ProgressMode mode, bool quiet, bool stderr_is_terminal);

// Draws the progress of a Session in the given style:
// - redrawn: "[3/12] openblas fp32 1024 (0:12 in, ~0:45 left)", rewritten as each case starts
//   and wiped at the end, so nothing of it stays in the terminal;
// - log: a line per finished case ("[3/12] openblas fp32 1024: 812.3 GFLOPS in 0:01, ~0:45
//   left"; a bandwidth test per line likewise) and a last line with the count and the time, so
//   that a CI log shows life and, when a run is killed, the case it was in; a case that runs for
//   `heartbeat` without a line gets a "still measuring" line each time, so that one huge case
//   (16384 on a laptop's CPU: minutes) does not look like a hang.
class ProgressReporter : public SessionObserver {
 public:
  ProgressReporter(ProgressStyle style, std::ostream& err,
                   std::chrono::duration<double> heartbeat = std::chrono::seconds(30));
  ~ProgressReporter() override;

  void sweep_planned(const SweepPlan& plan) override;
  void case_started(const CaseStart& c) override;
  void case_finished(const Record& r, const Results& so_far) override;
  void bandwidth_finished(const BandwidthRecord& r, const Results& so_far) override;
  void sweep_finished(const Results& r) override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Running {
    PlannedCase work;
    std::string label;
    Clock::time_point since;
  };
  double seconds_since(Clock::time_point t) const;
  std::string time_left() const;  // ", ~0:45 left" or "" while unknown
  void draw(const std::string& line);
  void clear();
  void log(const std::string& line);  // under mu_
  void beat(std::chrono::duration<double> every);

  // Observer calls come one at a time, but the heartbeat's thread reads the same state.
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  Clock::time_point last_line_ = Clock::now();
  std::thread heartbeat_;  // log style only

  ProgressStyle style_;
  std::ostream& err_;
  EtaEstimator eta_;
  Clock::time_point start_ = Clock::now();
  std::vector<Running> running_;  // more than one under --concurrent
  int total_ = 0, done_ = 0, last_index_ = 0;
  std::string last_label_;
  std::size_t width_ = 0;  // of the line on screen (redrawn)
};

}  // namespace gpubench
