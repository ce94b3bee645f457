#include "gpubench/core/input_file.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/platform/sysinfo.hpp"
#include "gpubench/platform/cpu_peak.hpp"
#include "gpubench/platform/host_energy.hpp"
#include "gpubench/platform/cpuinfo.hpp"

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

namespace {

// The SIMD set and the FMA units the table model assumes (2 where the set has vector FMA:
// measured, not assumed, once the FMA loop has run). SVE's width is the hardware's choice: part
// of the name, as machines differ by it.
void describe_simd(CpuInfo& c, const CpuinfoFacts& f) {
  c.simd = widest_simd(f);
  if (c.simd == "sve" || c.simd == "sve2")
    if (const int bits = sve_vector_bits(); bits > 0) c.simd += fmt::format(" {}-bit", bits);
  const bool vector_fma = c.simd == "avx512" || c.simd == "avx2" || c.simd == "neon" ||
                          c.simd.rfind("sve", 0) == 0;
  c.fma_units = vector_fma ? 2 : 0;
}

// The clock: cpufreq's maximum, else the larger of /proc/cpuinfo's MHz and a measured one.
void find_clock(CpuInfo& c, double cpuinfo_mhz) {
  const std::string maxfreq = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  if (!maxfreq.empty()) {
    c.clock_ghz = std::atof(maxfreq.c_str()) / 1e6;
    c.clock_source = "cpufreq max";
    return;
  }
  // /proc/cpuinfo's "cpu MHz" is often the base clock (or absent, on some VMs) while cores
  // turbo above it: take the larger of it and a measured clock, and say which one it was.
  const double measured = measure_core_clock_ghz();  // imul chain, platform/cpu_peak.hpp
  if (measured > cpuinfo_mhz / 1e3) {
    c.clock_ghz = measured;
    c.clock_source = "measured, single core";
  } else if (cpuinfo_mhz > 0) {
    c.clock_ghz = cpuinfo_mhz / 1e3;
    c.clock_source = "/proc/cpuinfo";
  }
}

}  // namespace

CpuInfo collect_cpu_info() {
  CpuInfo c;
  const CpuinfoFacts f = this_cpu();
  c.model = f.model;
  c.logical_cpus = f.logical_cpus > 0 ? f.logical_cpus : int(sysconf(_SC_NPROCESSORS_ONLN));
  c.physical_cores = f.physical_cores > 0 ? f.physical_cores : c.logical_cpus;
  // The process may be limited to fewer CPUs (containers, taskset): count only those.
  c.physical_cores = std::min(c.physical_cores, default_cpu_threads());
  describe_simd(c, f);
  // An emulated CPU's clock is the host's, seen through a translator: not this CPU's.
  if (!running_emulated().empty()) c.clock_source = kNotMeasuredEmulated;
  else find_clock(c, f.mhz);
  return c;
}

void estimate_cpu_peak(CpuInfo& c) {
  const int lanes32 = simd_vector_bits(c.simd) / 32;
  if (!running_emulated().empty()) {
    c.peak_note = kNotMeasuredEmulated;
    return;
  }
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
    // Under emulation the loop would time the translator, not the CPU: the peak stays
    // "not measured (emulated CPU)".
    if (running_emulated().empty()) use_measured_peak(f.cpu, measure_cpu_peak(f.default_threads));
    const HostEnergyFacts& energy = host_energy_facts();
    f.cpu.power_limit_w = energy.power_limit_w;
    f.cpu.energy_counter_period_s = energy.energy_counter_period_s;
    return f;
  }();
  return facts;
}

}  // namespace gpubench
