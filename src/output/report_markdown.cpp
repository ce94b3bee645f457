// Markdown for a pull-request comment or a CI step summary ($GITHUB_STEP_SUMMARY).
#include <fmt/format.h>

#include "gpubench/output/report_algorithms.hpp"
#include "gpubench/output/report_workload.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/output/record_columns.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/report_analysis.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

std::string gpu_line(const SystemInfo& s) {
  std::string out = gpu_summary(s);
  // The driver's version in its major * 1000 + minor * 10 encoding.
  if (const int driver = s.gpu_runtime.version("driver_version"); !s.gpus.empty() && driver > 0)
    out += fmt::format(", driver {}.{}", driver / 1000, driver % 1000 / 10);
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
                      blas->detected_label(),
                      markdown_cell(blas->detected), blas->threads);
  os << fmt::format("- **GPU:** {}\n", markdown_cell(gpu_line(s)));
  if (!s.command_line.empty()) os << fmt::format("- **Command:** `{}`\n", s.command_line);
  os << "\n";
}

// The same columns as the terminal table (output/record_columns.hpp), every row.
void write_rows(std::ostream& os, const Results& r, const Analysis& a) {
  os << render_columns(Dialect::markdown, columns_named(record_columns(r, a), people_layout()),
                       record_rows(r, a));
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
  if (const auto tuned = tuned_gain_lines(r); !tuned.empty()) {
    os << "\n";
    for (const std::string& line : tuned) os << "- " << markdown_cell(line) << "\n";
  }
  os << "\n" << case_counts(r) << "\n";
  // The same verdict the terminal table ends with, so that CI summaries answer the question too.
  if (a.verdict) {
    os << "\n```text";
    write_verdict(os, *a.verdict);  // starts with its own blank line
    os << "```\n";
  }
  if (!a.workload.empty()) {
    os << "\n```text";
    write_workload(os, a.workload);  // starts with its own blank line
    os << "```\n";
  }
}

}  // namespace gpubench
