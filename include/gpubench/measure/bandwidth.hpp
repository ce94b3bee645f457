// Memory bandwidth: host STREAM-style kernels with every core, host<->device copies over pinned
// and pageable memory, device-to-device copies. Measured here, printed by the reporters.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

struct BandwidthOptions {
  int threads = 0;                   // host threads; 0 = every CPU this process may use
  std::size_t host_array_bytes = 0;  // bytes of each STREAM array; 0 = default_stream_array_bytes
  std::size_t transfer_bytes = std::size_t(256) << 20;  // per host<->device copy
  std::size_t device_copy_bytes = std::size_t(1) << 30;  // per device-to-device copy
  double min_time = 0.2;  // seconds of timed repetitions per test, at least
  int min_reps = 5;
  int max_reps = 100000;  // a bound; a small array reaches --min-time long before it
  int device = 0;
  // Set (Ctrl-C, SIGTERM): no further repetition starts and no further test; what was timed
  // stays.
  const std::atomic<bool>* stop = nullptr;
};

// Four times the last-level cache (STREAM's rule, so the arrays do not fit in it), at least
// 64 MiB and at most 1 GiB, and at most an eighth of the free host memory.
std::size_t default_stream_array_bytes();

// STREAM copy (c = a, 16 bytes per element counted) and triad (a = b + s*c, 24 bytes) on arrays
// of doubles, every thread working on its own first-touched slice. Results are checked.
std::vector<BandwidthRecord> measure_host_bandwidth(const BandwidthOptions& o);

// One STREAM triad figure for the roofline note of a matmul run (short: a few repetitions).
// nullopt when it could not be measured; `note` says how it was measured.
std::optional<double> quick_host_triad_gbs(int threads, std::string& note);

// The GPU rows of `gpubench bandwidth`: H2D and D2H over pinned and pageable host memory, then a
// device-to-device copy, timed by the GPU provider's copy service (backends/device_copy.hpp) and
// turned into GB/s against the known peaks (HBM from the memory clock and bus width, PCIe from
// the link's speed and width), or skipped rows with the reason when `s` has no usable GPU.
std::vector<BandwidthRecord> measure_gpu_bandwidth(const BandwidthOptions& o,
                                                   const SystemInfo& s);

// Statistics, GB/s and % of peak for a record from its per-repetition seconds.
void finish_bandwidth_record(BandwidthRecord& r, const std::vector<double>& seconds);

// One direction of a PCIe link in GB/s from sysfs strings ("32.0 GT/s PCIe", "16"): transfer
// rate x lanes x encoding efficiency (8b/10b up to 5 GT/s, 128b/130b above) / 8 bits.
std::optional<double> pcie_peak_gbs(const std::string& link_speed, const std::string& link_width);
// The same for a PCI device ("0000:19:00.0") read from sysfs: the lesser of its and its upstream
// port's maximum link; `note` says which link it is.
std::optional<double> pcie_link_peak_gbs(const std::string& pci_bus_id, std::string& note,
                                         const std::string& sysfs_devices = "/sys/bus/pci/devices");

}  // namespace gpubench
