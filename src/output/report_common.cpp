#include <cmath>

#include <fmt/format.h>

#include "gpubench/core/format_util.hpp"
#include "gpubench/output/report.hpp"

namespace gpubench {

std::string to_string(DeviceKind k) { return k == DeviceKind::cpu ? "cpu" : "gpu"; }

std::string to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::skipped: return "skipped";
    case Status::unsupported: return "unsupported";
    case Status::failed: return "FAILED";
  }
  return "?";
}

std::optional<Format> parse_format(const std::string& s) {
  if (s == "table") return Format::table;
  if (s == "markdown" || s == "md") return Format::markdown;
  if (s == "csv") return Format::csv;
  if (s == "json") return Format::json;
  if (s == "gbench-json" || s == "gbench") return Format::gbench_json;
  return std::nullopt;
}

std::string format_seconds(double s) {
  if (s <= 0 || !std::isfinite(s)) return "-";
  const char* unit = "s";
  double v = s;
  if (s < 1e-3) v = s * 1e6, unit = "us";
  else if (s < 1) v = s * 1e3, unit = "ms";
  if (v >= 100) return fmt::format("{:.0f} {}", v, unit);
  if (v >= 10) return fmt::format("{:.1f} {}", v, unit);
  return fmt::format("{:.2f} {}", v, unit);
}

std::string format_gflops(double g) {
  if (g <= 0 || !std::isfinite(g)) return "-";
  if (g >= 100) return fmt::format("{:.0f}", g);
  if (g >= 10) return fmt::format("{:.1f}", g);
  return fmt::format("{:.2f}", g);
}

std::optional<double> speedup_vs_cpu(const Results& r, const Record& rec) {
  if (!rec.ok() || rec.device_kind == DeviceKind::cpu || rec.seconds.median <= 0) return std::nullopt;
  double best_cpu = 0;
  for (const Record& c : r.records)
    if (c.ok() && c.device_kind == DeviceKind::cpu && c.shape == rec.shape && c.dtype == rec.dtype &&
        c.host == rec.host && c.rank == rec.rank)
      best_cpu = std::max(best_cpu, c.gflops);
  // tf32 rows compare with the CPU's fp32 row: the same fp32 data, the GPU's faster mode.
  if (best_cpu == 0 && rec.dtype == DType::tf32)
    for (const Record& c : r.records)
      if (c.ok() && c.device_kind == DeviceKind::cpu && c.shape == rec.shape &&
          c.dtype == DType::fp32 && c.host == rec.host && c.rank == rec.rank)
        best_cpu = std::max(best_cpu, c.gflops);
  if (best_cpu <= 0) return std::nullopt;
  return rec.gflops / best_cpu;
}

std::optional<double> pct_of_cublas(const Results& r, const Record& rec) {
  if (!rec.ok() || rec.backend.rfind("kernel:", 0) != 0) return std::nullopt;
  for (const Record& c : r.records)
    if (c.ok() && c.backend == "cublas" && c.shape == rec.shape && c.dtype == rec.dtype &&
        c.device_index == rec.device_index && c.host == rec.host && c.rank == rec.rank &&
        c.gflops > 0)
      return 100.0 * rec.gflops / c.gflops;
  return std::nullopt;
}

}  // namespace gpubench
