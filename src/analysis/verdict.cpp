// The verdict: crossovers, speedups, price and roofline computed from Records, then printed.
#include "gpubench/analysis/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpubench/core/format_util.hpp"

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

// The first non-ok row's reason for a side, so "no CPU row" says why.
std::string reason_of(const Results& r, const std::string& host, DType d, DeviceKind k) {
  for (const Record& rec : r.records)
    if (rec.host == host && rec.dtype == d && rec.device_kind == k && !rec.ok() &&
        !rec.reason.empty())
      return fmt::format(" ({}: {})", rec.backend, rec.reason);
  return "";
}

// Applies the crossover rule to a ratio of each point against a threshold.
template <class RatioOf>
Crossover crossover_of(const std::vector<SizePoint>& points, double threshold, RatioOf ratio_of) {
  std::vector<std::int64_t> sizes;
  std::vector<bool> ahead;
  for (const SizePoint& p : points) {
    const std::optional<double> ratio = ratio_of(p);
    if (!ratio) continue;
    sizes.push_back(p.n);
    ahead.push_back(*ratio > threshold);
  }
  return find_crossover(sizes, ahead);
}

std::vector<std::string> host_memory_kinds(const std::vector<SizePoint>& points) {
  std::vector<std::string> kinds;
  for (const SizePoint& p : points)
    for (const auto& [kind, g] : p.e2e_gflops)
      if (!has(kinds, kind)) kinds.push_back(kind);
  return kinds;
}

DtypeVerdict verdict_for(const Results& r, const std::string& host, DType dtype,
                         const std::optional<Pricing>& pricing) {
  DtypeVerdict v;
  v.host = host;
  v.dtype = dtype;
  auto rows_of = [&](DType d, DeviceKind k) {
    std::vector<const Record*> out;
    for (const Record& rec : r.records)
      if (rec.host == host && rec.dtype == d && rec.device_kind == k) out.push_back(&rec);
    return out;
  };
  auto any_ok = [](const std::vector<const Record*>& rows) {
    return std::any_of(rows.begin(), rows.end(), [](const Record* x) { return x->ok(); });
  };
  // A spec without CPU rows of its own (tf32, the GPU's fast mode for fp32 data) is answered by
  // the CPU rows of its GemmSpec's cpu_equivalent (fp32 GEMM).
  v.cpu_dtype = dtype;
  if (!any_ok(rows_of(dtype, DeviceKind::cpu))) v.cpu_dtype = spec_of(dtype).cpu_equivalent;
  const auto cpu_rows = rows_of(v.cpu_dtype, DeviceKind::cpu);
  const auto gpu_rows = rows_of(dtype, DeviceKind::gpu);

  std::set<std::int64_t> sizes;
  for (const auto* rows : {&cpu_rows, &gpu_rows})
    for (const Record* rec : *rows)
      if (rec->shape.square() && rec->shape.plain()) sizes.insert(rec->shape.n);

  for (std::int64_t n : sizes) {
    SizePoint p;
    p.n = n;
    for (const Record* c : cpu_rows)
      if (c->ok() && c->shape.square() && c->shape.plain() && c->shape.n == n &&
          c->main.gflops > p.cpu_gflops) {
        p.cpu_gflops = c->main.gflops, p.cpu_backend = c->backend;
        p.cpu_gflops_per_watt = c->main.telemetry.gflops_per_watt;
        p.cpu_energy_unavailable = c->main.telemetry.unavailable;
      }
    for (const Record* g : gpu_rows) {
      if (!g->ok() || !g->shape.square() || !g->shape.plain() || g->shape.n != n) continue;
      if (g->main.gflops > p.gpu_gflops) {
        p.gpu_gflops = g->main.gflops, p.gpu_backend = g->backend;
        p.gpu_gflops_per_watt = g->main.telemetry.gflops_per_watt;
      }
      if (!g->end_to_end_gflops || *g->end_to_end_gflops <= 0) continue;
      const std::string kind = g->host_memory.empty() ? "unlabelled" : g->host_memory;
      auto it = std::find_if(p.e2e_gflops.begin(), p.e2e_gflops.end(),
                             [&](const auto& e) { return e.first == kind; });
      if (it == p.e2e_gflops.end())
        p.e2e_gflops.emplace_back(kind, *g->end_to_end_gflops);
      else
        it->second = std::max(it->second, *g->end_to_end_gflops);
    }
    if (p.cpu_gflops > 0 && p.gpu_gflops > 0)
      v.points.push_back(p);
    else
      v.unpaired.push_back(n);
  }

  if (v.points.empty()) {
    if (!any_ok(gpu_rows))
      v.why_no_comparison = "no GPU row ran" + reason_of(r, host, dtype, DeviceKind::gpu);
    else if (!any_ok(cpu_rows))
      v.why_no_comparison = "no CPU row ran" + reason_of(r, host, v.cpu_dtype, DeviceKind::cpu);
    else
      v.why_no_comparison = "no square size was measured on both the CPU and the GPU";
  }

  v.kernel = crossover_of(v.points, 1.0, [](const SizePoint& p) { return p.speedup(); });
  for (const std::string& kind : host_memory_kinds(v.points))
    v.with_copies.emplace_back(kind, crossover_of(v.points, 1.0, [&](const SizePoint& p) {
                                 return p.e2e_speedup(kind);
                               }));
  if (pricing) {
    const double ratio = pricing->gpu_usd_per_hour / pricing->cpu_usd_per_hour;
    v.price_kernel = crossover_of(v.points, ratio, [](const SizePoint& p) { return p.speedup(); });
    for (const std::string& kind : host_memory_kinds(v.points))
      v.price_with_copies.emplace_back(kind, crossover_of(v.points, ratio, [&](const SizePoint& p) {
                                         return p.e2e_speedup(kind);
                                       }));
  }
  for (const SizePoint& p : v.points)
    if (!v.peak || p.speedup() > v.peak->speedup()) v.peak = p;
  return v;
}

