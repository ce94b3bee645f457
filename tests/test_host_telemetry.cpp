// The host's side of telemetry and cold caches, on fake sysfs trees: the last-level cache size
// (one count per physical cache) and the powercap energy probe (packages summed, wrap-around,
// unreadable counters reported with the reason).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "gpubench/core/telemetry.hpp"
#include "gpubench/platform/host_cache.hpp"
#include "gpubench/platform/host_energy.hpp"

using namespace gpubench;
namespace fs = std::filesystem;

namespace {

struct TempTree {
  fs::path root;
  explicit TempTree(const std::string& name)
      : root(fs::temp_directory_path() / (name + std::to_string(::getpid()))) {
    fs::remove_all(root);
  }
  ~TempTree() { fs::remove_all(root); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << text << "\n";
  }
};

void cache(const TempTree& t, int cpu, int index, int level, const std::string& type,
           const std::string& size, const std::string& shared, const std::string& id) {
  const std::string d = "cpu" + std::to_string(cpu) + "/cache/index" + std::to_string(index) + "/";
  t.write(d + "level", std::to_string(level));
  t.write(d + "type", type);
  t.write(d + "size", size);
  t.write(d + "shared_cpu_list", shared);
  if (!id.empty()) t.write(d + "id", id);
}

}  // namespace

TEST(HostCache, CountsEachPhysicalLastLevelCacheOnce) {
  TempTree t("gpubench_cpus_");
  // Two CCDs of two cores, 32 MiB of L3 each (an EPYC in miniature), private L2s.
  for (int cpu = 0; cpu < 4; ++cpu) {
    cache(t, cpu, 0, 1, "Instruction", "32K", std::to_string(cpu), "");
    cache(t, cpu, 2, 2, "Unified", "1024K", std::to_string(cpu), std::to_string(cpu));
    cache(t, cpu, 3, 3, "Unified", "32768K", cpu < 2 ? "0-1" : "2-3", cpu < 2 ? "0" : "1");
  }
  EXPECT_EQ(host_last_level_cache_bytes(t.root.string()), std::size_t(64) << 20);
}

TEST(HostCache, AVmListingOneL3PerVcpuWithOneIdCountsItOnce) {
  TempTree t("gpubench_vm_cpus_");
  for (int cpu = 0; cpu < 16; ++cpu)
    cache(t, cpu, 3, 3, "Unified", "32M", std::to_string(cpu), "0");
  EXPECT_EQ(host_last_level_cache_bytes(t.root.string()), std::size_t(32) << 20);
}

TEST(HostCache, AVmListingOneL3PerVcpuWithOwnIdsCountsOne) {
  TempTree t("gpubench_vm2_cpus_");
  for (int cpu = 0; cpu < 16; ++cpu)
    cache(t, cpu, 3, 3, "Unified", "30M", std::to_string(cpu), std::to_string(cpu));
  EXPECT_EQ(host_last_level_cache_bytes(t.root.string()), std::size_t(30) << 20);
}

TEST(HostCache, NoSysfsMeansUnknown) {
  EXPECT_EQ(host_last_level_cache_bytes("/nonexistent/gpubench"), 0u);
}

TEST(HostCache, EvictorCoversTwiceTheCacheAndRuns) {
  HostCacheEvictor e(std::size_t(16) << 20, 2);
  EXPECT_EQ(e.bytes(), std::size_t(32) << 20);
  e.evict();
  e.evict();
  HostCacheEvictor unknown(0, 1);  // cache size unknown: still a buffer that evicts something
  EXPECT_GE(unknown.bytes(), std::size_t(8) << 20);
}

namespace {

// Two packages, each with its counter and power limits, and a core subzone already inside
// package-0 (not to be counted twice).
void two_packages(const TempTree& t) {
  t.write("intel-rapl:0/name", "package-0");
  t.write("intel-rapl:0/energy_uj", "1000000");
  t.write("intel-rapl:0/max_energy_range_uj", "262143328850");
  t.write("intel-rapl:0/constraint_0_power_limit_uw", "125000000");  // long term
  t.write("intel-rapl:0/constraint_1_power_limit_uw", "150000000");  // short term: the most
  t.write("intel-rapl:1/name", "package-1");
  t.write("intel-rapl:1/energy_uj", "262143000000");  // about to wrap
  t.write("intel-rapl:1/max_energy_range_uj", "262143328850");
  t.write("intel-rapl:1/constraint_0_power_limit_uw", "100000000");
  t.write("intel-rapl:0:0/name", "core");
  t.write("intel-rapl:0:0/energy_uj", "999999999");
}

}  // namespace

