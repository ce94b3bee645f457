#include "gpubench/analysis/peak_summary.hpp"

#include <algorithm>
#include <cmath>

namespace gpubench {

double achievable_gflops(const Record& r) { return r.burst ? r.burst->gflops : r.main.gflops; }

namespace {
// The search row kept when there was no time to re-measure the fastest shape says so.
bool search_timing_only(const Record& r) {
  return std::any_of(r.warnings.begin(), r.warnings.end(),
                     [](const std::string& w) { return w.rfind("search timing only", 0) == 0; });
}
}  // namespace

std::vector<PeakSummary> summarize_peak(const Results& r, int top) {
  std::vector<PeakSummary> out;
  for (const PeakSearch& s : r.peak) {
    PeakSummary sum;
    sum.search = &s;
    double best = 0;
    for (const int row : s.rows) {
      if (row < 0 || std::size_t(row) >= r.records.size()) continue;
      const Record& rec = r.records[std::size_t(row)];
      sum.remeasured += search_timing_only(rec) ? 0 : 1;
      if (rec.ok() && achievable_gflops(rec) > best)
        best = achievable_gflops(rec), sum.best_row = row;
    }
    if (sum.best_row >= 0) {
      const Record& rec = r.records[std::size_t(sum.best_row)];
      sum.best_remeasured = !search_timing_only(rec);
      if (rec.burst) sum.best_burst_gflops = rec.burst->gflops;
      if (rec.main.clocks == to_string(Clocks::burst)) sum.best_burst_gflops = rec.main.gflops;
      if (rec.main.clocks == to_string(Clocks::sustained)) sum.best_sustained_gflops = rec.main.gflops;
      if (rec.main.clocks.empty()) sum.best_one_rate_gflops = rec.main.gflops;
      const auto pct = [&](const std::optional<double>& g) -> std::optional<double> {
        if (!g || !rec.peak_gflops || *rec.peak_gflops <= 0) return std::nullopt;
        return 100.0 * *g / *rec.peak_gflops;
      };
      sum.best_burst_pct = pct(sum.best_burst_gflops);
      sum.best_sustained_pct = pct(sum.best_sustained_gflops);
      sum.best_one_rate_pct = pct(sum.best_one_rate_gflops);
    }
    double log_sum = 0, plain_sum = 0;
    for (int i = 0; i < int(s.points.size()); ++i) {
      const PeakPoint& p = s.points[std::size_t(i)];
      ++sum.measured;
      if (p.status == Status::ok && p.gflops > 0) {
        ++sum.ok;
        sum.top.push_back(i);
        log_sum += std::log(p.gflops);
        plain_sum += p.gflops;
      } else if (p.status == Status::failed) {
        ++sum.failed;
      } else if (p.status != Status::ok) {
        ++sum.not_run;
      }
    }
    if (sum.ok > 0) {
      sum.geomean_gflops = std::exp(log_sum / sum.ok);
      sum.mean_gflops = plain_sum / sum.ok;
    }
    std::stable_sort(sum.top.begin(), sum.top.end(), [&](int a, int b) {
      return s.points[std::size_t(a)].gflops > s.points[std::size_t(b)].gflops;
    });
    if (int(sum.top.size()) > top) sum.top.resize(std::size_t(std::max(0, top)));
    out.push_back(std::move(sum));
  }
  return out;
}

}  // namespace gpubench
