// The CPU's package energy through Linux powercap (RAPL on Intel, and on AMD Zen since Linux
// 5.8), for the CPU rows' power, energy per multiplication and GFLOPS per watt.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpubench/core/telemetry.hpp"

namespace gpubench {

// The package domains under a powercap folder ("intel-rapl:N", not their subzones, which they
// already count): their energy counters summed, each wrap undone, and their power limits.
class PackageCounters {
 public:
  explicit PackageCounters(const std::string& root);
  // Why the counters cannot be read ("no /sys/class/powercap (a VM ...)"); empty when they can.
  const std::string& unavailable() const { return why_; }
  std::size_t packages() const { return domains_.size(); }
  // Joules every package used since the first read (0 then); empty when a counter could not be
  // read. A counter below its last reading wrapped at its max_energy_range_uj.
  std::optional<double> read();
  // The most the packages may draw on average: each package's highest constraint
  // (constraint_N_power_limit_uw; the short-term one allows more than the long-term one for
  // seconds), summed; empty when powercap exposes none.
  std::optional<double> power_limit_w() const { return limit_w_; }

 private:
  struct Domain {
    std::string energy_file;
    double max_uj = 0;  // the counter wraps at max_energy_range_uj
    double last_uj = -1;
  };
  std::vector<Domain> domains_;
  std::string why_;
  double total_j_ = 0;
  std::optional<double> limit_w_;
};

// What results files keep of the packages' counters: the power limit and how often the counters
// change (measured once per process and folder by polling them, at most 0.3 s; empty where
// powercap cannot be read).
struct HostEnergyFacts {
  std::optional<double> power_limit_w, energy_counter_period_s;
};
const HostEnergyFacts& host_energy_facts(const std::string& root = "/sys/class/powercap");

// A probe of the packages' energy over a window, by the rule the GPU's follows: the counters are
// polled every few milliseconds and the window's power taken only from their changes, spanning at
// least kMinEnergySteps of them, and checked against the packages' power limit (see
// power_from_counter); else unknown, with the reason ("no powercap ... (a VM?)", "energy_uj is
// readable by root only", "the window spans 2 energy-counter steps"). `root` is the powercap
// folder (tests point it at a fake tree).
std::unique_ptr<TelemetryProbe> make_host_energy_probe(
    const std::string& root = "/sys/class/powercap");

}  // namespace gpubench
