// Markdown for a pull-request comment or a CI step summary ($GITHUB_STEP_SUMMARY).
#include <fmt/format.h>

#include "gpubench/core/format_util.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/report_analysis.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

std::string gpu_line(const SystemInfo& s) {
  std::string out = gpu_summary(s);
  if (!s.gpus.empty() && s.driver_version > 0)
    out += fmt::format(", driver {}.{}", s.driver_version / 1000, s.driver_version % 1000 / 10);
  return out;
}

void write_system(std::ostream& os, const Results& r) {
  const SystemInfo& s = r.system;
  os << fmt::format("### gpubench {} on {}{}\n\n", s.gpubench_version, markdown_cell(s.hostname),
                    r.interrupted ? " (interrupted: partial results)" : "");
  os << fmt::format("- **CPU:** {}, {} cores / {} threads, {}\n", markdown_cell(s.cpu.model),
                    s.cpu.physical_cores, s.cpu.logical_cpus, markdown_cell(s.cpu.simd));
  for (const LibraryInfo* blas : cpu_libraries_used(r))
    os << fmt::format("- **BLAS:** {} {}, {} {}, {} threads\n", markdown_cell(blas->name),
                      markdown_cell(blas->version),
                      blas->name == "BLIS" ? "config" : blas->name == "MKL" ? "isa" : "core",
                      markdown_cell(blas->detected), blas->threads);
  os << fmt::format("- **GPU:** {}\n", markdown_cell(gpu_line(s)));
  if (!s.command_line.empty()) os << fmt::format("- **Command:** `{}`\n", s.command_line);
  os << "\n";
}

std::string status_cell(const Record& rec) {
  std::string st = status_text(rec.status, rec.reason);
  if (rec.status == Status::failed) st = "**FAILED**" + st.substr(to_string(rec.status).size());
  if (rec.ok() && !rec.warnings.empty()) st += " ⚠️";
  return markdown_cell(st);
}

void write_rows(std::ostream& os, const Results& r, const Analysis& a) {
  bool any_e2e = false, any_burst = false, any_per_watt = false;
  for (const Record& rec : r.records) {
    any_e2e = any_e2e || rec.end_to_end_gflops.has_value();
    any_burst = any_burst || rec.burst.has_value();
    any_per_watt = any_per_watt || rec.main.telemetry.gflops_per_watt.has_value();
  }
  // GPU rows timed both ways: burst beside the main (sustained) rate, as in the table.
  std::string head = any_burst ? "| shape | dtype | backend | median | spread | GFLOPS burst | GFLOPS sust. |"
                               : "| shape | dtype | backend | median | spread | GFLOPS |";
  std::string rule = any_burst ? "|---:|---|---|---:|---:|---:|---:|" : "|---:|---|---|---:|---:|---:|";
  if (any_per_watt) head += " GFLOPS/W |", rule += "---:|";
  if (any_e2e) head += " GFLOPS e2e |", rule += "---:|";
  head += " % peak |", rule += "---:|";
  if (a.any_speedup())
    head += a.speedups_name_cpu_library() ? " vs best CPU |" : " vs CPU |", rule += "---:|";
  if (a.any_pct_of_reference()) head += " " + a.reference_title() + " |", rule += "---:|";
  if (a.any_gflop_per_usd()) head += " GFLOP/$ |", rule += "---:|";
  head += " max rel err | status |", rule += "---:|---|";
  os << head << "\n" << rule << "\n";

  for (std::size_t i = 0; i < r.records.size(); ++i) {
    const Record& rec = r.records[i];
    const RecordAnalysis& ra = a.records[i];
    const bool measured = rec.main.seconds.samples > 0;
    std::string row =
        fmt::format("| {} | {} | {} | {} | {} |", rec.shape.label(), to_string(rec.dtype),
                    markdown_cell(rec.backend), measured ? format_seconds(rec.main.seconds.median) : "-",
                    measured ? spread_text(rec.main.seconds) : "-");
    if (any_burst)
      row += fmt::format(" {} |", rec.burst && measured ? format_gflops(rec.burst->gflops) : "-");
    row += fmt::format(" {} |", measured ? format_gflops(rec.main.gflops) : "-");
    if (any_per_watt)
      row += fmt::format(" {} |", rec.main.telemetry.gflops_per_watt && measured
                                      ? fmt::format("{:.1f}", *rec.main.telemetry.gflops_per_watt)
                                      : "");
    if (any_e2e)
      row +=
          fmt::format(" {} |", rec.end_to_end_gflops ? format_gflops(*rec.end_to_end_gflops) : "-");
    row += fmt::format(
        " {} |", rec.pct_of_peak && measured ? fmt::format("{:.0f}%", *rec.pct_of_peak) : "-");
    if (a.any_speedup())
      row += fmt::format(" {} |", !ra.speedup_vs_cpu ? std::string()
                                  : a.speedups_name_cpu_library()
                                      ? fmt::format("{:.1f}× {}", *ra.speedup_vs_cpu,
                                                    markdown_cell(ra.cpu_backend))
                                      : fmt::format("{:.1f}×", *ra.speedup_vs_cpu));
    if (a.any_pct_of_reference())
      row += fmt::format(" {} |",
                         ra.pct_of_reference ? fmt::format("{:.0f}%", *ra.pct_of_reference) : "");
    if (a.any_gflop_per_usd())
      row += fmt::format(" {} |", ra.gflop_per_usd ? format_gflops(*ra.gflop_per_usd) : "");
    row += fmt::format(" {} |", rec.verified ? fmt::format("{:.1e}", rec.max_rel_error) : "-");
    row += fmt::format(" {} |", status_cell(rec));
    os << row << "\n";
  }
}

void write_warnings(std::ostream& os, const Results& r) {
  bool heading = false;
  const auto head = [&] {
    if (!heading) os << "\n**Warnings**\n\n", heading = true;
  };
  for (const Record& rec : r.records)
    for (const auto& w : rec.warnings) {
      head();
      os << fmt::format("- {} {} {}: {}\n", rec.shape.label(), to_string(rec.dtype),
                        markdown_cell(rec.backend), w);
    }
  for (const std::string& line :
       in_cache_lines(r, [](const Record& rec) { return rec.backend; })) {
    head();
    os << "- " << markdown_cell(line) << "\n";
  }
}

}  // namespace

void write_markdown(std::ostream& os, const Results& r, const Analysis& a) {
  write_system(os, r);
  write_rows(os, r, a);
  if (const std::string legend = rate_legend(r); !legend.empty()) os << "\n" << legend;
  write_warnings(os, r);
  if (const auto slow = slow_device_lines(a, r.ranks.size() > 1); !slow.empty()) {
    os << "\n";
    for (const std::string& line : slow) os << "- " << markdown_cell(line) << "\n";
  }
  os << "\n" << case_counts(r) << "\n";
  // The same verdict the terminal table ends with, so that CI summaries answer the question too.
  if (a.verdict) {
    os << "\n```text";
    write_verdict(os, *a.verdict);  // starts with its own blank line
    os << "```\n";
  }
}

}  // namespace gpubench
