#include "nvml_telemetry.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

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
using EnergyFn = int (*)(NvmlDeviceT, unsigned long long* /*millijoules*/);
using PowerLimitFn = int (*)(NvmlDeviceT, unsigned* /*milliwatts*/);

// nvmlFieldValue_t, as nvml.h lays it out: the value is a union of 8 bytes.
struct NvmlFieldValue {
  unsigned field_id = 0;
  unsigned scope_id = 0;
  long long timestamp = 0;
  long long latency_usec = 0;
  int value_type = 0;   // nvmlValueType_t
  int nvml_return = 0;  // nvmlReturn_t
  unsigned long long value = 0;
};
static_assert(sizeof(NvmlFieldValue) == 40, "nvmlFieldValue_t is 40 bytes");
using FieldValuesFn = int (*)(NvmlDeviceT, int, NvmlFieldValue*);

constexpr int kNvmlSuccess = 0;
constexpr int kNvmlClockSm = 1;
constexpr int kNvmlTemperatureGpu = 0;
// NVML_FI_DEV_POWER_INSTANT: the board's power now, in milliwatts (an unsigned int). The plain
// power reading (nvmlDeviceGetPowerUsage) is a trailing 1 s average on Ampere and later: over a
// window shorter than that it trails the energy counter by hundreds of watts after a rest.
constexpr unsigned kNvmlFieldPowerInstant = 186;
constexpr int kNvmlValueUnsignedInt = 1;

struct Nvml {
  InitFn init = nullptr;
  HandleByPciFn handle_by_pci = nullptr;
  ClockInfoFn clock_info = nullptr;
  TemperatureFn temperature = nullptr;
  PowerUsageFn power = nullptr;
  ReasonsFn reasons = nullptr;
  EnergyFn energy = nullptr;
  PowerLimitFn power_limit = nullptr;
  FieldValuesFn field_values = nullptr;
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
    n.energy = reinterpret_cast<EnergyFn>(sym("nvmlDeviceGetTotalEnergyConsumption"));
    n.power_limit = reinterpret_cast<PowerLimitFn>(sym("nvmlDeviceGetEnforcedPowerLimit"));
    n.field_values = reinterpret_cast<FieldValuesFn>(sym("nvmlDeviceGetFieldValues"));
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
  s.power_w = instant_power_w();
  if (!s.power_w && n.power && n.power(handle_, &v) == kNvmlSuccess) s.power_w = v / 1000.0;
  unsigned long long r = 0;
  if (n.reasons && n.reasons(handle_, &r) == kNvmlSuccess) s.throttle_reasons = r;
  return s;
}

std::optional<double> NvmlDevice::instant_power_w() const {
  const Nvml& n = nvml();
  if (!n.field_values) return std::nullopt;
  NvmlFieldValue f;
  f.field_id = kNvmlFieldPowerInstant;
  if (n.field_values(handle_, 1, &f) != kNvmlSuccess || f.nvml_return != kNvmlSuccess ||
      f.value_type != kNvmlValueUnsignedInt)
    return std::nullopt;
  return static_cast<unsigned>(f.value) / 1000.0;  // the union's first 4 bytes (little-endian)
}

std::optional<std::uint64_t> NvmlDevice::energy_mj() const {
  const Nvml& n = nvml();
  unsigned long long mj = 0;
  if (n.energy && n.energy(handle_, &mj) == kNvmlSuccess) return mj;
  return std::nullopt;
}

std::optional<double> NvmlDevice::enforced_limit_w() const {
  const Nvml& n = nvml();
  unsigned mw = 0;
  if (n.power_limit && n.power_limit(handle_, &mw) == kNvmlSuccess && mw > 0) return mw / 1000.0;
  return std::nullopt;
}

