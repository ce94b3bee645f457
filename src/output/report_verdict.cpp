// The verdict block printed after the matmul table: where the GPU overtakes the CPU, the
// speedups, what the GPU pays, which CPU library is fastest, and the roofline notes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "gpubench/core/format_util.hpp"
#include "gpubench/output/report_analysis.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string join_sizes(const std::vector<std::int64_t>& sizes) {
  std::string out;
  for (std::int64_t n : sizes) out += (out.empty() ? "" : ", ") + std::to_string(n);
  return out;
}

// Rows as aligned columns (output/text.hpp); `left[c]` marks the left-aligned ones.
void write_aligned(std::ostream& os, const std::string& indent,
                   const std::vector<std::vector<std::string>>& rows,
                   const std::vector<bool>& left) {
  std::size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  std::vector<bool> right(columns, true);
  for (std::size_t c = 0; c < columns && c < left.size(); ++c) right[c] = !left[c];
  os << align_columns(rows, right, indent);
}

// 1234567 -> "1.23M": GFLOP per dollar spans many decades.
std::string si(double v) {
  if (!(v > 0) || !std::isfinite(v)) return "-";
  const char* units[] = {"", "k", "M", "G", "T", "P"};
  int u = 0;
  while (v >= 1000 && u < 5) v /= 1000, ++u;
  return fmt::format("{}{}",
                     v >= 100  ? fmt::format("{:.0f}", v)
                     : v >= 10 ? fmt::format("{:.1f}", v)
                               : fmt::format("{:.2f}", v),
                     units[u]);
}

std::string speedup_text(double s) { return fmt::format("{:.1f}x", s); }

std::string backends_of(const std::vector<SizePoint>& points, bool gpu) {
  std::vector<std::string> names;
  for (const SizePoint& p : points) {
    const std::string& b = gpu ? p.gpu_backend : p.cpu_backend;
    if (!has(names, b)) names.push_back(b);
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "/") + n;
  return out;
}

void write_dtype_verdict(std::ostream& os, const DtypeVerdict& v, const Verdict& all) {
  const std::string where = all.hosts.size() > 1 ? fmt::format(" on {}", v.host) : "";
  const std::string vs = v.cpu_dtype == v.dtype ? std::string(to_string(v.dtype))
                                                : fmt::format("{} (CPU: {})", to_string(v.dtype),
                                                              to_string(v.cpu_dtype));
  if (v.points.empty()) {
    os << fmt::format("  {}{}: {}\n", vs, where, v.why_no_comparison);
    return;
  }
  os << fmt::format("  {}{}: {} vs {}\n", vs, where, backends_of(v.points, true),
                    backends_of(v.points, false));
  std::vector<std::vector<std::string>> lines;
  lines.push_back({"GPU faster, kernel only:", describe_crossover(v.kernel)});
  for (const auto& [kind, c] : v.with_copies)
    lines.push_back({fmt::format("GPU faster, {} copies:", kind), describe_crossover(c)});
  const SizePoint& last = v.points.back();
  std::string at_last = fmt::format("{} the CPU kernel only", speedup_text(last.speedup()));
  for (const auto& [kind, g] : last.e2e_gflops)
    at_last += fmt::format("; {} with {} copies", speedup_text(g / last.cpu_gflops), kind);
  lines.push_back({fmt::format("at {}, the largest:", last.n), at_last});
  if (last.gpu_gflops_per_watt && last.cpu_gflops_per_watt)
    lines.push_back(
        {"work per joule:",
         fmt::format("the GPU does {} the CPU's ({:.1f} vs {:.1f} GFLOPS/W)",
                     speedup_text(*last.gpu_gflops_per_watt / *last.cpu_gflops_per_watt),
                     *last.gpu_gflops_per_watt, *last.cpu_gflops_per_watt)});
  else if (last.gpu_gflops_per_watt)
    lines.push_back(
        {"work per joule:",
         fmt::format(
             "GPU {:.1f} GFLOPS/W; the CPU's is unknown{}", *last.gpu_gflops_per_watt,
             last.cpu_energy_unavailable.empty() ? "" : " (" + last.cpu_energy_unavailable + ")")});
  if (v.peak)
    lines.push_back(
        {"peak speedup:", fmt::format("{} at {}", speedup_text(v.peak->speedup()), v.peak->n)});
  if (!v.unpaired.empty())
    lines.push_back({"not compared:", join_sizes(v.unpaired) + " (no ok row on one side)"});
  if (all.pricing && v.price_kernel) {
    const double ratio = all.pricing->gpu_usd_per_hour / all.pricing->cpu_usd_per_hour;
    lines.push_back({fmt::format("GPU pays off (> {}):", speedup_text(ratio)),
                     "kernel only " + describe_crossover(*v.price_kernel)});
    for (const auto& [kind, c] : v.price_with_copies)
      lines.push_back({"", fmt::format("{} copies {}", kind, describe_crossover(c))});
  }
  write_aligned(os, "    ", lines, {true, true});

  if (!all.pricing) return;
  const Pricing& price = *all.pricing;
  const double ratio = price.gpu_usd_per_hour / price.cpu_usd_per_hour;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{"size", "CPU GFLOP/$", "GPU GFLOP/$"};
  const auto kinds = host_memory_kinds(v.points);
  for (const auto& k : kinds) head.push_back(fmt::format("{} GFLOP/$", k));
  head.push_back("speedup");
  head.push_back(fmt::format("pays off (> {})", speedup_text(ratio)));
  rows.push_back(head);
  for (const SizePoint& p : v.points) {
    std::vector<std::string> row{std::to_string(p.n),
                                 si(gflop_per_usd(p.cpu_gflops, price.cpu_usd_per_hour)),
                                 si(gflop_per_usd(p.gpu_gflops, price.gpu_usd_per_hour))};
    std::string pays = p.speedup() > ratio ? "yes" : "no";
    for (const auto& k : kinds) {
      const auto e = p.e2e_speedup(k);
      row.push_back(e ? si(gflop_per_usd(*e * p.cpu_gflops, price.gpu_usd_per_hour)) : "-");
      if (e) pays += fmt::format(", {} with {}", *e > ratio ? "yes" : "no", k);
    }
    row.push_back(speedup_text(p.speedup()));
    row.push_back(pays);
    rows.push_back(row);
  }
  std::vector<bool> left(head.size(), false);
  left.back() = true;
  write_aligned(os, "    ", rows, left);
}

