// The time a sweep has left, from the cases it finished and the ones still to come. Pure
// arithmetic over seconds the caller measures, so that it can be tested without a clock.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gpubench {

// One case of the sweep as planned: what it is timed with ("openblas fp32": cases of one key share
// a speed) and its work.
struct PlannedCase {
  std::string key;
  double flops = 0;
};

// How the runner spends a long case (one run longer than --min-time needs): `runs` runs in all
// (warm-up, --min-time's minimum samples, the reference for verification), but it stops repeating
// after `cap` seconds (--max-time-per-case) and warms up for at most half of it.
struct EtaModel {
  double runs = 8;  // warm-up 2 + min samples 5 + verification 1: the runner's defaults
  double cap = 10;  // seconds
};

// The model: a case costs at least the fixed time every case of its kind takes (warm-up,
// --min-time of repetitions, inputs, verification: floor_K, the shortest finished case of key K),
// and a large case costs its runs at the speed K measured: t = flops / rate_K, rate_K the best
// GFLOPS K reached (throughput grows with size, so the best is the nearest to the big cases to
// come), then min(runs * t, 1.5 * cap + 3 * t) once the cap stops the repeats (half the cap of
// warm-up, the cap of timed runs, and the run in flight at each end plus the reference). So
// estimate = max(floor_K, that). Per-case wall time alone would not do: small cases are all
// floor, and extrapolating their FLOP/s to big sizes is out by orders of magnitude. A key with
// nothing finished yet (the first GPU case after the CPU ones) is estimated at the mean wall time
// of every finished case: a guess, but one that counts the case at all.
// Every case a sweep will run, and how its runner spends a long one.
struct SweepPlan {
  std::vector<PlannedCase> cases;
  EtaModel model;
};

class EtaEstimator {
 public:
  explicit EtaEstimator(std::vector<PlannedCase> plan = {}, EtaModel model = {});

  // A case started: it leaves the cases to come (the first planned case with its key and work;
  // an unplanned case changes nothing).
  void started(const PlannedCase& c);
  // A case measured in `wall_seconds` (start to end, everything included) at `gflops` (its
  // median run). Tell only cases that ran: a skipped one ends at once, having measured nothing.
  void finished(const PlannedCase& c, double wall_seconds, double gflops);

  // Seconds left: the cases to come plus what the running one (`running`, `running_for` seconds
  // in) has left; nullopt until a case finished (no speed to go on).
  std::optional<double> remaining(const std::optional<PlannedCase>& running = std::nullopt,
                                  double running_for = 0) const;

  // The estimate of one case, as remaining() counts it (nullopt: nothing finished yet).
  std::optional<double> estimate(const PlannedCase& c) const;

 private:
  struct Seen {
    double floor = 0;  // shortest wall time of a case of this key
    double rate = 0;   // best FLOP/s of one run
  };
  std::vector<PlannedCase> to_come_;
  EtaModel model_;
  std::map<std::string, Seen> seen_;
  double total_wall_ = 0;
  int finished_ = 0;
};

// "0.4s", "59.9s", "1:05", "1:02:03": a duration for the progress line (negative counts as 0).
std::string format_duration(double seconds);

}  // namespace gpubench