// The CPU libraries' ok square rows of one dtype on one host, compared size by size.
CpuLibraryVerdict cpu_libraries_for(const Results& r, const std::string& host, DType dtype) {
  CpuLibraryVerdict v;
  v.host = host;
  v.dtype = dtype;
  std::map<std::int64_t, CpuLibrarySize> by_n;
  for (const Record& rec : r.records) {
    if (rec.host != host || rec.dtype != dtype || rec.device_kind != DeviceKind::cpu || !rec.ok() ||
        !rec.shape.square() || !(rec.main.gflops > 0))
      continue;
    if (!has(v.libraries, rec.backend)) v.libraries.push_back(rec.backend);
    CpuLibrarySize& size = by_n[rec.shape.n];
    size.n = rec.shape.n;
    auto it = std::find_if(size.gflops.begin(), size.gflops.end(),
                           [&](const auto& g) { return g.first == rec.backend; });
    if (it == size.gflops.end())
      size.gflops.emplace_back(rec.backend, rec.main.gflops);
    else
      it->second = std::max(it->second, rec.main.gflops);
  }
  for (auto& [n, size] : by_n) {
    if (size.gflops.size() < 2) continue;
    for (const auto& [name, g] : size.gflops) {
      if (g > size.best_gflops) {
        size.runner_up_gflops = size.best_gflops;
        size.best_gflops = g;
        size.best = name;
      } else if (g > size.runner_up_gflops) {
        size.runner_up_gflops = g;
      }
    }
    v.sizes.push_back(size);
  }
  return v;
}

std::vector<CpuLibraryVerdict> cpu_library_verdicts(const Results& r,
                                                    const std::vector<std::string>& hosts) {
  std::vector<CpuLibraryVerdict> out;
  for (const std::string& host : hosts)
    for (DType d : kAllDTypes)
      if (CpuLibraryVerdict v = cpu_libraries_for(r, host, d); !v.sizes.empty())
        out.push_back(std::move(v));
  return out;
}

std::optional<double> gpu_peak_for(const SystemInfo& s, int index, DType d) {
  for (const GpuInfo& g : s.gpus)
    if (g.index == index)
      for (const auto& [name, value] : g.peak_gflops)
        if (name == peak_family(d)) return value;
  return std::nullopt;
}

std::optional<double> gpu_bandwidth_for(const SystemInfo& s, int index) {
  for (const GpuInfo& g : s.gpus)
    if (g.index == index) return g.peak_bandwidth_gbs;
  return std::nullopt;
}

