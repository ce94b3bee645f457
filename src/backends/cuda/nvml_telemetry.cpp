#include "nvml_telemetry.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

namespace gpubench::cuda {

namespace {

// The few NVML entry points used, declared by hand (no nvml.h here). Types follow nvml.h:
// nvmlReturn_t is an int (0 = success), nvmlDevice_t an opaque pointer.
using NvmlDeviceT = void*;
using InitFn = int (*)();
using HandleByPciFn = int (*)(const char*, NvmlDeviceT*);
using ClockInfoFn = int (*)(NvmlDeviceT, int /*nvmlClockType_t*/, unsigned*);
using TemperatureFn = int (*)(NvmlDeviceT, int /*nvmlTemperatureSensors_t*/, unsigned*);
using PowerUsageFn = int (*)(NvmlDeviceT, unsigned* /*milliwatts*/);
using ReasonsFn = int (*)(NvmlDeviceT, unsigned long long*);

constexpr int kNvmlSuccess = 0;
constexpr int kNvmlClockSm = 1;
constexpr int kNvmlTemperatureGpu = 0;

struct Nvml {
  InitFn init = nullptr;
  HandleByPciFn handle_by_pci = nullptr;
  ClockInfoFn clock_info = nullptr;
  TemperatureFn temperature = nullptr;
  PowerUsageFn power = nullptr;
  ReasonsFn reasons = nullptr;
  bool ok = false;
};

// Loaded once per process and never unloaded (NVML is process-wide; nvmlShutdown at exit would
// race with a polling thread of a case still being destroyed).
const Nvml& nvml() {
  static const Nvml lib = [] {
    Nvml n;
    void* so = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!so) return n;
    auto sym = [so](const char* name) { return dlsym(so, name); };
    n.init = reinterpret_cast<InitFn>(sym("nvmlInit_v2"));
    n.handle_by_pci = reinterpret_cast<HandleByPciFn>(sym("nvmlDeviceGetHandleByPciBusId_v2"));
    n.clock_info = reinterpret_cast<ClockInfoFn>(sym("nvmlDeviceGetClockInfo"));
    n.temperature = reinterpret_cast<TemperatureFn>(sym("nvmlDeviceGetTemperature"));
    n.power = reinterpret_cast<PowerUsageFn>(sym("nvmlDeviceGetPowerUsage"));
    // Renamed "clocks event reasons" in NVML 12; older drivers only have the throttle name.
    n.reasons = reinterpret_cast<ReasonsFn>(sym("nvmlDeviceGetCurrentClocksEventReasons"));
    if (!n.reasons)
      n.reasons = reinterpret_cast<ReasonsFn>(sym("nvmlDeviceGetCurrentClocksThrottleReasons"));
    n.ok = n.init && n.handle_by_pci && n.init() == kNvmlSuccess;
    return n;
  }();
  return lib;
}

}  // namespace

std::string describe_throttle_reasons(std::uint64_t reasons) {
  static constexpr std::pair<std::uint64_t, const char*> kNames[] = {
      {0x1, "idle"},
      {0x2, "application clocks"},
      {0x4, "sw power cap"},
      {0x8, "hw slowdown"},
      {0x10, "sync boost"},
      {0x20, "sw thermal slowdown"},
      {0x40, "hw thermal slowdown"},
      {0x80, "hw power brake"},
      {0x100, "display clock"},
  };
  std::string out;
  std::uint64_t known = 0;
  for (const auto& [bit, name] : kNames) {
    known |= bit;
    if (reasons & bit) out += (out.empty() ? "" : ", ") + std::string(name);
  }
  if (reasons & ~known)
    out += (out.empty() ? "" : ", ") + fmt::format("reason bits {:#x}", reasons & ~known);
  return out;
}

std::unique_ptr<NvmlDevice> NvmlDevice::open(const std::string& pci_bus_id) {
  const Nvml& n = nvml();
  if (!n.ok || pci_bus_id.empty()) return nullptr;
  NvmlDeviceT h = nullptr;
  if (n.handle_by_pci(pci_bus_id.c_str(), &h) != kNvmlSuccess || !h) return nullptr;
  auto dev = std::unique_ptr<NvmlDevice>(new NvmlDevice());
  dev->handle_ = h;
  return dev;
}

TelemetrySample NvmlDevice::sample() const {
  const Nvml& n = nvml();
  TelemetrySample s;
  unsigned v = 0;
  if (n.clock_info && n.clock_info(handle_, kNvmlClockSm, &v) == kNvmlSuccess) s.sm_clock_mhz = v;
  if (n.temperature && n.temperature(handle_, kNvmlTemperatureGpu, &v) == kNvmlSuccess)
    s.temperature_c = v;
  if (n.power && n.power(handle_, &v) == kNvmlSuccess) s.power_w = v / 1000.0;
  unsigned long long r = 0;
  if (n.reasons && n.reasons(handle_, &r) == kNvmlSuccess) s.throttle_reasons = r;
  return s;
}

std::vector<std::string> telemetry_warnings(const std::vector<TelemetrySample>& busy) {
  std::vector<std::string> out;
  double hi = 0, lo = 0, peak_so_far = 0;
  std::uint64_t reasons = 0;
  double max_temp = 0, max_power = 0;
  for (const TelemetrySample& s : busy) {
    // A drop is a reading below an earlier one: clocks ramping up from idle are not a drop.
    if (s.sm_clock_mhz) {
      peak_so_far = std::max(peak_so_far, *s.sm_clock_mhz);
      if (peak_so_far - *s.sm_clock_mhz > hi - lo) {
        hi = peak_so_far;
        lo = *s.sm_clock_mhz;
      }
    }
    if (s.throttle_reasons) reasons |= *s.throttle_reasons;
    if (s.temperature_c) max_temp = std::max(max_temp, *s.temperature_c);
    if (s.power_w) max_power = std::max(max_power, *s.power_w);
  }
  const std::string state =
      max_temp > 0 ? fmt::format(" (up to {:.0f} C, {:.0f} W)", max_temp, max_power) : "";
  if (hi > 0 && lo < 0.9 * hi)
    out.push_back(fmt::format("SM clock dropped {:.0f}% during the case ({:.0f} -> {:.0f} MHz){}",
                              100.0 * (hi - lo) / hi, hi, lo, state));
  if (const std::uint64_t bad = reasons & ~kBenignThrottleReasons)
    out.push_back(fmt::format("GPU throttled during the case: {}{}",
                              describe_throttle_reasons(bad), state));
  return out;
}

TelemetryRecorder::TelemetryRecorder(const NvmlDevice* dev) : dev_(dev) {
  if (!dev_) return;
  before_ = dev_->sample();
  thread_ = std::thread([this] { poll(); });
}

TelemetryRecorder::~TelemetryRecorder() { finish(); }

void TelemetryRecorder::poll() {
  // 50 ms: fine enough to see a clock drop within a 0.3 s case, coarse enough that NVML calls
  // (each a driver round trip) cost the host nothing measurable.
  while (!stop_.load()) {
    TelemetrySample s = dev_->sample();
    const bool idle = s.throttle_reasons && (*s.throttle_reasons & 0x1);
    if (!idle) {
      std::lock_guard<std::mutex> lock(mu_);
      busy_.push_back(s);
    }
    for (int i = 0; i < 10 && !stop_.load(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::vector<std::string> TelemetryRecorder::finish() {
  if (!dev_ || finished_) return {};
  finished_ = true;
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  after_ = dev_->sample();
  std::vector<TelemetrySample> busy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    busy = busy_;
  }
  return telemetry_warnings(busy);
}

}  // namespace gpubench::cuda
