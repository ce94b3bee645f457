// CSV: one line per record with every statistic and every derived number, for spreadsheets and
// scripts.
#include <fmt/format.h>

#include <cmath>

#include "gpubench/output/report.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

// Shortest text that reads back as the same double; empty for unknown or not finite.
std::string num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }
std::string num(const std::optional<double>& v) { return v ? num(*v) : ""; }

const std::vector<std::string> kColumns = {"m",
                                           "n",
                                           "k",
                                           "layout",
                                           "batch",
                                           "dtype",
                                           "backend",
                                           "role",
                                           "device_kind",
                                           "device_index",
                                           "device_name",
                                           "pci_bus_id",
                                           "host",
                                           "rank",
                                           "status",
                                           "reason",
                                           "threads",
                                           "iterations",
                                           "samples",
                                           "median_s",
                                           "min_s",
                                           "mean_s",
                                           "stddev_s",
                                           "max_s",
                                           "cv",
                                           "gflops",
                                           "peak_gflops",
                                           "pct_of_peak",
                                           "e2e_median_s",
                                           "e2e_gflops",
                                           "host_memory",
                                           "speedup_vs_cpu",
                                           "speedup_cpu_backend",
                                           "pct_of_reference",
                                           "reference_backend",
                                           "gflop_per_usd",
                                           "pct_below_median_gpu",
                                           "verified",
                                           "max_rel_error",
                                           "tolerance",
                                           "checked_entries",
                                           "warnings",
                                           // Added with results schema 2, at the end so that
                                           // readers by position keep working.
                                           "clocks",
                                           "burst_gflops",
                                           "mean_sm_clock_mhz",
                                           "mean_power_w",
                                           "gflops_per_watt",
                                           "energy_per_mult_j",
                                           "cold_cache",
                                           "operands_in_cache"};

}  // namespace

void write_csv(std::ostream& os, const Results& r, const Analysis& a) {
  os << csv_line(kColumns) << "\n";
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    const Record& rec = r.records[i];
    const RecordAnalysis& ra = a.records[i];
    const bool measured = rec.main.seconds.samples > 0;
    const auto stat = [&](double v) { return measured ? num(v) : std::string(); };
    std::string warnings;
    for (const auto& w : rec.warnings) {
      if (!warnings.empty()) warnings += "; ";
      warnings += w;
    }
    os << csv_line({std::to_string(rec.shape.m),
                    std::to_string(rec.shape.n),
                    std::to_string(rec.shape.k),
                    std::string(to_string(rec.shape.layout)),
                    std::to_string(rec.shape.batch),
                    std::string(to_string(rec.dtype)),
                    rec.backend,
                    to_string(rec.role),
                    to_string(rec.device_kind),
                    std::to_string(rec.device_index),
                    rec.device_name,
                    rec.pci_bus_id,
                    rec.host,
                    std::to_string(rec.rank),
                    status_name(rec.status),
                    rec.reason,
                    std::to_string(rec.threads),
                    std::to_string(rec.main.iterations),
                    std::to_string(rec.main.seconds.samples),
                    stat(rec.main.seconds.median),
                    stat(rec.main.seconds.min),
                    stat(rec.main.seconds.mean),
                    stat(rec.main.seconds.stddev),
                    stat(rec.main.seconds.max),
                    stat(rec.main.seconds.cv()),
                    stat(rec.main.gflops),
                    num(rec.peak_gflops),
                    measured ? num(rec.pct_of_peak) : "",
                    rec.end_to_end_seconds ? num(rec.end_to_end_seconds->median) : "",
                    num(rec.end_to_end_gflops),
                    rec.host_memory,
                    num(ra.speedup_vs_cpu),
                    ra.cpu_backend,
                    num(ra.pct_of_reference),
                    ra.reference_backend,
                    num(ra.gflop_per_usd),
                    num(ra.pct_below_median_gpu),
                    rec.verified ? "true" : "false",
                    rec.verified ? num(rec.max_rel_error) : "",
                    rec.verified ? num(rec.tolerance) : "",
                    std::to_string(rec.checked_entries),
                    warnings,
                    rec.main.clocks,
                    rec.burst ? num(rec.burst->gflops) : "",
                    num(rec.main.telemetry.mean_sm_clock_mhz),
                    num(rec.main.telemetry.mean_power_w),
                    num(rec.main.telemetry.gflops_per_watt),
                    num(rec.main.telemetry.energy_per_mult_j),
                    rec.cold_cache ? "true" : "false",
                    rec.operands_in_cache ? "true" : "false"})
       << "\n";
  }
}

}  // namespace gpubench