std::string ridge_text(const RooflineDevice& d) {
  const auto r = d.ridge();
  if (!r) {
    return fmt::format("{} unknown ({} unknown)", d.label,
                       !d.peak_gflops ? "peak GFLOPS" : "memory bandwidth");
  }
  return fmt::format("{} {:.1f} ({:.0f} GFLOPS / {:.0f} GB/s)", d.label, *r, *d.peak_gflops,
                     *d.bandwidth_gbs);
}

void write_roofline(std::ostream& os, const Verdict& v) {
  if (v.roofline.empty()) return;
  os << "\nRoofline: FLOP per byte = 2MNK / bytes of A, B and C each moved once; below a device's "
        "ridge\n(peak GFLOPS / peak GB/s) a shape is bound by memory there, above it by compute.\n";
  std::map<DType, std::string> ridges;
  std::vector<std::string> labels;
  for (const RooflineNote& n : v.roofline)
    for (const RooflineDevice& d : n.devices) {
      if (!has(labels, d.label)) labels.push_back(d.label);
      std::string& line = ridges[n.dtype];
      const std::string text = ridge_text(d);
      if (line.find(text) == std::string::npos) line += (line.empty() ? "" : "; ") + text;
    }
  std::sort(labels.begin(), labels.end());
  for (const auto& [d, line] : ridges) os << fmt::format("  ridge {}: {}\n", to_string(d), line);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{"shape", "dtype", "FLOP/B"};
  head.insert(head.end(), labels.begin(), labels.end());
  rows.push_back(head);
  for (const RooflineNote& n : v.roofline) {
    std::vector<std::string> row{n.shape.label(), std::string(to_string(n.dtype)),
                                 fmt::format("{:.1f}", n.intensity)};
    for (const auto& label : labels) {
      auto d = std::find_if(n.devices.begin(), n.devices.end(),
                            [&](const RooflineDevice& x) { return x.label == label; });
      row.push_back(d == n.devices.end() ? "" : d->bound(n.intensity));
    }
    rows.push_back(row);
  }
  std::vector<bool> left{false, true, false};
  left.resize(head.size(), true);
  write_aligned(os, "  ", rows, left);
  // Why skinny shapes gain less: bound by memory on both sides, the GPU's lead is the ratio of
  // bandwidths, not of FLOPS.
  std::optional<double> cpu_bw, gpu_bw;
  for (const RooflineNote& n : v.roofline)
    for (const RooflineDevice& d : n.devices) {
      if (d.label == "CPU" && d.bandwidth_gbs) cpu_bw = d.bandwidth_gbs;
      if (d.label != "CPU" && d.bandwidth_gbs && !gpu_bw) gpu_bw = d.bandwidth_gbs;
    }
  if (cpu_bw && gpu_bw)
    os << fmt::format(
        "  A shape bound by memory on both can run at most {:.0f}x faster on the GPU "
        "(the bandwidth ratio),\n  however many more FLOPS the GPU has.\n",
        *gpu_bw / *cpu_bw);
}

