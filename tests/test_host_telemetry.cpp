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

TEST(HostEnergy, SumsPackagesAndHandlesWrapAround) {
  TempTree t("gpubench_powercap_");
  t.write("intel-rapl:0/name", "package-0");
  t.write("intel-rapl:0/energy_uj", "1000000");
  t.write("intel-rapl:0/max_energy_range_uj", "262143328850");
  t.write("intel-rapl:1/name", "package-1");
  t.write("intel-rapl:1/energy_uj", "262143000000");  // about to wrap
  t.write("intel-rapl:1/max_energy_range_uj", "262143328850");
  t.write("intel-rapl:0:0/name", "core");  // a subzone: already inside package-0
  t.write("intel-rapl:0:0/energy_uj", "999999999");
  auto probe = make_host_energy_probe(t.root.string());
  probe->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  t.write("intel-rapl:0/energy_uj", "11000000");  // +10 J
  t.write("intel-rapl:1/energy_uj", "9671150");   // wrapped: +10 J
  std::vector<std::string> warnings;
  const Telemetry tel = probe->stop(warnings);
  EXPECT_EQ(tel.source, "powercap (2 packages)");
  EXPECT_TRUE(tel.unavailable.empty()) << tel.unavailable;
  ASSERT_TRUE(tel.mean_power_w.has_value());
  // 20 J over a little more than 0.1 s.
  EXPECT_GT(*tel.mean_power_w, 20 / 0.5);
  EXPECT_LT(*tel.mean_power_w, 20 / 0.1 + 1e-9);
}

TEST(HostEnergy, SaysWhyWhenThereIsNoPowercap) {
  auto probe = make_host_energy_probe("/nonexistent/powercap");
  probe->start();
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
