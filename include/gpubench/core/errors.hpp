// Exit codes and the exceptions that map onto them; main() is the only place that catches them.
#pragma once

#include <stdexcept>
#include <string>

namespace gpubench {

enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // a verification or regression check failed
  kExitUsage = 2,        // bad command line or bad input file; nothing was run
  kExitEnvironment = 3,  // an environment problem the user asked to be fatal (--require-gpu)
  kExitInterrupted = 130,
};

// A mistake in what the user asked for: exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The machine cannot do what was required: exit 3.
struct EnvironmentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace gpubench