TEST(HostEnergy, SumsPackagesHandlesWrapAroundAndReadsTheLimit) {
  TempTree t("gpubench_powercap_");
  two_packages(t);
  PackageCounters counters(t.root.string());
  EXPECT_TRUE(counters.unavailable().empty()) << counters.unavailable();
  EXPECT_EQ(counters.packages(), 2u);
  ASSERT_TRUE(counters.power_limit_w());
  EXPECT_DOUBLE_EQ(*counters.power_limit_w(), 150.0 + 100.0);
  EXPECT_EQ(counters.read(), 0.0);
  t.write("intel-rapl:0/energy_uj", "11000000");  // +10 J
  t.write("intel-rapl:1/energy_uj", "9671150");   // wrapped: +10 J
  ASSERT_TRUE(counters.read());
  EXPECT_NEAR(*counters.read(), 20.0, 1e-9);
  // A package without a limit: the packages' limit is not known.
  t.write("intel-rapl:2/name", "package-2");
  t.write("intel-rapl:2/energy_uj", "5");
  EXPECT_FALSE(PackageCounters(t.root.string()).power_limit_w());
}

TEST(HostEnergy, AWindowWithoutCounterStepsIsUnknownWithTheReason) {
  TempTree t("gpubench_powercap_still_");
  two_packages(t);
  // A counter that never changes: no period measured, nothing gained by waiting for it.
  const HostEnergyFacts& facts = host_energy_facts(t.root.string());
  EXPECT_FALSE(facts.energy_counter_period_s);
  ASSERT_TRUE(facts.power_limit_w);
  EXPECT_DOUBLE_EQ(*facts.power_limit_w, 250.0);
  auto probe = make_host_energy_probe(t.root.string());
  EXPECT_EQ(probe->energy_span_seconds(), 0.0);
  probe->start(WindowKind::sustained);
  std::vector<std::string> warnings;
  const Telemetry tel = probe->stop(warnings);
  EXPECT_EQ(tel.source, "powercap (2 packages)");
  EXPECT_FALSE(tel.mean_power_w);
  EXPECT_NE(tel.unavailable.find("CPU power and energy unknown: the window spans 0 energy-counter "
                                 "steps"),
            std::string::npos)
      << tel.unavailable;
}

TEST(HostEnergy, SaysWhyWhenThereIsNoPowercap) {
  auto probe = make_host_energy_probe("/nonexistent/powercap");
  probe->start(WindowKind::sustained);
  std::vector<std::string> warnings;
  const Telemetry tel = probe->stop(warnings);
  EXPECT_FALSE(tel.mean_power_w.has_value());
  EXPECT_NE(tel.unavailable.find("CPU energy: no /nonexistent/powercap"), std::string::npos)
      << tel.unavailable;
}

TEST(Telemetry, SummaryAndDerivedEnergy) {
  std::vector<TelemetrySample> s(3);
  s[0].sm_clock_mhz = 1980, s[1].sm_clock_mhz = 1500, s[2].sm_clock_mhz = 1620;
  s[0].power_w = 600, s[1].power_w = 700;
  s[0].temperature_c = 50, s[2].temperature_c = 63;
  Telemetry t = summarise_samples(s, std::nullopt, 2.0);
  EXPECT_EQ(t.samples, 3);
  EXPECT_DOUBLE_EQ(*t.mean_sm_clock_mhz, 1700);
  EXPECT_DOUBLE_EQ(*t.min_sm_clock_mhz, 1500);
  EXPECT_DOUBLE_EQ(*t.mean_power_w, 650);  // the mean of the readings
  EXPECT_DOUBLE_EQ(*t.peak_temperature_c, 63);
  // An energy counter, when there is one, gives the window's mean power directly.
  t = summarise_samples(s, 1400.0, 2.0);
  EXPECT_DOUBLE_EQ(*t.mean_power_w, 700);
  derive_energy(t, 0.001, 700000);  // 700 TFLOPS at 700 W, 1 ms per multiplication
  EXPECT_DOUBLE_EQ(*t.gflops_per_watt, 1000);
  EXPECT_DOUBLE_EQ(*t.energy_per_mult_j, 0.7);
  Telemetry none;
  derive_energy(none, 0.001, 1000);
  EXPECT_FALSE(none.gflops_per_watt.has_value());
}

