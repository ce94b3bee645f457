// The Runner owns timing policy and verification; backends only run multiplications.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gpubench/backends/backend.hpp"
#include "gpubench/core/record.hpp"
#include "gpubench/backends/registry.hpp"

namespace gpubench {

struct RunOptions {
  std::vector<Shape> shapes;
  std::vector<DType> dtypes{DType::fp32};
  double min_time = 0.3;            // seconds of timed work per case, at least
  double max_time_per_case = 10.0;  // stop repeating once a case has taken this long
  int warmup = 2;                   // untimed runs first (fewer when one run is very long)
  int min_samples = 5;
  int max_iterations = 100000;
  std::uint64_t seed = 42;
  bool verify = true;
  // Host memory the run may use, bytes; cases needing more are skipped. 0 = read MemAvailable.
  std::size_t host_memory_limit = 0;
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler: stop between cases
};

struct Progress {
  int index = 0, total = 0;
  const Record* just_finished = nullptr;  // null when announcing a case about to start
  std::string backend;
  Shape shape;
  DType dtype;
};

// Called when each case starts and finishes (progress display, incremental saving).
using ProgressFn = std::function<void(const Progress&)>;

// Runs every shape x dtype x backend (one backend's cases together, so a GPU stays warm), and
// returns one Record per case. Backends that fail to initialise produce skipped Records.
std::vector<Record> run_matmul(const std::vector<BackendEntry>& backends,
                               const BackendOptions& bopts, const RunOptions& opts,
                               const ProgressFn& progress = {});

// Host bytes a case needs besides the backend's own buffers (inputs, result copy for checking).
std::size_t host_bytes_for_case(DType d, const Shape& s);

}  // namespace gpubench