std::vector<RooflineNote> roofline_notes(const Results& r) {
  const SystemInfo& s = r.system;
  std::vector<RooflineNote> notes;
  for (const Record& rec : r.records) {
    if (!rec.ok()) continue;
    auto it = std::find_if(notes.begin(), notes.end(), [&](const RooflineNote& n) {
      return n.shape == rec.shape && n.dtype == rec.dtype;
    });
    if (it == notes.end()) {
      RooflineNote note;
      note.shape = rec.shape;
      note.dtype = rec.dtype;
      note.intensity = arithmetic_intensity(rec.shape, rec.dtype);
      notes.push_back(note);
      it = notes.end() - 1;
    }
    const std::string label =
        rec.device_kind == DeviceKind::cpu ? "CPU" : fmt::format("GPU {}", rec.device_index);
    auto dev = std::find_if(it->devices.begin(), it->devices.end(),
                            [&](const RooflineDevice& d) { return d.label == label; });
    if (dev != it->devices.end()) continue;
    RooflineDevice d;
    d.label = label;
    d.peak_gflops = rec.peak_gflops;
    if (rec.device_kind == DeviceKind::cpu) {
      if (!d.peak_gflops)
        d.peak_gflops = rec.dtype == DType::fp64   ? s.cpu.peak_gflops_fp64
                        : rec.dtype == DType::fp32 ? s.cpu.peak_gflops_fp32
                                                   : std::nullopt;
      d.bandwidth_gbs = s.cpu.memory_bandwidth_gbs;
    } else {
      if (!d.peak_gflops) d.peak_gflops = gpu_peak_for(s, rec.device_index, rec.dtype);
      d.bandwidth_gbs = gpu_bandwidth_for(s, rec.device_index);
    }
    it->devices.push_back(d);
  }
  for (RooflineNote& n : notes)  // the CPU first, then GPUs by ordinal
    std::sort(n.devices.begin(), n.devices.end(),
              [](const RooflineDevice& a, const RooflineDevice& b) { return a.label < b.label; });
  return notes;
}

// A small aligned text table (right-aligned columns except those flagged left).
void emit_table(std::ostream& os, const std::string& indent,
                const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& left) {
  std::vector<std::size_t> width;
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], row[c].size());
    }
  for (const auto& row : rows) {
    std::string line = indent;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool l = c < left.size() && left[c];
      line += l ? fmt::format("{:<{}}", row[c], width[c]) : fmt::format("{:>{}}", row[c], width[c]);
      if (c + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
  }
}

// 1234567 -> "1.23M": GFLOP per dollar spans many decades.
std::string si(double v) {
  if (!(v > 0) || !std::isfinite(v)) return "-";
  const char* units[] = {"", "k", "M", "G", "T", "P"};
  int u = 0;
  while (v >= 1000 && u < 5) v /= 1000, ++u;
  return fmt::format("{}{}", v >= 100 ? fmt::format("{:.0f}", v)
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
  const std::string vs =
      v.cpu_dtype == v.dtype
          ? std::string(to_string(v.dtype))
          : fmt::format("{} (CPU: {})", to_string(v.dtype), to_string(v.cpu_dtype));
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
    lines.push_back({"work per joule:",
                     fmt::format("the GPU does {} the CPU's ({:.1f} vs {:.1f} GFLOPS/W)",
                                 speedup_text(*last.gpu_gflops_per_watt / *last.cpu_gflops_per_watt),
                                 *last.gpu_gflops_per_watt, *last.cpu_gflops_per_watt)});
  else if (last.gpu_gflops_per_watt)
    lines.push_back(
        {"work per joule:",
         fmt::format("GPU {:.1f} GFLOPS/W; the CPU's is unknown{}", *last.gpu_gflops_per_watt,
                     last.cpu_energy_unavailable.empty() ? ""
                                                         : " (" + last.cpu_energy_unavailable + ")")});
  if (v.peak)
    lines.push_back({"peak speedup:", fmt::format("{} at {}", speedup_text(v.peak->speedup()),
                                                  v.peak->n)});
  if (!v.unpaired.empty())
    lines.push_back({"not compared:", join_sizes(v.unpaired) + " (no ok row on one side)"});
  if (all.pricing && v.price_kernel) {
    const double ratio = all.pricing->gpu_usd_per_hour / all.pricing->cpu_usd_per_hour;
    lines.push_back({fmt::format("GPU pays off (> {}):", speedup_text(ratio)),
                     "kernel only " + describe_crossover(*v.price_kernel)});
    for (const auto& [kind, c] : v.price_with_copies)
      lines.push_back({"", fmt::format("{} copies {}", kind, describe_crossover(c))});
  }
  emit_table(os, "    ", lines, {true, true});

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
  emit_table(os, "    ", rows, left);
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
  for (const auto& [d, line] : ridges)
    os << fmt::format("  ridge {}: {}\n", to_string(d), line);
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
  emit_table(os, "  ", rows, left);
  // Why skinny shapes gain less: bound by memory on both sides, the GPU's lead is the ratio of
  // bandwidths, not of FLOPS.
  std::optional<double> cpu_bw, gpu_bw;
  for (const RooflineNote& n : v.roofline)
    for (const RooflineDevice& d : n.devices) {
      if (d.label == "CPU" && d.bandwidth_gbs) cpu_bw = d.bandwidth_gbs;
      if (d.label != "CPU" && d.bandwidth_gbs && !gpu_bw) gpu_bw = d.bandwidth_gbs;
    }
  if (cpu_bw && gpu_bw)
    os << fmt::format("  A shape bound by memory on both can run at most {:.0f}x faster on the GPU "
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
      row.push_back(fmt::format("{}, {:.2f}x the next", s.best, s.best_gflops / s.runner_up_gflops));
      rows.push_back(row);
    }
    std::vector<bool> left(head.size(), false);
    left.back() = true;
    emit_table(os, "    ", rows, left);
  }
}

}  // namespace

