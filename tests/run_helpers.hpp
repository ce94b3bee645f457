// Test-only ways to run a sweep and keep its rows: the session and the CLI hand rows to observers
// as they finish; tests want them collected in a vector.
#pragma once

#include <vector>

#include "gpubench/measure/devices.hpp"
#include "gpubench/measure/runner.hpp"
#include "gpubench/measure/session.hpp"

namespace gpubench::test_helpers {

// Handlers that collect every finished Record into `records` (in the order they finish) and show
// `progress` each case's start and finish (just_finished pointing at the collected Record).
inline CaseHandlers collecting_handlers(std::vector<Record>& records,
                                        const ProgressFn& progress = {}) {
  CaseHandlers handlers;
  if (progress) handlers.started = progress;
  handlers.finished = [&records, progress](const Progress& at, Record&& r) {
    records.push_back(std::move(r));
    if (!progress) return;
    Progress done = at;
    done.just_finished = &records.back();
    progress(done);
  };
  return handlers;
}

// run_cases collected into one Record per case, in the order they ran.
inline std::vector<Record> run_matmul(const std::vector<BackendEntry>& backends,
                                      const BackendOptions& bopts, const RunOptions& opts,
                                      const ProgressFn& progress = {}) {
  std::vector<Record> records;
  run_cases(backends, bopts, opts, collecting_handlers(records, progress));
  return records;
}

// run_cases_concurrently collected and put in concurrent_order.
inline std::vector<Record> run_matmul_concurrently(const std::vector<BackendEntry>& entries,
                                                   const std::vector<int>& devices,
                                                   const BackendOptions& bopts,
                                                   const RunOptions& opts) {
  std::vector<Record> records;
  run_cases_concurrently(entries, devices, bopts, opts, collecting_handlers(records));
  concurrent_order(records.begin(), records.end(), entries, devices, opts);
  return records;
}

inline void label_records(std::vector<Record>& records, const SystemInfo& system, int rank) {
  for (Record& r : records) label_record(r, system, rank);
}

}  // namespace gpubench::test_helpers
