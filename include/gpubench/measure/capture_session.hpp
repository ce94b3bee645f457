// `gpubench capture -- CMD`: runs CMD with the capture library preloaded (it and every child
// process), then merges what each process recorded.
#pragma once

#include <string>
#include <vector>

#include "gpubench/core/captured_gemms.hpp"

namespace gpubench {

// The capture library: $GPUBENCH_CAPTURE_LIB, else beside the gpubench binary (a build tree),
// else the installed one (relative to the binary). Throws EnvironmentError listing where it looked.
std::string find_capture_library();

struct CaptureRun {
  int exit_status = 0;  // the program's, as a shell reports it (128 + signal when killed)
  CaptureSummary summary;
};

// Runs argv with the library preloaded and returns the merged tables of all its processes.
// Throws UsageError when the program cannot be started.
CaptureRun run_capture(const std::vector<std::string>& argv, const std::string& library);

}  // namespace gpubench
