// Ctrl-C and SIGTERM during a sweep: the first one asks the Runner to stop between cases (so
// what was measured is saved and printed); a second one ends the process at once.
#pragma once

#include <atomic>

namespace gpubench {

class StopOnSignal {
 public:
  StopOnSignal();   // installs the SIGINT and SIGTERM handlers
  ~StopOnSignal();  // restores the previous ones
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  // The flag for RunOptions::stop.
  const std::atomic<bool>* flag() const;
  // The signal that arrived (SIGINT, SIGTERM), 0 when none.
  int signal() const;
  // The conventional exit status of a program ended by that signal: 128 + signal (130, 143).
  int exit_code() const { return 128 + signal(); }
};

}  // namespace gpubench