Crossover find_crossover(const std::vector<std::int64_t>& sizes, const std::vector<bool>& ahead) {
  Crossover c;
  if (sizes.empty() || sizes.size() != ahead.size()) return c;
  c.smallest = sizes.front();
  c.largest = sizes.back();
  std::ptrdiff_t last_behind = -1;
  for (std::size_t i = 0; i < ahead.size(); ++i)
    if (!ahead[i]) last_behind = std::ptrdiff_t(i);
  const std::size_t lead_from = std::size_t(last_behind + 1);  // ahead from here to the end
  for (std::size_t i = 0; i < std::min(lead_from, ahead.size()); ++i)
    if (ahead[i]) c.ahead_at.push_back(sizes[i]);
  if (last_behind < 0) {
    c.kind = Crossover::Kind::always;
  } else if (lead_from == sizes.size()) {
    c.kind = Crossover::Kind::never;
  } else {
    c.kind = Crossover::Kind::between;
    c.below = sizes[std::size_t(last_behind)];
    c.above = sizes[lead_from];
  }
  return c;
}

std::string describe_crossover(const Crossover& c) {
  switch (c.kind) {
    case Crossover::Kind::no_data: return "no size measured on both";
    case Crossover::Kind::always:
      return c.smallest == c.largest
                 ? fmt::format("at {}, the only size compared", c.smallest)
                 : fmt::format("at every size measured, {} to {}", c.smallest, c.largest);
    case Crossover::Kind::between:
      return fmt::format("from {} on (between {} and {}){}", c.above, c.below, c.above,
                         c.ahead_at.empty() ? ""
                                            : fmt::format("; also at {}", join_sizes(c.ahead_at)));
    case Crossover::Kind::never:
      return c.ahead_at.empty()
                 ? fmt::format("at no size measured, {} to {}", c.smallest, c.largest)
                 : fmt::format("not at the largest size {} (only at {})", c.largest,
                               join_sizes(c.ahead_at));
  }
  return "";
}

