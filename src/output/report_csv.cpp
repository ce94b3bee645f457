// CSV: one line per record with every statistic, for spreadsheets and scripts.
#include <cmath>

#include <fmt/format.h>

#include "gpubench/output/report.hpp"

namespace gpubench {

namespace {

// RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Shortest text that reads back as the same double; empty for unknown or not finite.
std::string num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }
std::string num(const std::optional<double>& v) { return v ? num(*v) : ""; }

const char* const kColumns[] = {"m",
                                "n",
                                "k",
                                "dtype",
                                "backend",
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
                                "verified",
                                "max_rel_error",
                                "tolerance",
                                "checked_entries",
                                "warnings"};

}  // namespace

void write_csv(std::ostream& os, const Results& r) {
  std::string header;
  for (const char* c : kColumns) {
    if (!header.empty()) header += ',';
    header += c;
  }
  os << header << "\n";
  for (const Record& rec : r.records) {
    const bool measured = rec.seconds.samples > 0;
    const auto stat = [&](double v) { return measured ? num(v) : std::string(); };
    std::string warnings;
    for (const auto& w : rec.warnings) {
      if (!warnings.empty()) warnings += "; ";
      warnings += w;
    }
    const std::string status = rec.status == Status::failed ? "failed" : to_string(rec.status);
    const std::vector<std::string> cells = {
        std::to_string(rec.shape.m),
        std::to_string(rec.shape.n),
        std::to_string(rec.shape.k),
        std::string(to_string(rec.dtype)),
        rec.backend,
        to_string(rec.device_kind),
        std::to_string(rec.device_index),
        rec.device_name,
        rec.pci_bus_id,
        rec.host,
        std::to_string(rec.rank),
        status,
        rec.reason,
        std::to_string(rec.threads),
        std::to_string(rec.iterations),
        std::to_string(rec.seconds.samples),
        stat(rec.seconds.median),
        stat(rec.seconds.min),
        stat(rec.seconds.mean),
        stat(rec.seconds.stddev),
        stat(rec.seconds.max),
        stat(rec.seconds.cv()),
        stat(rec.gflops),
        num(rec.peak_gflops),
        measured ? num(rec.pct_of_peak) : "",
        rec.end_to_end_seconds ? num(rec.end_to_end_seconds->median) : "",
        num(rec.end_to_end_gflops),
        rec.host_memory,
        num(speedup_vs_cpu(r, rec)),
        rec.verified ? "true" : "false",
        rec.verified ? num(rec.max_rel_error) : "",
        rec.verified ? num(rec.tolerance) : "",
        std::to_string(rec.checked_entries),
        warnings};
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) line += ',';
      line += csv_field(cells[i]);
    }
    os << line << "\n";
  }
}

}  // namespace gpubench