namespace {

// A fake energy counter polled every `poll` seconds (5 ms by default): it steps every `period`
// seconds by what a card drawing `watts` used since its last step (as NVML's does, ~100 ms on an
// H100), and power readings that report `reading_w` at every poll.
struct FakeCounter {
  std::vector<CounterReading> joules, watts;
  FakeCounter(double seconds, double period, double watts_drawn, double reading_w,
              double phase = 0.0, double poll = 0.005) {
    double counter = 1000.0;  // joules since the driver loaded
    double next_step = phase;
    for (double t = 0; t <= seconds + 1e-9; t += poll) {
      while (t >= next_step) {
        counter = 1000.0 + watts_drawn * next_step;
        next_step += period;
      }
      joules.push_back({t, counter});
      watts.push_back({t, reading_w});
    }
  }
};

}  // namespace

TEST(EnergyCounter, ShortWindowsAreUnknownNotInflated) {
  // 0.15 s at 700 W with a 100 ms counter: a naive end-minus-start can read 2 steps (933 W).
  const FakeCounter c(0.15, 0.1, 700, 700, 0.02);
  const WindowPower p = power_from_counter(c.joules, c.watts, 700.0);
  EXPECT_FALSE(p.mean_w);
  EXPECT_LT(p.steps, kMinEnergySteps);
  EXPECT_NE(p.unknown.find("energy-counter step"), std::string::npos) << p.unknown;
}

TEST(EnergyCounter, TheShortestResolvedWindowIsWithinThePollingGrain) {
  // Just over kMinEnergySteps + 1 counter periods: resolved, and within one 5 ms grain of the
  // 0.3 s span (1.7%) at any phase.
  for (const double phase : {0.0, 0.013, 0.061, 0.099}) {
    const FakeCounter c((kMinEnergySteps + 1) * 0.1 + 0.01, 0.1, 650, 650, phase);
    const WindowPower p = power_from_counter(c.joules, c.watts, 700.0);
    ASSERT_TRUE(p.mean_w) << p.unknown << " phase " << phase;
    EXPECT_EQ(p.steps, kMinEnergySteps) << "phase " << phase;
    EXPECT_NEAR(p.grain_seconds, 0.005, 1e-9);
    EXPECT_NEAR(*p.mean_w, 650.0, 650.0 * 0.017) << "phase " << phase;
  }
}

TEST(EnergyCounter, AGrainTooCoarseForTheSpanIsUnknown) {
  // Polled every 12 ms, three 100 ms steps (a 0.3 s span) could be off by 4%: unknown, with why;
  // two steps more (0.5 s, 2.4%) resolve it.
  const FakeCounter coarse(0.41, 0.1, 650, 650, 0.0, 0.012);
  const WindowPower p = power_from_counter(coarse.joules, coarse.watts, 700.0);
  EXPECT_FALSE(p.mean_w);
  EXPECT_NE(p.unknown.find("too short for its 12.0 ms polling grain"), std::string::npos)
      << p.unknown;
  EXPECT_EQ(counter_unresolved(coarse.joules), p.unknown);
  const FakeCounter longer(0.61, 0.1, 650, 650, 0.0, 0.012);
  EXPECT_EQ(counter_unresolved(longer.joules), "");
  EXPECT_TRUE(power_from_counter(longer.joules, longer.watts, 700.0).mean_w);
}

TEST(EnergyCounter, LongWindowsAreExactFromChangeToChange) {
  for (const double phase : {0.0, 0.013, 0.061, 0.099}) {
    const FakeCounter c(1.3, 0.1, 690, 690, phase);
    const WindowPower p = power_from_counter(c.joules, c.watts, 700.0);
    ASSERT_TRUE(p.mean_w) << p.unknown;
    EXPECT_GE(p.steps, kMinEnergySteps);
    // Exact but for the 5 ms polling grain over a span of about a second.
    EXPECT_NEAR(*p.mean_w, 690.0, 690.0 * 0.01) << "phase " << phase;
  }
}

