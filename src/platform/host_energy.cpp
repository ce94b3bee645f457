#include "gpubench/platform/host_energy.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "gpubench/core/input_file.hpp"

namespace gpubench {

namespace {

// One package domain: intel-rapl:N (not its subzones intel-rapl:N:M, which it already counts).
struct Domain {
  std::string energy_file;
  double max_uj = 0;  // the counter wraps at max_energy_range_uj
};

std::optional<double> read_number(const std::string& path) {
  std::ifstream f(path);
  double v = 0;
  if (!(f >> v)) return std::nullopt;
  return v;
}

class HostEnergyProbe final : public TelemetryProbe {
 public:
  explicit HostEnergyProbe(const std::string& root) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      why_ = fmt::format("no {} (a VM or a kernel without powercap)", root);
      return;
    }
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      const std::string name = entry.path().filename().string();
      // Top-level zones only: "intel-rapl:0", not "intel-rapl:0:0" nor "intel-rapl-mmio:0".
      if (name.rfind("intel-rapl:", 0) != 0 || name.find(':', 11) != std::string::npos) continue;
      const std::string zone = entry.path().string();
      const std::string kind = read_first_line(zone + "/name");
      if (kind.rfind("package", 0) != 0) continue;  // "package-0"; psys would count twice
      Domain d{zone + "/energy_uj", read_number(zone + "/max_energy_range_uj").value_or(0)};
      std::ifstream probe(d.energy_file);
      if (!probe) {
        why_ = fmt::format("{} is not readable ({}; readable by root only on most kernels)",
                           d.energy_file, std::strerror(errno));
        domains_.clear();
        return;
      }
      domains_.push_back(d);
    }
    if (domains_.empty()) why_ = fmt::format("no package energy counter under {}", root);
  }

  void start(WindowKind) override {
    start_ = read_all();
    t0_ = std::chrono::steady_clock::now();
  }

  Telemetry stop(std::vector<std::string>&) override {
    const auto t1 = std::chrono::steady_clock::now();
    Telemetry t;
    if (!why_.empty()) {
      t.unavailable = "CPU energy: " + why_;
      return t;
    }
    const std::vector<double> end = read_all();
    if (start_.size() != domains_.size() || end.size() != domains_.size()) {
      t.unavailable = "CPU energy: a powercap counter could not be read";
      return t;
    }
    double uj = 0;
    for (std::size_t i = 0; i < end.size(); ++i) {
      double d = end[i] - start_[i];
      if (d < 0) d += domains_[i].max_uj;  // wrapped once (every few minutes under load)
      uj += d;
    }
    const double wall = std::chrono::duration<double>(t1 - t0_).count();
    t = summarise_samples({}, uj * 1e-6, wall);
    t.source = fmt::format("powercap ({} package{})", domains_.size(),
                           domains_.size() == 1 ? "" : "s");
    if (!t.mean_power_w) t.unavailable = "CPU energy: the counters did not advance in the window";
    return t;
  }

 private:
  std::vector<double> read_all() const {
    std::vector<double> v;
    for (const Domain& d : domains_)
      if (auto x = read_number(d.energy_file)) v.push_back(*x);
    return v;
  }

  std::vector<Domain> domains_;
  std::string why_;
  std::vector<double> start_;
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace

std::unique_ptr<TelemetryProbe> make_host_energy_probe(const std::string& root) {
  return std::make_unique<HostEnergyProbe>(root);
}

}  // namespace gpubench
