// Reporters of `gpubench bandwidth`: pure functions of Results::bandwidth.
#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "gpubench/core/format_util.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

std::string device_label(const BandwidthRecord& b) {
  return b.device_kind == DeviceKind::cpu ? "CPU" : fmt::format("GPU {}", b.device_index);
}

std::string bytes_label(std::uint64_t bytes) {
  if (bytes == 0) return "-";
  if (bytes >= (1ull << 30)) return fmt::format("{:.1f} GiB", double(bytes) / (1ull << 30));
  return fmt::format("{:.0f} MiB", double(bytes) / (1ull << 20));
}

std::string gbs_label(const BandwidthRecord& b) {
  return b.ok() && b.gbs > 0 ? fmt::format("{:.1f}", b.gbs) : "-";
}

std::string pct_label(const BandwidthRecord& b) {
  return b.ok() && b.pct_of_peak ? fmt::format("{:.0f}%", *b.pct_of_peak) : "-";
}

std::string status_label(const BandwidthRecord& b) { return status_text(b.status, b.reason); }

// "peak of CPU host copy, CPU host triad: NOTE": one line per distinct note.
std::vector<std::string> peak_notes(const Results& r) {
  std::vector<std::pair<std::string, std::string>> notes;  // note, the tests it applies to
  for (const BandwidthRecord& b : r.bandwidth) {
    if (b.peak_note.empty() || !b.ok()) continue;
    const std::string test = fmt::format("{} {}{}", device_label(b), b.test,
                                         b.host_memory.empty() ? "" : " " + b.host_memory);
    auto it = std::find_if(notes.begin(), notes.end(),
                           [&](const auto& n) { return n.first == b.peak_note; });
    if (it == notes.end())
      notes.emplace_back(b.peak_note, test);
    else
      it->second += ", " + test;
  }
  std::vector<std::string> out;
  for (const auto& [note, tests] : notes) out.push_back(fmt::format("{}: {}", tests, note));
  return out;
}

}  // namespace

void write_bandwidth_table(std::ostream& os, const Results& r) {
  const SystemInfo& s = r.system;
  os << fmt::format("gpubench {} bandwidth on {} ({})\n", s.gpubench_version, s.hostname, s.os);
  os << fmt::format("CPU: {} | {} cores\n", s.cpu.model, s.cpu.physical_cores);
  if (s.gpus.empty()) os << "GPU: " << gpu_summary(s) << "\n";  // says why there is none
  for (const GpuInfo& g : s.gpus)
    os << fmt::format("GPU {}: {} (bus {})\n", g.index, g.name, g.pci_bus_id);
  os << "\n";

  // GPU rows that were all skipped for one reason (no GPU, no CUDA) become one line.
  std::string gpu_skipped;
  bool collapse = false;
  for (const BandwidthRecord& b : r.bandwidth) {
    if (b.device_kind != DeviceKind::gpu) continue;
    const bool same = b.status == Status::skipped && (!collapse || gpu_skipped == b.reason);
    if (!same) {
      collapse = false;
      gpu_skipped.clear();
      break;
    }
    collapse = true;
    gpu_skipped = b.reason;
  }
  std::vector<std::vector<std::string>> rows{
      {"test", "memory", "device", "per rep", "threads", "reps", "median", "GB/s", "% peak",
       "status"}};
  for (const BandwidthRecord& b : r.bandwidth)
    if (!collapse || b.device_kind != DeviceKind::gpu)
        rows.push_back({b.test, b.host_memory, device_label(b), bytes_label(b.bytes),
                      b.threads > 0 ? std::to_string(b.threads) : "",
                      b.iterations > 0 ? std::to_string(b.iterations) : "-",
                      b.ok() ? format_seconds(b.seconds.median) : "-", gbs_label(b),
                      pct_label(b), status_label(b)});
  os << align_columns(rows, {false, false, false, true, true, true, true, true, true, false});
  if (collapse)
    os << "GPU copies (H2D, D2H pinned/pageable, D2D): skipped, " << gpu_skipped << "\n";
  os << "\nBytes counted per repetition: copy = read + write (2 x array), triad = 3 x array, "
        "H2D/D2H = bytes sent,\nD2D copy = read + write (2 x buffer).\n";
  for (const auto& n : peak_notes(r)) os << "peak of " << n << "\n";
}

void write_bandwidth_markdown(std::ostream& os, const Results& r) {
  os << fmt::format("**gpubench {} bandwidth** on `{}`: {}", r.system.gpubench_version,
                    r.system.hostname, markdown_cell(r.system.cpu.model));
  for (const GpuInfo& g : r.system.gpus) os << fmt::format(", GPU {} {}", g.index, markdown_cell(g.name));
  os << "\n\n| test | memory | device | bytes per rep | median | GB/s | % peak | status |\n"
        "|---|---|---|--:|--:|--:|--:|---|\n";
  for (const BandwidthRecord& b : r.bandwidth)
    os << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", b.test, b.host_memory,
                      device_label(b), bytes_label(b.bytes),
                      b.ok() ? format_seconds(b.seconds.median) : "-", gbs_label(b), pct_label(b),
                      markdown_cell(status_label(b)));
}

void write_bandwidth_csv(std::ostream& os, const Results& r) {
  os << "host,test,host_memory,device_kind,device_index,device_name,threads,bytes,iterations,"
        "median_s,min_s,stddev_s,gbs,peak_gbs,pct_of_peak,status,reason\n";
  auto opt = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.6g}", *v) : std::string();
  };
  const auto num = [](double v) { return fmt::format("{:.6g}", v); };
  for (const BandwidthRecord& b : r.bandwidth)
    os << csv_line({b.host, b.test, b.host_memory, to_string(b.device_kind),
                    std::to_string(b.device_index), b.device_name, std::to_string(b.threads),
                    std::to_string(b.bytes), std::to_string(b.iterations), num(b.seconds.median),
                    num(b.seconds.min), num(b.seconds.stddev), num(b.gbs), opt(b.peak_gbs),
                    opt(b.pct_of_peak), to_string(b.status), b.reason})
       << "\n";
}

}  // namespace gpubench
