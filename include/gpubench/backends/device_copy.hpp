// A device copy-timing service: how long the GPU takes to copy N bytes host->device,
// device->host or device->device. The GPU provider offers it (CUDA events on one stream);
// measure/ turns the seconds into bandwidth records.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

enum class CopyDirection { host_to_device, device_to_host, device_to_device };

struct CopyRequest {
  int device = 0;
  CopyDirection direction = CopyDirection::host_to_device;
  std::size_t bytes = 0;
  bool pinned = true;  // host side page-locked (ignored device to device)
  // Timed repetitions after one untimed warm-up copy: at least min_reps and min_time seconds,
  // at most max_reps.
  double min_time = 0.2;
  int min_reps = 5;
  int max_reps = 1000;
  // Set (Ctrl-C, SIGTERM): no further repetition starts.
  const std::atomic<bool>* stop = nullptr;
};

struct CopyTiming {
  std::vector<double> seconds;  // one per timed repetition
  Status status = Status::ok;   // skipped (no device, out of memory) or failed, with the reason
  std::string reason;
};

// Times the copy on the provider that has device memory; without one (a build without CUDA), a
// skipped timing that says why.
CopyTiming time_device_copy(const CopyRequest& request);

}  // namespace gpubench
