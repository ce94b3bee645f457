#include "gpubench/core/input_file.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/platform/sysinfo.hpp"
#include "gpubench/platform/cpu_peak.hpp"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace gpubench {

std::string gpubench_version() { return GPUBENCH_VERSION; }

namespace {



std::string os_name() {
  std::ifstream f("/etc/os-release");
  std::string line, pretty;
  while (std::getline(f, line))
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      pretty = line.substr(12);
      pretty.erase(std::remove(pretty.begin(), pretty.end(), '"'), pretty.end());
    }
  utsname u{};
  if (uname(&u) == 0) pretty += fmt::format("{}Linux {} {}", pretty.empty() ? "" : ", ", u.release, u.machine);
  return pretty;
}


}  // namespace

CpuInfo collect_cpu_info() {
  CpuInfo c;
  std::ifstream f("/proc/cpuinfo");
  std::string line, flags;
  std::set<std::pair<std::string, std::string>> cores;  // (physical id, core id)
  std::string phys = "0";
  double mhz = 0;
  while (std::getline(f, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key(trim(std::string_view(line).substr(0, colon)));
    const std::string val(trim(std::string_view(line).substr(colon + 1)));
    if (key == "processor") ++c.logical_cpus;
    else if (key == "model name" && c.model.empty()) c.model = val;
    else if (key == "flags" && flags.empty()) flags = " " + val + " ";
    else if (key == "Features" && flags.empty()) flags = " " + val + " ";  // aarch64
    else if (key == "physical id") phys = val;
    else if (key == "core id") cores.insert({phys, val});
    else if (key == "cpu MHz" && mhz == 0) mhz = std::atof(val.c_str());
  }
  if (c.logical_cpus == 0) c.logical_cpus = int(sysconf(_SC_NPROCESSORS_ONLN));
  c.physical_cores = cores.empty() ? c.logical_cpus : int(cores.size());
  // The process may be limited to fewer CPUs (containers, taskset): count only those.
  c.physical_cores = std::min(c.physical_cores, default_cpu_threads());
  auto has = [&](const char* flag) { return flags.find(std::string(" ") + flag + " ") != std::string::npos; };
  if (has("avx512f")) c.simd = "avx512", c.fma_units = 2;
  else if (has("avx2") && has("fma")) c.simd = "avx2", c.fma_units = 2;
  else if (has("avx")) c.simd = "avx", c.fma_units = 0;
  else if (has("sse4_2")) c.simd = "sse4.2", c.fma_units = 0;
  else if (has("asimd")) c.simd = "neon", c.fma_units = 2;
  else c.simd = "unknown";

  const std::string maxfreq = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  if (!maxfreq.empty()) {
    c.clock_ghz = std::atof(maxfreq.c_str()) / 1e6;
    c.clock_source = "cpufreq max";
  } else {
    // /proc/cpuinfo's "cpu MHz" is often the base clock (or absent, on some VMs) while cores
    // turbo above it: take the larger of it and a measured clock, and say which one it was.
    const double measured = measure_core_clock_ghz();  // imul chain, platform/cpu_peak.hpp
    if (measured > mhz / 1e3) {
      c.clock_ghz = measured;
      c.clock_source = "measured, single core";
    } else if (mhz > 0) {
      c.clock_ghz = mhz / 1e3;
      c.clock_source = "/proc/cpuinfo";
    }
  }
  return c;
}

void estimate_cpu_peak(CpuInfo& c) {
  int lanes32 = 0;
  if (c.simd == "avx512") lanes32 = 16;
  else if (c.simd == "avx2") lanes32 = 8;
  else if (c.simd == "neon") lanes32 = 4;
  if (lanes32 == 0 || c.fma_units == 0 || c.clock_ghz <= 0) {
    c.peak_note = "unknown (no FMA SIMD or no clock)";
    return;
  }
  const double fp32 = c.physical_cores * lanes32 * 2.0 * c.fma_units * c.clock_ghz;
  c.peak_gflops_fp32 = fp32;
  c.peak_gflops_fp64 = fp32 / 2;
  c.peak_note = fmt::format("est.: {} cores x {} fp32 lanes ({}) x 2 (FMA) x {} FMA units x {:.2f} GHz ({})",
                            c.physical_cores, lanes32, c.simd, c.fma_units, c.clock_ghz,
                            c.clock_source);
}

std::size_t available_host_memory() {
  std::ifstream f("/proc/meminfo");
  std::string key;
  std::size_t kb = 0;
  std::string unit;
  while (f >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}

int default_cpu_threads() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void use_measured_peak(CpuInfo& c, const CpuPeakMeasurement& m) {
  if (m.all_gflops_fp32 <= 0) return;  // keep the model
  c.model_peak_gflops_fp32 = c.peak_gflops_fp32;
  c.measured_peak = CpuInfo::MeasuredPeak{m.isa,
                                          m.clock_ghz,
                                          m.core_gflops_fp32,
                                          m.core_gflops_fp64,
                                          m.flop_per_cycle_fp32,
                                          m.flop_per_cycle_fp64,
                                          m.threads,
                                          m.all_gflops_fp32,
                                          m.all_gflops_fp64};
  c.peak_gflops_fp32 = m.all_gflops_fp32;
  c.peak_gflops_fp64 = m.all_gflops_fp64;
  const std::string per_cycle =
      m.flop_per_cycle_fp32 > 0
          ? fmt::format(", {:.1f} fp32 FLOP/cycle/core at {:.2f} GHz", m.flop_per_cycle_fp32,
                        m.clock_ghz)
          : "";
  const std::string model =
      c.model_peak_gflops_fp32 ? fmt::format("; the table model says {:.0f}", *c.model_peak_gflops_fp32)
                               : "";
  c.peak_note = fmt::format("measured: {} threads running an {} FMA loop{}{}", m.threads, m.isa,
                            per_cycle, model);
}

const HostFacts& host_facts() {
  static const HostFacts facts = [] {
    HostFacts f;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    f.hostname = host;
    f.os = os_name();
    f.cpu = collect_cpu_info();
    estimate_cpu_peak(f.cpu);
    f.default_threads = default_cpu_threads();
    use_measured_peak(f.cpu, measure_cpu_peak(f.default_threads));
    return f;
  }();
  return facts;
}

}  // namespace gpubench
