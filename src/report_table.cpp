// The terminal table: what a person reads after `gpubench matmul`.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "gpubench/format_util.hpp"
#include "gpubench/report.hpp"

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
    out += fmt::format("{}[{}] {} (sm_{}{}, {} SMs, {:.0f} GiB, {:.0f} MHz max)", out.empty() ? "" : "; ",
                       g.index, g.name, g.cc_major, g.cc_minor, g.sms,
                       double(g.memory_total_bytes) / (1ull << 30), g.max_sm_clock_mhz);
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
  os << fmt::format("gpubench {} on {} ({})\n", s.gpubench_version, s.hostname, s.os);
  os << fmt::format("CPU: {} | {} cores, {} | {} {} core={} threads={}\n", s.cpu.model,
                    s.cpu.physical_cores, s.cpu.simd, s.blas.name, s.blas.version, s.blas.core,
                    s.blas.threads);
  if (s.cpu.peak_gflops_fp32)
    os << fmt::format("CPU peak fp32 {:.0f} GFLOPS ({})\n", *s.cpu.peak_gflops_fp32, s.cpu.peak_note);
  os << "GPU: " << gpu_line(s) << "\n\n";

  const auto skipped_backends = wholly_skipped(r);
  bool any_e2e = false, any_kernel = false, any_gpu = false;
  for (const Record& rec : r.records) {
    if (skipped_backends.count(rec.backend)) continue;
    any_e2e = any_e2e || rec.end_to_end_gflops.has_value();
    any_kernel = any_kernel || rec.backend.rfind("kernel:", 0) == 0;
    any_gpu = any_gpu || rec.device_kind == DeviceKind::gpu;
  }

  Column shape{"shape", true}, dtype{"dtype", false}, backend{"backend", false},
      median{"median", true}, spread{"spread", true}, gflops{"GFLOPS", true},
      e2e{"GFLOPS e2e", true}, peak{"% peak", true}, speedup{"vs CPU", true},
      cublas{"% cuBLAS", true}, err{"max rel err", true}, status{"status", false};
  int n_ok = 0, n_failed = 0, n_other = 0;
  for (const Record& rec : r.records) {
    (rec.ok() ? n_ok : rec.status == Status::failed ? n_failed : n_other)++;
    if (skipped_backends.count(rec.backend)) continue;
    shape.cells.push_back(rec.shape.label());
    dtype.cells.push_back(std::string(to_string(rec.dtype)));
    backend.cells.push_back(rec.backend + (rec.device_index >= 0 && s.gpus.size() > 1
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

  std::vector<Column*> cols{&shape, &dtype, &backend, &median, &spread, &gflops};
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
      os << fmt::format("warning: {} {} {}: {}\n", rec.shape.label(), to_string(rec.dtype),
                        rec.backend, w);

  os << fmt::format("\n{} cases: {} ok, {} failed, {} skipped or unsupported{}\n",
                    r.records.size(), n_ok, n_failed, n_other,
                    r.interrupted ? " (interrupted: partial results)" : "");
}

}  // namespace gpubench
