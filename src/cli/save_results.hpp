// The observer that feeds a command's ResultsSink as results arrive, for matmul, bandwidth and
// peak alike: an interrupted or killed run keeps in its --output files everything it finished.
#pragma once

#include <chrono>

#include "gpubench/measure/session.hpp"
#include "gpubench/output/results_sink.hpp"

namespace gpubench {

// Saves after each matmul case and each bandwidth test; during a peak search (many shapes a
// second) at most once a second. Under MPI only rank 0 adds it: its own rows as they come, and
// everyone's at the end (ResultsSink::finish).
class SaveAsResultsArrive : public SessionObserver {
 public:
  explicit SaveAsResultsArrive(const ResultsSink& sink) : sink_(sink) {}

  void case_finished(const Record&, const Results& so_far) override { sink_.save(so_far); }
  void bandwidth_finished(const BandwidthRecord&, const Results& so_far) override {
    sink_.save(so_far);
  }
  void point_measured(const PeakSearch&, const Results& so_far) override {
    save_now_and_then(so_far);
  }
  void remeasured(const PeakSearch&, const Results& so_far) override { save_now_and_then(so_far); }

 private:
  void save_now_and_then(const Results& so_far) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_save_ < std::chrono::seconds(1)) return;
    last_save_ = now;
    sink_.save(so_far);
  }

  const ResultsSink& sink_;
  std::chrono::steady_clock::time_point last_save_{};
};

}  // namespace gpubench
