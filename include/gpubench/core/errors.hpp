// Exit codes and the exceptions that map onto them. exit_code_for() is the one mapping: main()
// uses it for the process's status and the MPI path for a rank that could not run.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace gpubench {

enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // a verification or regression check failed; nothing else
  kExitUsage = 2,        // bad command line or bad input file; nothing was run
  kExitEnvironment = 3,  // an environment problem the user asked to be fatal (--require-gpu)
  kExitInternal = 4,     // a bug or an unexpected failure: not the user's input, not a check
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

// kExitUsage for a UsageError, kExitEnvironment for an EnvironmentError, kExitInternal for
// anything else: an unexpected exception must not read as "a check failed" (exit 1) to CI.
inline int exit_code_for(const std::exception& e) {
  if (dynamic_cast<const UsageError*>(&e)) return kExitUsage;
  if (dynamic_cast<const EnvironmentError*>(&e)) return kExitEnvironment;
  return kExitInternal;
}

// The word main() puts before the message: "error", "environment error", "internal error".
inline const char* error_kind(const std::exception& e) {
  switch (exit_code_for(e)) {
    case kExitUsage: return "error";
    case kExitEnvironment: return "environment error";
    default: return "internal error";
  }
}

}  // namespace gpubench
