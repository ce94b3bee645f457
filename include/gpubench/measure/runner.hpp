// The Runner owns the timing policy (warm-up, batching, cold cache) and verification; backends
// only run multiplications and offer services the runner drives (Case::flush_cache).
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
  // Timed runs of one window, at most: keeps the int count from overflowing when --min-time and
  // --max-time-per-case are both huge (a 0.1 us run still gets 100 s); a window it ends before
  // --min-time says so in a warning.
  int max_iterations = 1000000000;
  std::uint64_t seed = 42;
  bool verify = true;
  // GPU rows: which rates to time (burst, sustained or both; CPU rows have one rate).
  Clocks clocks = Clocks::both;
  // A GPU that worked within this many seconds rests before its burst window (a card fresh from a
  // sustained window runs its next burst on a drained power budget): until its telemetry shows it
  // rested (power near idle, no power cap), at most until then. The same rest comes before the
  // library default algorithm's batches where the sustained window met a power or thermal limit.
  double burst_rest_seconds = 1.0;
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
  // The GPU ordinal when the run names it beside the backend (--concurrent: "cublas[1]"); -1
  // otherwise.
  int device = -1;
};

// Called when each case starts and finishes (progress display, incremental saving).
using ProgressFn = std::function<void(const Progress&)>;

// What a run reports while it goes: `started` before each case (Progress::just_finished null),
// `finished` with the case's Record handed over, so the receiver owns it and nobody has to merge
// copies back. Either may be empty.
struct CaseHandlers {
  std::function<void(const Progress&)> started;
  std::function<void(const Progress&, Record&&)> finished;
};

// Runs every shape x dtype x backend, case-major (the inputs of a case are made once and every
// backend runs on the same data), handing each Record to `handlers.finished` as it is done.
// Backends that fail to initialise produce skipped Records. With BackendOptions::cold_cache, every
// timed repetition runs on its own after Case::flush_cache() (the host's caches evicted for a CPU
// backend); a backend that cannot flush is timed warm and its row says so. GPU rows get a burst
// window (from a rested card) and a sustained one (after the clock settles), as RunOptions::clocks
// asks, each with the device's telemetry.
void run_cases(const std::vector<BackendEntry>& backends, const BackendOptions& bopts,
               const RunOptions& opts, const CaseHandlers& handlers);

// A case's Record before it is measured: shape, spec, backend, its role and device (from the
// entry, and from the backend when it could be created).
Record case_record(const BackendEntry& e, const Backend* b, const Shape& s, DType d);


}  // namespace gpubench
