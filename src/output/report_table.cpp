// The terminal table: what a person reads after `gpubench matmul`.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "gpubench/measure/devices.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/output/report.hpp"

namespace gpubench {

namespace {

struct Column {
  Column(std::string t, bool r) : title(std::move(t)), right(r) {}
  std::string title;
  bool right = true;
  std::vector<std::string> cells;
  std::size_t width() const {
    std::size_t w = title.size();
    for (const auto& c : cells) w = std::max(w, c.size());
    return w;
  }
};

std::string gpu_line(const SystemInfo& s) {
  if (s.gpus.empty()) return s.cuda_status.empty() ? "no CUDA device" : s.cuda_status;
  std::string out;
  for (const GpuInfo& g : s.gpus)
    out += fmt::format("{}[{}] {} (sm_{}{}, {} SMs, {:.0f} GiB, {:.0f} MHz max{})",
                       out.empty() ? "" : "; ", g.index, g.name, g.cc_major, g.cc_minor, g.sms,
                       double(g.memory_total_bytes) / (1ull << 30), g.max_sm_clock_mhz,
                       s.gpus.size() > 1 ? ", bus " + g.pci_bus_id : "");
  return out;
}

// Several GPUs anywhere in the run: rows name their GPU ("cublas[1]").
bool several_gpus(const Results& r) {
  if (r.system.gpus.size() > 1 || r.ranks.size() > 1) return true;
  for (const SystemInfo& s : r.ranks)
    if (s.gpus.size() > 1) return true;
  return false;
}

// "rank 1 on node7: Xeon ..., 16 cores, OpenBLAS threads=8 | GPU: [0] H100 ...": one per rank.
std::string rank_line(std::size_t rank, const SystemInfo& s) {
  const LibraryInfo& blas = s.cpu_blas();
  return fmt::format("rank {} on {}: {}, {} cores, {} threads={} | GPU: {}\n", rank, s.hostname,
                     s.cpu.model, s.cpu.physical_cores, blas.name, blas.threads, gpu_line(s));
}

// What the slow-GPU summary calls a GPU: "GPU 1 (0000:9A:00.0) on node7 rank 1".
std::string device_label(const SlowDevice& d, bool several_ranks) {
  std::string out = fmt::format("GPU {}", d.device_index);
  if (!d.pci_bus_id.empty()) out += " (" + d.pci_bus_id + ")";
  if (several_ranks) out += fmt::format(" on {} rank {}", d.host, d.rank);
  return out;
}

// Backends whose every row was skipped for one reason get one line instead of a row per case.
std::map<std::string, std::string> wholly_skipped(const Results& r) {
  std::map<std::string, std::string> reason;
  std::map<std::string, bool> uniform;
  for (const Record& rec : r.records) {
    auto [it, fresh] = reason.emplace(rec.backend, rec.reason);
    bool same = rec.status == Status::skipped && it->second == rec.reason;
    uniform[rec.backend] = (fresh ? true : uniform[rec.backend]) && same;
  }
  std::map<std::string, std::string> out;
  for (const auto& [b, u] : uniform)
    if (u) out[b] = reason[b];
  return out;
}

}  // namespace

void write_table(std::ostream& os, const Results& r) {
  const SystemInfo& s = r.system;
  const LibraryInfo& blas = s.cpu_blas();
  os << fmt::format("gpubench {} on {} ({})\n", s.gpubench_version, s.hostname, s.os);
  os << fmt::format("CPU: {} | {} cores, {} | {} {} core={} threads={}\n", s.cpu.model,
                    s.cpu.physical_cores, s.cpu.simd, blas.name, blas.version, blas.detected,
                    blas.threads);
  if (s.cpu.peak_gflops_fp32)
    os << fmt::format("CPU peak fp32 {:.0f} GFLOPS ({})\n", *s.cpu.peak_gflops_fp32, s.cpu.peak_note);
  os << "GPU: " << gpu_line(s) << "\n";
  const bool several_ranks = r.ranks.size() > 1;
  if (several_ranks) {
    std::set<std::string> hosts;
    for (const SystemInfo& rank : r.ranks) hosts.insert(rank.hostname);
    os << fmt::format("MPI: {} ranks on {} host{}\n", r.ranks.size(), hosts.size(),
                      hosts.size() == 1 ? "" : "s");
    for (std::size_t i = 0; i < r.ranks.size(); ++i) os << rank_line(i, r.ranks[i]);
  }
  os << "\n";
  const bool name_devices = several_gpus(r);

  const auto skipped_backends = wholly_skipped(r);
  bool any_e2e = false, any_kernel = false, any_gpu = false;
  for (const Record& rec : r.records) {
    if (skipped_backends.count(rec.backend)) continue;
    any_e2e = any_e2e || rec.end_to_end_gflops.has_value();
    any_kernel = any_kernel || rec.backend.rfind("kernel:", 0) == 0;
    any_gpu = any_gpu || rec.device_kind == DeviceKind::gpu;
  }

  Column host{"host", false}, rank{"rank", true};
  Column shape{"shape", true}, dtype{"dtype", false}, backend{"backend", false},
      median{"median", true}, spread{"spread", true}, gflops{"GFLOPS", true},
      e2e{"GFLOPS e2e", true}, peak{"% peak", true}, speedup{"vs CPU", true},
      cublas{"% cuBLAS", true}, err{"max rel err", true}, status{"status", false};
  int n_ok = 0, n_failed = 0, n_other = 0;
  for (const Record& rec : r.records) {
    (rec.ok() ? n_ok : rec.status == Status::failed ? n_failed : n_other)++;
    if (skipped_backends.count(rec.backend)) continue;
    host.cells.push_back(rec.host);
    rank.cells.push_back(std::to_string(rec.rank));
    shape.cells.push_back(rec.shape.label());
    dtype.cells.push_back(std::string(to_string(rec.dtype)));
    backend.cells.push_back(rec.backend + (rec.device_index >= 0 && name_devices
                                               ? fmt::format("[{}]", rec.device_index)
                                               : ""));
    const bool measured = rec.seconds.samples > 0;
    median.cells.push_back(measured ? format_seconds(rec.seconds.median) : "-");
    spread.cells.push_back(measured ? fmt::format("±{:.1f}%", 100 * rec.seconds.cv()) : "-");
    gflops.cells.push_back(measured ? format_gflops(rec.gflops) : "-");
    e2e.cells.push_back(rec.end_to_end_gflops ? format_gflops(*rec.end_to_end_gflops) : "-");
    peak.cells.push_back(rec.pct_of_peak && measured ? fmt::format("{:.0f}%", *rec.pct_of_peak) : "-");
    auto sp = speedup_vs_cpu(r, rec);
    speedup.cells.push_back(sp ? fmt::format("{:.1f}x", *sp) : "");
    auto pc = pct_of_cublas(r, rec);
    cublas.cells.push_back(pc ? fmt::format("{:.0f}%", *pc) : "");
    err.cells.push_back(rec.verified ? fmt::format("{:.1e}", rec.max_rel_error) : "-");
    std::string st = to_string(rec.status);
    if (!rec.reason.empty() && !rec.ok()) st += ": " + rec.reason;
    if (rec.ok() && !rec.warnings.empty()) st += " (!)";
    status.cells.push_back(st);
  }

  std::vector<Column*> cols;
  if (several_ranks) cols = {&host, &rank};
  for (Column* c : {&shape, &dtype, &backend, &median, &spread, &gflops}) cols.push_back(c);
  if (any_e2e) cols.push_back(&e2e);
  cols.push_back(&peak);
  if (any_gpu) cols.push_back(&speedup);
  if (any_kernel) cols.push_back(&cublas);
  cols.push_back(&err);
  cols.push_back(&status);

  auto emit_row = [&](auto cell_of) {
    std::string line;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const std::size_t w = c + 1 == cols.size() ? 0 : cols[c]->width();
      const std::string cell = cell_of(*cols[c]);
      line += cols[c]->right ? fmt::format("{:>{}}", cell, w) : fmt::format("{:<{}}", cell, w);
      if (c + 1 < cols.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
  };
  emit_row([](const Column& c) { return c.title; });
  for (std::size_t i = 0; i < shape.cells.size(); ++i)
    emit_row([i](const Column& c) { return c.cells[i]; });

  for (const auto& [b, why] : skipped_backends) os << fmt::format("{}: skipped, {}\n", b, why);
  for (const Record& rec : r.records)
    for (const auto& w : rec.warnings)
      os << fmt::format("warning: {}{} {} {}{}: {}\n",
                        several_ranks ? fmt::format("rank {} ", rec.rank) : "",
                        rec.shape.label(), to_string(rec.dtype), rec.backend,
                        rec.device_index >= 0 && name_devices
                            ? fmt::format("[{}]", rec.device_index) : "",
                        w);

  // A card slower than its siblings: cooling, power cap, a narrower PCIe link, a faulty part.
  if (const int compared = count_compared_devices(r); compared > 1) {
    const auto slow = find_slow_devices(r);
    if (slow.empty())
      os << fmt::format("GPUs compared: {}; none more than 5% below the median GPU of a case\n",
                        compared);
    for (const SlowDevice& d : slow)
      os << fmt::format("slow GPU: {} {} {}: {} at {} GFLOPS, {:.1f}% below the median GPU ({})\n",
                        d.shape.label(), to_string(d.dtype), d.backend,
                        device_label(d, several_ranks), format_gflops(d.gflops), d.pct_below,
                        format_gflops(d.median_gflops));
  }

  os << fmt::format("\n{} cases: {} ok, {} failed, {} skipped or unsupported{}\n",
                    r.records.size(), n_ok, n_failed, n_other,
                    r.interrupted ? " (interrupted: partial results)" : "");
}

}  // namespace gpubench
