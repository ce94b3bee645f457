#include "gpubench/platform/host_energy.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "gpubench/core/format_util.hpp"
#include "gpubench/core/input_file.hpp"

namespace gpubench {

namespace {

std::optional<double> read_number(const std::string& path) {
  std::ifstream f(path);
  double v = 0;
  if (!(f >> v)) return std::nullopt;
  return v;
}

// The highest of a zone's constraint_N_power_limit_uw, in watts; empty when it has none.
std::optional<double> zone_limit_w(const std::filesystem::path& zone) {
  std::optional<double> most;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(zone, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("constraint_", 0) != 0 || !name.ends_with("_power_limit_uw")) continue;
    if (const auto uw = read_number(entry.path().string()); uw && *uw > 0)
      most = std::max(most.value_or(0.0), *uw * 1e-6);
  }
  return most;
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Polls the counters every 0.2 ms until they changed five times (four periods), for 0.3 s at
// most: RAPL's counters step about every millisecond.
std::optional<double> measure_period(PackageCounters& counters) {
  std::vector<CounterReading> joules;
  const Clock::time_point t0 = Clock::now();
  for (int changes = 0; changes < 5 && seconds_since(t0) < 0.3;) {
    const std::optional<double> j = counters.read();
    if (!j) return std::nullopt;
    if (!joules.empty() && joules.back().value != *j) ++changes;
    joules.push_back({seconds_since(t0), *j});
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return update_period(joules);
}

class HostEnergyProbe final : public TelemetryProbe {
 public:
  explicit HostEnergyProbe(const std::string& root) : root_(root), counters_(root) {}

  ~HostEnergyProbe() override { stop_polling(); }

  // A CPU row has one window, and the counters are cheap to read: every kind polls them.
  void start(WindowKind) override {
    stop_polling();  // a window started twice: the first one's poller ends
    joules_.clear();
    t0_ = Clock::now();
    start_unix_s_ = unix_time_seconds();
    if (!counters_.unavailable().empty()) return;
    if (const auto j = counters_.read()) joules_.push_back({0.0, *j});
    stop_.store(false);
    thread_ = std::thread([this] { poll(); });
  }

  Telemetry stop(std::vector<std::string>&) override {
    stop_polling();
    Telemetry t;
    if (!counters_.unavailable().empty()) {
      t.unavailable = "CPU energy: " + counters_.unavailable();
      return t;
    }
    const std::optional<double> last = counters_.read();
    if (!last) {
      t.unavailable = "CPU energy: a powercap counter could not be read";
      return t;
    }
    joules_.push_back({seconds_since(t0_), *last});
    t.window_start_unix_s = start_unix_s_;
    t.window_end_unix_s = unix_time_seconds();
    // The same rule as a GPU's: only the counters' own steps, enough of them, within the limit.
    const WindowPower p = power_from_counter(joules_, {}, counters_.power_limit_w());
    t.mean_power_w = p.mean_w;
    if (!p.mean_w) t.unavailable = "CPU power and energy unknown: " + p.unknown;
    t.source = fmt::format("powercap ({})", format_count(counters_.packages(), "package"));
    return t;
  }

  double energy_span_seconds() const override {
    return resolving_span_seconds(host_energy_facts(root_).energy_counter_period_s);
  }

 private:
  // Every 5 ms, as a GPU's counter is polled: a sysfs read of a few microseconds on a thread that
  // sleeps otherwise, next to the BLAS threads the window times.
  void poll() {
    while (!stop_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (const auto j = counters_.read()) joules_.push_back({seconds_since(t0_), *j});
    }
  }

  void stop_polling() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

  std::string root_;
  PackageCounters counters_;
  std::vector<CounterReading> joules_;  // the poller's until stop() joins it
  Clock::time_point t0_;
  double start_unix_s_ = 0;
  std::atomic<bool> stop_{true};
  std::thread thread_;
};

}  // namespace

PackageCounters::PackageCounters(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    why_ = fmt::format("no {} (a VM or a kernel without powercap)", root);
    return;
  }
  std::optional<double> limit = 0.0;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    // Top-level zones only: "intel-rapl:0", not "intel-rapl:0:0" nor "intel-rapl-mmio:0".
    if (name.rfind("intel-rapl:", 0) != 0 || name.find(':', 11) != std::string::npos) continue;
    const std::string zone = entry.path().string();
    if (read_first_line(zone + "/name").rfind("package", 0) != 0) continue;  // psys counts twice
    Domain d{zone + "/energy_uj", read_number(zone + "/max_energy_range_uj").value_or(0)};
    if (!std::ifstream(d.energy_file)) {
      why_ = fmt::format("{} is not readable ({}; readable by root only on most kernels)",
                         d.energy_file, std::strerror(errno));
      domains_.clear();
      return;
    }
    domains_.push_back(d);
    const std::optional<double> own = zone_limit_w(entry.path());
    limit = limit && own ? std::optional(*limit + *own) : std::nullopt;
  }
  if (domains_.empty()) why_ = fmt::format("no package energy counter under {}", root);
  if (!domains_.empty()) limit_w_ = limit;
}

std::optional<double> PackageCounters::read() {
  if (domains_.empty()) return std::nullopt;
  double total_uj = 0;
  std::vector<double> now;
  for (Domain& d : domains_) {
    const std::optional<double> uj = read_number(d.energy_file);
    if (!uj) return std::nullopt;
    now.push_back(*uj);
  }
  for (std::size_t i = 0; i < domains_.size(); ++i) {
    Domain& d = domains_[i];
    double step = d.last_uj < 0 ? 0 : now[i] - d.last_uj;
    if (step < 0) step += d.max_uj;  // wrapped once (every few minutes under load)
    total_uj += step;
    d.last_uj = now[i];
  }
  total_j_ += total_uj * 1e-6;
  return total_j_;
}

const HostEnergyFacts& host_energy_facts(const std::string& root) {
  static std::mutex mu;
  static std::map<std::string, HostEnergyFacts> measured;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = measured.find(root); it != measured.end()) return it->second;
  PackageCounters counters(root);
  HostEnergyFacts f;
  if (counters.unavailable().empty()) {
    f.power_limit_w = counters.power_limit_w();
    f.energy_counter_period_s = measure_period(counters);
  }
  return measured[root] = f;
}

std::unique_ptr<TelemetryProbe> make_host_energy_probe(const std::string& root) {
  return std::make_unique<HostEnergyProbe>(root);
}

}  // namespace gpubench