NvmlDevice::UpdatePeriods NvmlDevice::update_periods() const {
  static std::mutex mu;
  static std::map<void*, UpdatePeriods> measured;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = measured.find(handle_); it != measured.end()) return it->second;
  // Poll both every millisecond until each changed four times (the three periods update_period
  // needs; ~0.35 s at NVML's 0.1 s, before the first case), for 0.6 s at most.
  std::vector<CounterReading> joules, watts;
  const auto t0 = std::chrono::steady_clock::now();
  int energy_changes = 0, power_changes = 0;
  for (double t = 0; t < 0.6 && (energy_changes < 4 || power_changes < 4);) {
    t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (const auto mj = energy_mj()) {
      if (!joules.empty() && joules.back().value != *mj / 1e3) ++energy_changes;
      joules.push_back({t, *mj / 1e3});
    }
    if (const auto w = sample().power_w) {
      if (!watts.empty() && watts.back().value != *w) ++power_changes;
      watts.push_back({t, *w});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return measured[handle_] = UpdatePeriods{update_period(joules), update_period(watts)};
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
  if (const std::uint64_t bad = reasons & ~(kBenignThrottleReasons | kPowerCapReason))
    out.push_back(fmt::format("GPU throttled during the case: {}{}",
                              describe_throttle_reasons(bad), state));
  return out;
}

NvmlProbe::~NvmlProbe() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void NvmlProbe::start(WindowKind kind) {
  samples_.clear();
  joules_.clear();
  watts_.clear();
  stop_.store(false);
  read_energy_ = kind == WindowKind::sustained;
  t0_ = std::chrono::steady_clock::now();
  start_unix_s_ = unix_time_seconds();
  if (read_energy_)
    if (const auto mj = dev_.energy_mj()) joules_.push_back({0.0, *mj / 1e3});
  thread_ = std::thread([this] { poll(); });
}

double NvmlProbe::since_start() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

void NvmlProbe::poll() {
  // Every 5 ms (a burst window can be 20 ms long); every 2 ms beside the energy counter, whose
  // read takes ~3 ms: a counter change is then seen within ~5 ms of happening (under 2% of the
  // shortest span power is taken from, see kMinEnergySteps). Each reading is a driver round trip
  // on a host thread the GPU's work does not need.
  const auto interval = std::chrono::milliseconds(read_energy_ ? 2 : 5);
  while (!stop_.load()) {
    TelemetrySample s = dev_.sample();
    const std::optional<std::uint64_t> mj = read_energy_ ? dev_.energy_mj() : std::nullopt;
    const double t = since_start();
    {
      std::lock_guard<std::mutex> lock(mu_);
      samples_.push_back(s);
      if (mj) joules_.push_back({t, *mj / 1e3});
      if (s.power_w) watts_.push_back({t, *s.power_w});
    }
    std::this_thread::sleep_for(interval);
  }
}

double NvmlProbe::energy_span_seconds() const {
  return resolving_span_seconds(dev_.update_periods().energy_s);
}

bool NvmlProbe::energy_resolved() {
  std::lock_guard<std::mutex> lock(mu_);
  return counter_unresolved(joules_).empty();
}

double NvmlProbe::reading_period_seconds() const {
  return dev_.update_periods().power_s.value_or(0);
}

bool NvmlProbe::rested() {
  // Half the enforced limit: well below what a heavy GEMM draws, well above an idle card.
  constexpr double kRestedPowerFraction = 0.5;
  const TelemetrySample s = dev_.sample();
  const std::optional<double> limit = dev_.enforced_limit_w();
  const bool cool = !limit || !s.power_w || *s.power_w <= kRestedPowerFraction * *limit;
  // The instantaneous reading falls under half the limit ~0.09 s after a load ends; the power-cap
  // reason follows the 1 s average and clears ~0.6 s later. On an H200 a burst 0.1 s after a load
  // ran at full speed, but on an H100 bursts after that short a rest ran at 1650-1890 MHz and
  // 5-9% below torch.mm's after its 1 s rest: the cap must have let go too.
  const bool uncapped = !s.throttle_reasons || !(*s.throttle_reasons & kPowerCapReason);
  return cool && uncapped;
}

Telemetry NvmlProbe::stop(std::vector<std::string>& warnings) {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  const double wall = since_start();
  if (read_energy_)
    if (const auto mj = dev_.energy_mj()) joules_.push_back({wall, *mj / 1e3});
  std::vector<TelemetrySample> samples;
  {
    std::lock_guard<std::mutex> lock(mu_);
    samples.swap(samples_);
  }
  // The last reading, taken after the window's work finished, still shows its clock: a window
  // shorter than the polling interval has at least that.
  if (samples.empty()) samples.push_back(dev_.sample());
  Telemetry t = summarise_samples(samples, std::nullopt, wall);
  // Power only from the energy counter's own steps, checked (see power_from_counter); a board
  // without the counter keeps the mean of its power readings, checked against the limit.
  if (!read_energy_) {
    t.mean_power_w.reset();
    t.unavailable = fmt::format(
        "power and energy unknown: a burst window ({:.3f} s) is too short for the energy counter",
        wall);
  } else if (!joules_.empty()) {
    const WindowPower p = power_from_counter(joules_, watts_, dev_.enforced_limit_w());
    t.mean_power_w = p.mean_w;
    if (!p.mean_w) t.unavailable = "power and energy unknown: " + p.unknown;
  } else if (const auto limit = dev_.enforced_limit_w();
             t.mean_power_w && limit && *t.mean_power_w > *limit * (1 + kPowerTolerance)) {
    t.unavailable = fmt::format("power unknown: the readings' mean {:.0f} W is over the limit",
                                *t.mean_power_w);
    t.mean_power_w.reset();
  }
  t.source = !joules_.empty() ? "nvml (energy counter)" : "nvml (power readings)";
  t.window_start_unix_s = start_unix_s_;
  t.window_end_unix_s = unix_time_seconds();
  std::uint64_t reasons = 0;
  for (const TelemetrySample& s : samples)
    if (s.throttle_reasons) reasons |= *s.throttle_reasons;
  reasons &= ~kBenignThrottleReasons;
  for (std::uint64_t bit = 1; bit && bit <= reasons; bit <<= 1)
    if (reasons & bit) t.throttle_reasons.push_back(describe_throttle_reasons(bit));
  for (std::string& w : telemetry_warnings(samples)) warnings.push_back(std::move(w));
  return t;
}

}  // namespace gpubench::cuda