namespace {

using nlohmann::json;

json finite_or_null(std::optional<double> v) {
  return v && std::isfinite(*v) ? json(*v) : json(nullptr);
}

json crossover_json(const Crossover& c) {
  const char* kinds[] = {"no_data", "never", "always", "between"};
  json j = {{"kind", kinds[int(c.kind)]}, {"text", describe_crossover(c)}};
  if (c.kind == Crossover::Kind::between) j["below"] = c.below, j["above"] = c.above;
  if (c.kind != Crossover::Kind::no_data) j["smallest"] = c.smallest, j["largest"] = c.largest;
  if (!c.ahead_at.empty()) j["also_ahead_at"] = c.ahead_at;
  return j;
}

json per_memory(const std::vector<std::pair<std::string, Crossover>>& v) {
  json j = json::object();
  for (const auto& [kind, c] : v) j[kind] = crossover_json(c);
  return j;
}

json dtype_verdict_json(const DtypeVerdict& d, const std::optional<Pricing>& price) {
  json j = {{"host", d.host},
            {"dtype", to_string(d.dtype)},
            {"cpu_dtype", to_string(d.cpu_dtype)},
            {"unpaired_sizes", d.unpaired}};
  if (d.points.empty()) {
    j["why_no_comparison"] = d.why_no_comparison;
    return j;
  }
  j["crossover"] = crossover_json(d.kernel);
  j["crossover_with_copies"] = per_memory(d.with_copies);
  if (d.price_kernel) {
    j["price_crossover"] = crossover_json(*d.price_kernel);
    j["price_crossover_with_copies"] = per_memory(d.price_with_copies);
  }
  const double ratio = price ? price->gpu_usd_per_hour / price->cpu_usd_per_hour : 0;
  json sizes = json::array();
  for (const SizePoint& p : d.points) {
    json s = {{"n", p.n},
              {"cpu_backend", p.cpu_backend},
              {"cpu_gflops", finite_or_null(p.cpu_gflops)},
              {"gpu_backend", p.gpu_backend},
              {"gpu_gflops", finite_or_null(p.gpu_gflops)},
              {"speedup", finite_or_null(p.speedup())}};
    if (p.cpu_gflops_per_watt) s["cpu_gflops_per_watt"] = finite_or_null(*p.cpu_gflops_per_watt);
    if (p.gpu_gflops_per_watt) s["gpu_gflops_per_watt"] = finite_or_null(*p.gpu_gflops_per_watt);
    if (p.cpu_gflops_per_watt && p.gpu_gflops_per_watt)
      s["work_per_joule_ratio"] = finite_or_null(*p.gpu_gflops_per_watt / *p.cpu_gflops_per_watt);
    json e2e = json::object();
    for (const auto& [kind, g] : p.e2e_gflops) {
      e2e[kind] = {{"gflops", finite_or_null(g)}, {"speedup", finite_or_null(p.e2e_speedup(kind))}};
      if (price) {
        e2e[kind]["gflop_per_usd"] = finite_or_null(gflop_per_usd(g, price->gpu_usd_per_hour));
        e2e[kind]["gpu_pays_off"] = *p.e2e_speedup(kind) > ratio;
      }
    }
    s["with_copies"] = e2e;
    if (price) {
      s["cpu_gflop_per_usd"] = finite_or_null(gflop_per_usd(p.cpu_gflops, price->cpu_usd_per_hour));
      s["gpu_gflop_per_usd"] = finite_or_null(gflop_per_usd(p.gpu_gflops, price->gpu_usd_per_hour));
      s["gpu_pays_off"] = p.speedup() > ratio;
    }
    sizes.push_back(s);
  }
  j["sizes"] = sizes;
  const SizePoint& last = d.points.back();
  j["largest"] = {{"n", last.n}, {"speedup", finite_or_null(last.speedup())}};
  if (d.peak)
    j["peak_speedup"] = {{"n", d.peak->n}, {"speedup", finite_or_null(d.peak->speedup())}};
  return j;
}

}  // namespace

json verdict_to_json(const Verdict& v) {
  json dtypes = json::array();
  for (const DtypeVerdict& d : v.dtypes) dtypes.push_back(dtype_verdict_json(d, v.pricing));
  json roofline = json::array();
  for (const RooflineNote& n : v.roofline) {
    json devices = json::array();
    for (const RooflineDevice& d : n.devices)
      devices.push_back({{"device", d.label},
                         {"peak_gflops", finite_or_null(d.peak_gflops)},
                         {"bandwidth_gbs", finite_or_null(d.bandwidth_gbs)},
                         {"ridge_flop_per_byte", finite_or_null(d.ridge())},
                         {"bound", d.bound(n.intensity)}});
    roofline.push_back({{"shape", n.shape.label()},
                        {"m", n.shape.m},
                        {"n", n.shape.n},
                        {"k", n.shape.k},
                        {"dtype", to_string(n.dtype)},
                        {"flop_per_byte", finite_or_null(n.intensity)},
                        {"devices", devices}});
  }
  json cpu_libraries = json::array();
  for (const CpuLibraryVerdict& c : v.cpu_libraries) {
    json sizes = json::array();
    for (const CpuLibrarySize& s : c.sizes) {
      json gflops = json::object();
      for (const auto& [lib, g] : s.gflops) gflops[lib] = finite_or_null(g);
      sizes.push_back({{"n", s.n},
                       {"gflops", gflops},
                       {"best", s.best},
                       {"best_over_next", finite_or_null(s.best_gflops / s.runner_up_gflops)}});
    }
    cpu_libraries.push_back({{"host", c.host},
                             {"dtype", to_string(c.dtype)},
                             {"libraries", c.libraries},
                             {"best", describe_best_cpu_library(c)},
                             {"sizes", sizes}});
  }
  json j = {{"dtypes", dtypes}, {"cpu_libraries", cpu_libraries}, {"roofline", roofline}};
  j["price_ratio"] = v.pricing ? finite_or_null(v.pricing->gpu_usd_per_hour /
                                                v.pricing->cpu_usd_per_hour)
                               : json(nullptr);
  return j;
}

