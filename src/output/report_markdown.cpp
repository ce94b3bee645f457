// Markdown for a pull-request comment or a CI step summary ($GITHUB_STEP_SUMMARY).
#include <fmt/format.h>

#include "gpubench/core/format_util.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/analysis/verdict.hpp"

namespace gpubench {

namespace {

// A table cell: pipes would end the cell and line breaks the row.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string gpu_summary(const SystemInfo& s) {
  if (s.gpus.empty()) return s.cuda_status.empty() ? "no CUDA device" : s.cuda_status;
  std::string out;
  for (const GpuInfo& g : s.gpus)
    out += fmt::format("{}[{}] {} (sm_{}{}, {} SMs, {:.0f} MHz max)", out.empty() ? "" : "; ",
                       g.index, g.name, g.cc_major, g.cc_minor, g.sms, g.max_sm_clock_mhz);
  if (s.driver_version > 0)
    out += fmt::format(", driver {}.{}", s.driver_version / 1000, s.driver_version % 1000 / 10);
  return out;
}

}  // namespace

void write_markdown(std::ostream& os, const Results& r) {
  const SystemInfo& s = r.system;
  const LibraryInfo& blas = s.cpu_blas();
  os << fmt::format("### gpubench {} on `{}`{}\n\n", s.gpubench_version, cell(s.hostname),
                    r.interrupted ? " (interrupted: partial results)" : "");
  os << fmt::format("- **CPU:** {}, {} cores / {} threads, {}\n", cell(s.cpu.model),
                    s.cpu.physical_cores, s.cpu.logical_cpus, cell(s.cpu.simd));
  os << fmt::format("- **BLAS:** {} {}, core {}, {} threads\n", cell(blas.name),
                    cell(blas.version), cell(blas.detected), blas.threads);
  os << fmt::format("- **GPU:** {}\n", cell(gpu_summary(s)));
  if (!s.command_line.empty()) os << fmt::format("- **Command:** `{}`\n", s.command_line);
  os << "\n";

  bool any_e2e = false, any_gpu = false, any_kernel = false;
  for (const Record& rec : r.records) {
    any_e2e = any_e2e || rec.end_to_end_gflops.has_value();
    any_gpu = any_gpu || (rec.device_kind == DeviceKind::gpu && rec.ok());
    any_kernel = any_kernel || rec.backend.rfind("kernel:", 0) == 0;
  }
  std::string head = "| shape | dtype | backend | median | spread | GFLOPS |";
  std::string rule = "|---:|---|---|---:|---:|---:|";
  if (any_e2e) head += " GFLOPS e2e |", rule += "---:|";
  head += " % peak |", rule += "---:|";
  if (any_gpu) head += " vs CPU |", rule += "---:|";
  if (any_kernel) head += " % cuBLAS |", rule += "---:|";
  head += " max rel err | status |", rule += "---:|---|";
  os << head << "\n" << rule << "\n";

  int n_ok = 0, n_failed = 0, n_other = 0;
  for (const Record& rec : r.records) {
    (rec.ok() ? n_ok : rec.status == Status::failed ? n_failed : n_other)++;
    const bool measured = rec.seconds.samples > 0;
    std::string row =
        fmt::format("| {} | {} | {} | {} | {} | {} |", rec.shape.label(), to_string(rec.dtype),
                    cell(rec.backend), measured ? format_seconds(rec.seconds.median) : "-",
                    measured ? fmt::format("±{:.1f}%", 100 * rec.seconds.cv()) : "-",
                    measured ? format_gflops(rec.gflops) : "-");
    if (any_e2e)
      row +=
          fmt::format(" {} |", rec.end_to_end_gflops ? format_gflops(*rec.end_to_end_gflops) : "-");
    row += fmt::format(
        " {} |", rec.pct_of_peak && measured ? fmt::format("{:.0f}%", *rec.pct_of_peak) : "-");
    if (any_gpu) {
      auto sp = speedup_vs_cpu(r, rec);
      row += fmt::format(" {} |", sp ? fmt::format("{:.1f}×", *sp) : "");
    }
    if (any_kernel) {
      auto pc = pct_of_cublas(r, rec);
      row += fmt::format(" {} |", pc ? fmt::format("{:.0f}%", *pc) : "");
    }
    row += fmt::format(" {} |", rec.verified ? fmt::format("{:.1e}", rec.max_rel_error) : "-");
    std::string st = rec.status == Status::failed ? "**FAILED**" : to_string(rec.status);
    if (!rec.reason.empty() && !rec.ok()) st += ": " + rec.reason;
    if (rec.ok() && !rec.warnings.empty()) st += " ⚠️";
    row += fmt::format(" {} |", cell(st));
    os << row << "\n";
  }

  bool heading = false;
  for (const Record& rec : r.records)
    for (const auto& w : rec.warnings) {
      if (!heading) os << "\n**Warnings**\n\n", heading = true;
      os << fmt::format("- {} {} {}: {}\n", rec.shape.label(), to_string(rec.dtype),
                        cell(rec.backend), w);
    }
  os << fmt::format("\n{} cases: {} ok, {} failed, {} skipped or unsupported{}\n", r.records.size(),
                    n_ok, n_failed, n_other,
                    r.interrupted ? " (interrupted: partial results)" : "");
  // The same verdict the terminal table ends with, so that CI summaries answer the question too.
  if (verdict_applies(r)) {
    os << "\n```text";
    write_verdict(os, compute_verdict(r));  // starts with its own blank line
    os << "```\n";
  }
}

}  // namespace gpubench