// Which CPU library: the fastest at each size, and each library's GFLOPS beside it.
void write_cpu_libraries(std::ostream& os, const Verdict& v) {
  if (v.cpu_libraries.empty()) return;
  os << "\nWhich CPU library? The fastest ok row of each at each square size (GFLOPS):\n";
  for (const CpuLibraryVerdict& c : v.cpu_libraries) {
    const std::string where = v.hosts.size() > 1 ? fmt::format(" on {}", c.host) : "";
    os << fmt::format("  {}{}: {}\n", to_string(c.dtype), where, describe_best_cpu_library(c));
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head{"n"};
    head.insert(head.end(), c.libraries.begin(), c.libraries.end());
    head.push_back("fastest");
    rows.push_back(head);
    for (const CpuLibrarySize& s : c.sizes) {
      std::vector<std::string> row{std::to_string(s.n)};
      for (const std::string& lib : c.libraries) {
        auto it = std::find_if(s.gflops.begin(), s.gflops.end(),
                               [&](const auto& g) { return g.first == lib; });
        row.push_back(it == s.gflops.end() ? "-" : fmt::format("{:.0f}", it->second));
      }
      row.push_back(
          fmt::format("{}, {:.2f}x the next", s.best, s.best_gflops / s.runner_up_gflops));
      rows.push_back(row);
    }
    std::vector<bool> left(head.size(), false);
    left.back() = true;
    write_aligned(os, "    ", rows, left);
  }
}

}  // namespace

std::string describe_crossover(const Crossover& c) {
  switch (c.kind) {
    case Crossover::Kind::no_data:
      return "no size measured on both";
    case Crossover::Kind::always:
      return c.smallest == c.largest
                 ? fmt::format("at {}, the only size compared", c.smallest)
                 : fmt::format("at every size measured, {} to {}", c.smallest, c.largest);
    case Crossover::Kind::between:
      return fmt::format(
          "from {} on (between {} and {}){}", c.above, c.below, c.above,
          c.ahead_at.empty() ? "" : fmt::format("; also at {}", join_sizes(c.ahead_at)));
    case Crossover::Kind::never:
      return c.ahead_at.empty()
                 ? fmt::format("at no size measured, {} to {}", c.smallest, c.largest)
                 : fmt::format("not at the largest size {} (only at {})", c.largest,
                               join_sizes(c.ahead_at));
  }
  return "";
}

std::string describe_best_cpu_library(const CpuLibraryVerdict& v) {
  if (v.sizes.empty()) return "no size measured with two libraries";
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> wins;  // in order of first win
  for (const CpuLibrarySize& s : v.sizes) {
    auto it =
        std::find_if(wins.begin(), wins.end(), [&](const auto& w) { return w.first == s.best; });
    if (it == wins.end())
      wins.push_back({s.best, {s.n}});
    else
      it->second.push_back(s.n);
  }
  if (wins.size() == 1)
    return v.sizes.size() == 1
               ? fmt::format("{} at {}, the only size compared", wins[0].first, v.sizes[0].n)
               : fmt::format("{} at every size measured, {} to {}", wins[0].first,
                             v.sizes.front().n, v.sizes.back().n);
  std::string out;
  for (const auto& [name, sizes] : wins)
    out += fmt::format("{}{} at {}", out.empty() ? "" : "; ", name, join_sizes(sizes));
  return out;
}

void write_verdict(std::ostream& os, const Verdict& v) {
  if (!v.dtypes.empty()) {
    os << "\nDo I need a GPU? Best GPU row against best CPU row at each square size:\n";
    for (const DtypeVerdict& d : v.dtypes) write_dtype_verdict(os, d, v);
    if (v.pricing)
      os << fmt::format(
          "  prices: GPU ${:.2f}/h, CPU ${:.2f}/h ({}); GFLOP/$ = GFLOPS x 3600 / "
          "($/h)\n",
          v.pricing->gpu_usd_per_hour, v.pricing->cpu_usd_per_hour, v.pricing->source);
  }
  write_cpu_libraries(os, v);
  if (!v.dtypes.empty()) write_roofline(os, v);
}

}  // namespace gpubench