std::optional<double> SizePoint::e2e_speedup(const std::string& host_memory) const {
  for (const auto& [kind, g] : e2e_gflops)
    if (kind == host_memory && cpu_gflops > 0) return g / cpu_gflops;
  return std::nullopt;
}

double gflop_per_usd(double gflops, double usd_per_hour) {
  return usd_per_hour > 0 ? gflops * 3600.0 / usd_per_hour : 0.0;
}

double arithmetic_intensity(const Shape& s, DType d) {
  // Per product (a batch multiplies both sides alike); C may be stored wider than A and B.
  const double ab = double(s.m) * double(s.k) + double(s.k) * double(s.n);
  const double bytes =
      ab * double(element_bytes(d)) + double(s.m) * double(s.n) * double(element_bytes_c(d));
  return s.flops() / double(s.batch) / bytes;
}

std::optional<double> RooflineDevice::ridge() const {
  if (!peak_gflops || !bandwidth_gbs || *bandwidth_gbs <= 0) return std::nullopt;
  return *peak_gflops / *bandwidth_gbs;
}

std::string RooflineDevice::bound(double intensity) const {
  const auto r = ridge();
  if (!r) return "unknown";
  return intensity < *r ? "memory" : "compute";
}

bool verdict_applies(const Results& r) {
  bool cpu = false, gpu = false;
  for (const Record& rec : r.records) {
    if (!rec.ok()) continue;
    (rec.device_kind == DeviceKind::cpu ? cpu : gpu) = true;
  }
  if (cpu && gpu) return true;
  std::vector<std::string> hosts;
  for (const Record& rec : r.records)
    if (!has(hosts, rec.host)) hosts.push_back(rec.host);
  return !cpu_library_verdicts(r, hosts).empty();
}

std::string describe_best_cpu_library(const CpuLibraryVerdict& v) {
  if (v.sizes.empty()) return "no size measured with two libraries";
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> wins;  // in order of first win
  for (const CpuLibrarySize& s : v.sizes) {
    auto it = std::find_if(wins.begin(), wins.end(), [&](const auto& w) { return w.first == s.best; });
    if (it == wins.end()) wins.push_back({s.best, {s.n}});
    else it->second.push_back(s.n);
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

Verdict compute_verdict(const Results& r) {
  Verdict v;
  v.pricing = r.pricing;
  if (v.pricing && !(v.pricing->cpu_usd_per_hour > 0 && v.pricing->gpu_usd_per_hour > 0))
    v.pricing.reset();
  for (const Record& rec : r.records)
    if (!has(v.hosts, rec.host)) v.hosts.push_back(rec.host);
  std::vector<DType> gpu_dtypes;
  for (DType d : kAllDTypes)
    for (const Record& rec : r.records)
      if (rec.device_kind == DeviceKind::gpu && rec.dtype == d) {
        gpu_dtypes.push_back(d);
        break;
      }
  for (const std::string& host : v.hosts)
    for (DType d : gpu_dtypes) v.dtypes.push_back(verdict_for(r, host, d, v.pricing));
  v.cpu_libraries = cpu_library_verdicts(r, v.hosts);
  if (!v.dtypes.empty()) v.roofline = roofline_notes(r);
  return v;
}

void write_verdict(std::ostream& os, const Verdict& v) {
  if (!v.dtypes.empty()) {
    os << "\nDo I need a GPU? Best GPU row against best CPU row at each square size:\n";
    for (const DtypeVerdict& d : v.dtypes) write_dtype_verdict(os, d, v);
    if (v.pricing)
      os << fmt::format("  prices: GPU ${:.2f}/h, CPU ${:.2f}/h ({}); GFLOP/$ = GFLOPS x 3600 / "
                        "($/h)\n",
                        v.pricing->gpu_usd_per_hour, v.pricing->cpu_usd_per_hour,
                        v.pricing->source);
  }
  write_cpu_libraries(os, v);
  if (!v.dtypes.empty()) write_roofline(os, v);
}

}  // namespace gpubench
