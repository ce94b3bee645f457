#include "gpubench/output/report_workload.hpp"

#include <fmt/format.h>

#include "gpubench/analysis/analysis.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/results_json.hpp"

namespace gpubench {

namespace {

using nlohmann::json;

std::string row_name(const WorkloadRow& r) {
  const std::string& who = r.library;
  if (r.device_kind == DeviceKind::cpu) return "CPU " + who;
  return fmt::format("GPU {} {}", r.device_index, who);
}

std::string pass_line(const WorkloadTotal& t) {
  std::string s;
  if (t.cpu) s += fmt::format("{} {}", row_name(*t.cpu), format_seconds(t.cpu->seconds));
  if (t.gpu) {
    s += fmt::format("{}{} {} kernel only", s.empty() ? "" : "; ", row_name(*t.gpu),
                     format_seconds(t.gpu->seconds));
    if (t.gpu->end_to_end_seconds)
      s += fmt::format(", {} with copies", format_seconds(*t.gpu->end_to_end_seconds));
  }
  if (t.speedup) {
    s += fmt::format(": the GPU {:.3g}x faster", *t.speedup);
    if (t.speedup_end_to_end) s += fmt::format(" ({:.3g}x with copies)", *t.speedup_end_to_end);
  }
  return s.empty() ? "no row ran every shape" : s;
}

std::string dominant_line(const WorkloadTotal& t) {
  std::string s;
  for (const WorkloadShare& d : t.dominant)
    s += fmt::format("{}{} x{} ({:.0f}%)", s.empty() ? "" : ", ", d.shape.label(), d.calls,
                     100 * d.share);
  return s;
}

json row_json(const std::optional<WorkloadRow>& r) {
  if (!r) return nullptr;
  return {{"backend", r->backend},
          {"device_kind", to_string(r->device_kind)},
          {"device_index", r->device_index},
          {"device_name", r->device_name},
          {"host", r->host},
          {"rank", r->rank},
          {"seconds_per_pass", json_number(r->seconds)},
          {"end_to_end_seconds_per_pass", json_number(r->end_to_end_seconds)}};
}

}  // namespace

std::vector<std::string> workload_lines(const std::vector<WorkloadTotal>& w) {
  std::vector<std::string> lines;
  for (const WorkloadTotal& t : w) {
    lines.push_back(fmt::format("workload {}: {}, {}, {:.3g} GFLOP per pass", to_string(t.dtype),
                                format_count(t.cases, "shape"), format_count(t.calls, "GEMM call"),
                                t.flop / 1e9));
    lines.push_back("  per pass: " + pass_line(t));
    if (!t.dominant.empty()) lines.push_back("  dominant shapes: " + dominant_line(t));
    if (t.incomplete_rows > 0)
      lines.push_back(fmt::format("  ({} left out: not every shape ran there)",
                                  format_count(t.incomplete_rows, "row")));
  }
  return lines;
}

void write_workload(std::ostream& os, const std::vector<WorkloadTotal>& w) {
  if (w.empty()) return;
  os << "\n";
  for (const std::string& line : workload_lines(w)) os << line << "\n";
}

json workload_to_json(const std::vector<WorkloadTotal>& w) {
  json out = json::array();
  for (const WorkloadTotal& t : w) {
    json dominant = json::array();
    for (const WorkloadShare& d : t.dominant)
      dominant.push_back({{"label", d.shape.label()},
                          {"calls", d.calls},
                          {"seconds_per_pass", d.seconds},
                          {"share", d.share}});
    out.push_back({{"dtype", std::string(to_string(t.dtype))},
                   {"shapes", t.cases},
                   {"calls_per_pass", t.calls},
                   {"flop_per_pass", t.flop},
                   {"cpu", row_json(t.cpu)},
                   {"gpu", row_json(t.gpu)},
                   {"speedup", json_number(t.speedup)},
                   {"speedup_end_to_end", json_number(t.speedup_end_to_end)},
                   {"dominant", dominant},
                   {"incomplete_rows", t.incomplete_rows}});
  }
  return out;
}

}  // namespace gpubench