TEST(EnergyCounter, PowerOverTheLimitOrAgainstTheReadingsIsUnknown) {
  const FakeCounter over(1.3, 0.1, 800, 800);
  const WindowPower a = power_from_counter(over.joules, over.watts, 700.0);
  EXPECT_FALSE(a.mean_w);
  EXPECT_NE(a.unknown.find("over the enforced limit of 700 W"), std::string::npos) << a.unknown;
  // Within 5% of the limit is believed (the limit is enforced on an average).
  EXPECT_TRUE(power_from_counter(FakeCounter(1.3, 0.1, 720, 720).joules,
                                 FakeCounter(1.3, 0.1, 720, 720).watts, 700.0)
                  .mean_w);
  const FakeCounter disagree(1.3, 0.1, 600, 400);
  const WindowPower b = power_from_counter(disagree.joules, disagree.watts, 700.0);
  EXPECT_FALSE(b.mean_w);
  EXPECT_NE(b.unknown.find("disagrees with the power readings"), std::string::npos) << b.unknown;
  // No limit known and no readings: the counter alone decides.
  EXPECT_TRUE(power_from_counter(disagree.joules, {}, std::nullopt).mean_w);
}

// The CPU's RAPL counter (a step about every millisecond, polled every 5 ms) under the GPU's rule:
// power only from windows spanning kMinEnergySteps steps, within the packages' limit + 5%.
TEST(EnergyCounter, RaplWindowsFollowTheSameRule) {
  const FakeCounter blink(0.015, 0.001, 65, 65);  // three polls: too few steps to trust
  const WindowPower short_window = power_from_counter(blink.joules, {}, 150.0);
  EXPECT_FALSE(short_window.mean_w);
  EXPECT_NE(short_window.unknown.find("energy-counter step"), std::string::npos);
  for (const double phase : {0.0, 0.0004, 0.0009}) {
    const FakeCounter c(0.3, 0.001, 65, 65, phase);
    const WindowPower p = power_from_counter(c.joules, {}, 150.0);
    ASSERT_TRUE(p.mean_w) << p.unknown;
    EXPECT_NEAR(*p.mean_w, 65.0, 65.0 * 0.01) << "phase " << phase;
  }
  const FakeCounter over(0.3, 0.001, 170, 170);  // over 150 W + 5%: a counter misread
  const WindowPower p = power_from_counter(over.joules, {}, 150.0);
  EXPECT_FALSE(p.mean_w);
  EXPECT_NE(p.unknown.find("over the enforced limit of 150 W"), std::string::npos) << p.unknown;
  EXPECT_DOUBLE_EQ(resolving_span_seconds(0.001), (kMinEnergySteps + 2) * 0.001);
  EXPECT_EQ(resolving_span_seconds(std::nullopt), 0.0);
}

TEST(EnergyCounter, UpdatePeriodIsTheMedianTimeBetweenChanges) {
  const FakeCounter c(0.6, 0.1, 300, 300, 0.03);
  const auto period = update_period(c.joules);
  ASSERT_TRUE(period);
  EXPECT_NEAR(*period, 0.1, 0.006);
  EXPECT_FALSE(update_period(FakeCounter(0.6, 0.1, 300, 300).watts)) << "a constant never changes";
}

TEST(ClockNormalised, FlopPerCyclePerSmOrPerCore) {
  SystemInfo s;
  s.gpus.resize(2);
  s.gpus[1].index = 1;
  s.gpus[1].sms = 132;
  s.cpu.physical_cores = 16;
  s.cpu.clock_ghz = 2.0;
  Record gpu;
  gpu.device_kind = DeviceKind::gpu;
  gpu.device_index = 1;
  gpu.main.gflops = 132 * 4096 * 1.5;  // 4096 FLOP per cycle per SM at 1500 MHz
  EXPECT_FALSE(flop_per_cycle(gpu, gpu.main, s)) << "no clock read: unknown";
  gpu.main.telemetry.mean_sm_clock_mhz = 1500;
  ASSERT_TRUE(flop_per_cycle(gpu, gpu.main, s));
  EXPECT_NEAR(*flop_per_cycle(gpu, gpu.main, s), 4096, 1e-6);

  Record cpu;
  cpu.threads = 32;  // more threads than cores: per core of the 16
  cpu.main.gflops = 16 * 64 * 2.0;
  EXPECT_NEAR(*flop_per_cycle(cpu, cpu.main, s), 64, 1e-9);
  cpu.threads = 4;
  cpu.main.gflops = 4 * 32 * 2.0;
  EXPECT_NEAR(*flop_per_cycle(cpu, cpu.main, s), 32, 1e-9);
  s.cpu.clock_ghz = 0;
  EXPECT_FALSE(flop_per_cycle(cpu, cpu.main, s));
}
