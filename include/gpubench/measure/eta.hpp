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

// The model: a case costs at least the fixed time every case takes (warm-up, --min-time of
// repetitions, verification), and a large case costs its work at the speed its backend and dtype
// reached. So a case of key K is estimated at max(floor_K, flops / rate_K), where floor_K is the
// shortest case of K so far and rate_K the best FLOP/s (work per wall second) of K so far. The
// best rate, not the mean: small cases are dominated by the floor and would make the big ones look
// slow; throughput grows with size, so the estimate errs on the long side only by the growth still
// to come. A key with nothing finished yet (the first GPU case after the CPU ones) is estimated at
// the mean wall time of every finished case: a guess, but one that counts the case at all.
class EtaEstimator {
 public:
  explicit EtaEstimator(std::vector<PlannedCase> plan = {});

  // A case started: it leaves the cases to come (the first planned case with its key and work;
  // an unplanned case changes nothing).
  void started(const PlannedCase& c);
  // A case measured in `wall_seconds` (start to end, everything included). Tell only cases that
  // ran: a skipped one ends at once and would promise an absurd speed.
  void finished(const PlannedCase& c, double wall_seconds);

  // Seconds left: the cases to come plus what the running one (`running`, `running_for` seconds
  // in) has left; nullopt until a case finished (no speed to go on).
  std::optional<double> remaining(const std::optional<PlannedCase>& running = std::nullopt,
                                  double running_for = 0) const;

  // The estimate of one case, as remaining() counts it (nullopt: nothing finished yet).
  std::optional<double> estimate(const PlannedCase& c) const;

 private:
  struct Seen {
    double floor = 0;  // shortest wall time of a case of this key
    double rate = 0;   // best flops / wall second
  };
  std::vector<PlannedCase> to_come_;
  std::map<std::string, Seen> seen_;
  double total_wall_ = 0;
  int finished_ = 0;
};

// "1:05", "12:30", "1:02:03": a duration for the progress line (negative counts as 0).
std::string format_duration(double seconds);

}  // namespace gpubench
