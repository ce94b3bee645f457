// What every bandwidth test shares: statistics into GB/s, the known peaks (HBM, PCIe), and the
// GPU rows of `gpubench bandwidth` assembled from the CUDA timings.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "gpubench/core/input_file.hpp"
#include "gpubench/measure/bandwidth.hpp"

#include "gpubench/backends/device_copy.hpp"

namespace gpubench {

namespace {


// GB/s of HBM/GDDR: memory clock x bus width x 2 (double data rate) / 8 bits.
std::optional<double> memory_peak_gbs(const GpuInfo& g, std::string& note) {
  if (g.peak_bandwidth_gbs) {
    note = "device memory peak";
    return g.peak_bandwidth_gbs;
  }
  if (g.memory_clock_mhz <= 0 || g.memory_bus_width_bits <= 0) return std::nullopt;
  note = fmt::format("{:.0f} MHz x {} bits x 2 / 8", g.memory_clock_mhz, g.memory_bus_width_bits);
  return g.memory_clock_mhz * 1e6 * g.memory_bus_width_bits * 2 / 8 / 1e9;
}

// One GPU copy test of `gpubench bandwidth`: its row, timed by the provider's copy service.
struct GpuCopyTest {
  const char* test;
  const char* host_memory;  // "" device to device
  CopyDirection direction;
};

// H2D and D2H over pinned, then pageable memory, then the device-to-device copy: the rows of a
// machine with the GPU and, skipped, of one without.
constexpr GpuCopyTest kGpuCopyTests[] = {
    {"H2D", "pinned", CopyDirection::host_to_device},
    {"D2H", "pinned", CopyDirection::device_to_host},
    {"H2D", "pageable", CopyDirection::host_to_device},
    {"D2H", "pageable", CopyDirection::device_to_host},
    {"D2D copy", "", CopyDirection::device_to_device},
};

}  // namespace

void finish_bandwidth_record(BandwidthRecord& r, const std::vector<double>& seconds) {
  r.seconds = compute_stats(seconds);
  r.iterations = int(seconds.size());
  r.gbs = r.seconds.median > 0 ? double(r.bytes) / r.seconds.median / 1e9 : 0;
  if (r.peak_gbs && *r.peak_gbs > 0 && r.gbs > 0) r.pct_of_peak = 100 * r.gbs / *r.peak_gbs;
}

std::optional<double> pcie_peak_gbs(const std::string& link_speed, const std::string& link_width) {
  static const std::regex speed_re(R"(^\s*([0-9]+(\.[0-9]+)?)\s*GT/s)");
  std::smatch m;
  if (!std::regex_search(link_speed, m, speed_re)) return std::nullopt;
  const double gts = std::stod(m[1]);
  int lanes = 0;
  try {
    lanes = std::stoi(link_width);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (gts <= 0 || lanes <= 0) return std::nullopt;
  const double encoding = gts <= 5.0 ? 8.0 / 10.0 : 128.0 / 130.0;
  return gts * lanes * encoding / 8.0;
}

std::optional<double> pcie_link_peak_gbs(const std::string& pci_bus_id, std::string& note,
                                         const std::string& sysfs_devices) {
  std::string id = pci_bus_id;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  // sysfs names the domain with 4 hex digits; CUDA and nvidia-smi may print 8 ("00000000:19:...").
  if (const auto colon = id.find(':'); colon == 8 && id.compare(0, 4, "0000") == 0) id.erase(0, 4);
  if (id.empty()) return std::nullopt;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dev = fs::canonical(fs::path(sysfs_devices) / id, ec);
  if (ec) return std::nullopt;
  // The most the link can train to: the lesser of the card's and its upstream port's maxima (the
  // current speed is no guide: GPUs drop to a slow link while idle).
  auto peak = pcie_peak_gbs(read_first_line(dev / "max_link_speed"), read_first_line(dev / "max_link_width"));
  if (!peak) return std::nullopt;
  note = fmt::format("PCIe {} x{} per direction", read_first_line(dev / "max_link_speed"),
                     read_first_line(dev / "max_link_width"));
  const fs::path port = dev.parent_path();
  if (auto up = pcie_peak_gbs(read_first_line(port / "max_link_speed"),
                              read_first_line(port / "max_link_width"));
      up && *up < *peak) {
    peak = up;
    note = fmt::format("PCIe {} x{} per direction (limited by the upstream port {})",
                       read_first_line(port / "max_link_speed"), read_first_line(port / "max_link_width"),
                       port.filename().string());
  }
  return peak;
}

std::vector<BandwidthRecord> measure_gpu_bandwidth(const BandwidthOptions& o, const SystemInfo& s) {
  const GpuInfo* gpu = nullptr;
  for (const GpuInfo& g : s.gpus)
    if (g.index == o.device) gpu = &g;
  // Each row before it is timed; without the GPU, skipped with the reason (no bytes moved).
  auto row = [&o](const GpuCopyTest& test) {
    BandwidthRecord r;
    r.test = test.test;
    r.host_memory = test.host_memory;
    r.device_kind = DeviceKind::gpu;
    r.device_index = o.device;
    return r;
  };
  std::vector<BandwidthRecord> rows;
  if (!gpu) {
    const std::string why = s.gpus.empty()
                                ? s.gpu_status()
                                : fmt::format("no GPU with ordinal {} ({} found)", o.device,
                                              s.gpus.size());
    for (const GpuCopyTest& test : kGpuCopyTests) {
      BandwidthRecord r = row(test);
      r.status = Status::skipped;
      r.reason = why;
      rows.push_back(r);
    }
    return rows;
  }
  std::string pcie_note, hbm_note;
  const auto pcie = pcie_link_peak_gbs(gpu->pci_bus_id, pcie_note);
  const auto hbm = memory_peak_gbs(*gpu, hbm_note);
  for (const GpuCopyTest& test : kGpuCopyTests) {
    if (o.stop && o.stop->load()) break;
    const bool d2d = test.direction == CopyDirection::device_to_device;
    CopyRequest request;
    request.device = o.device;
    request.direction = test.direction;
    request.bytes = d2d ? o.device_copy_bytes : o.transfer_bytes;
    request.pinned = std::string_view(test.host_memory) != "pageable";
    request.min_time = o.min_time;
    request.min_reps = o.min_reps;
    request.max_reps = o.max_reps;
    request.stop = o.stop;
    const CopyTiming t = time_device_copy(request);
    BandwidthRecord r = row(test);
    // Each device-to-device byte is read once and written once: counted twice, as STREAM's copy.
    r.bytes = d2d ? 2 * std::uint64_t(o.device_copy_bytes) : o.transfer_bytes;
    r.status = t.status;
    r.reason = t.reason;
    r.device_name = gpu->name;
    if (d2d) {
      r.peak_gbs = hbm;
      r.peak_note = hbm ? hbm_note : "device memory peak unknown";
    } else {
      r.peak_gbs = pcie;
      r.peak_note = pcie ? pcie_note : "PCIe link unknown (sysfs not readable)";
    }
    if (r.ok()) finish_bandwidth_record(r, t.seconds);
    rows.push_back(r);
  }
  return rows;
}

}  // namespace gpubench
