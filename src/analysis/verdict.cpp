// The verdict: crossovers, speedups, price and roofline computed from Records (output/ prints it).
#include "gpubench/analysis/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "gpubench/core/format_util.hpp"

namespace gpubench {

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
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

using Rows = std::vector<const Record*>;

bool any_ok(const Rows& rows) {
  return std::any_of(rows.begin(), rows.end(), [](const Record* x) { return x->ok(); });
}

bool plain_square_of(const Record& rec, std::int64_t n) {
  return rec.ok() && rec.shape.square() && rec.shape.plain() && rec.shape.n == n;
}

// The best CPU row and the best GPU rows (kernel only and end to end per host memory) at size n.
SizePoint size_point(std::int64_t n, const Rows& cpu_rows, const Rows& gpu_rows) {
  SizePoint p;
  p.n = n;
  for (const Record* c : cpu_rows)
    if (plain_square_of(*c, n) && c->main.gflops > p.cpu_gflops) {
      p.cpu_gflops = c->main.gflops, p.cpu_backend = c->backend;
      p.cpu_gflops_per_watt = c->main.telemetry.gflops_per_watt;
      p.cpu_energy_unavailable = c->main.telemetry.unavailable;
    }
  for (const Record* g : gpu_rows) {
    if (!plain_square_of(*g, n)) continue;
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
  return p;
}

// Where the GPU is ahead (kernel only, with each kind of copies) and, with prices, where it pays.
void find_crossovers(DtypeVerdict& v, const std::optional<Pricing>& pricing) {
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
}

DtypeVerdict verdict_for(const Results& r, const std::string& host, DType dtype,
                         const std::optional<Pricing>& pricing) {
  DtypeVerdict v;
  v.host = host;
  v.dtype = dtype;
  auto rows_of = [&](DType d, DeviceKind k) {
    Rows out;
    for (const Record& rec : r.records)
      if (rec.host == host && rec.dtype == d && rec.device_kind == k) out.push_back(&rec);
    return out;
  };
  // A spec without CPU rows of its own (tf32, the GPU's fast mode for fp32 data) is answered by
  // the CPU rows of its GemmSpec's cpu_equivalent (fp32 GEMM).
  v.cpu_dtype = dtype;
  if (!any_ok(rows_of(dtype, DeviceKind::cpu))) v.cpu_dtype = spec_of(dtype).cpu_equivalent;
  const Rows cpu_rows = rows_of(v.cpu_dtype, DeviceKind::cpu);
  const Rows gpu_rows = rows_of(dtype, DeviceKind::gpu);

  std::set<std::int64_t> sizes;
  for (const Rows* rows : {&cpu_rows, &gpu_rows})
    for (const Record* rec : *rows)
      if (rec->shape.square() && rec->shape.plain()) sizes.insert(rec->shape.n);
  for (std::int64_t n : sizes) {
    const SizePoint p = size_point(n, cpu_rows, gpu_rows);
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
  find_crossovers(v, pricing);
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

std::vector<std::string> host_memory_kinds(const std::vector<SizePoint>& points) {
  std::vector<std::string> kinds;
  for (const SizePoint& p : points)
    for (const auto& [kind, g] : p.e2e_gflops)
      if (!has(kinds, kind)) kinds.push_back(kind);
  return kinds;
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

}  // namespace gpubench
