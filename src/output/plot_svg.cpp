// The sweep chart as a self-contained SVG: two panels sharing a log2 size axis, GFLOPS on top and
// the GPU-over-CPU speedup below, crossovers marked, a legend, one series per input x backend x
// dtype (dashed where host-device copies are included).
#include "gpubench/output/plot.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/analysis/analysis.hpp"

namespace gpubench {

namespace {

// Tableau 10: distinguishable, and readable on white.
constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

constexpr double kWidth = 1040, kHeight = 800;
constexpr double kLeft = 80, kRight = 690;      // plot area, both panels
constexpr double kTopY0 = 70, kTopY1 = 420;     // GFLOPS panel
constexpr double kBotY0 = 480, kBotY1 = 720;    // speedup panel
constexpr double kLegendX = 710;

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

struct Point {
  double x, y;
};

struct Series {
  std::string label;
  std::string color;
  bool dashed = false;
  std::vector<Point> points;  // (n, value), ascending n
};

// A log-scale axis mapping [lo, hi] onto pixels [p0, p1].
struct LogAxis {
  double lo = 1, hi = 10, p0 = 0, p1 = 1;
  double operator()(double v) const {
    return p0 + (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo)) * (p1 - p0);
  }
};

// Whether a value can sit on a log axis: zero, negative, NaN and infinite values cannot, and are
// left out of the chart (a 0 on a decade loop multiplied by 10 forever: issue 15 item 14).
bool drawable(double v) { return std::isfinite(v) && v > 0; }

// At most this many grid lines per axis, whatever the data: every loop over a data-derived range
// is bounded.
constexpr int kMaxTicks = 24;

// Decades spanning [lo, hi], at least one decade wide.
std::pair<double, double> decade_range(double lo, double hi) {
  double a = std::pow(10.0, std::floor(std::log10(lo)));
  double b = std::pow(10.0, std::ceil(std::log10(hi)));
  if (b <= a) b = a * 10;
  return {a, b};
}

std::string size_label(double n) {
  if (n >= 1024 && std::fmod(n, 1024) == 0) return fmt::format("{:.0f}k", n / 1024);
  return fmt::format("{:.0f}", n);
}

std::string decade_label(double v) {
  if (v >= 1e6) return fmt::format("{:.0f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.0f}k", v / 1e3);
  if (v >= 1) return fmt::format("{:.0f}", v);
  return fmt::format("{:g}", v);
}

std::string polyline(const Series& s, const LogAxis& x, const LogAxis& y) {
  std::string pts;
  for (const Point& p : s.points) pts += fmt::format("{:.1f},{:.1f} ", x(p.x), y(p.y));
  if (!pts.empty()) pts.pop_back();
  std::string out = fmt::format(
      "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} points=\"{}\"><title>{}</title>"
      "</polyline>\n",
      s.color, s.dashed ? " stroke-dasharray=\"6,4\"" : "", pts, xml_escape(s.label));
  for (const Point& p : s.points)
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{}: {} {}"
                       "</title></circle>\n",
                       x(p.x), y(p.y), s.color, xml_escape(s.label), size_label(p.x),
                       p.y >= 100 ? fmt::format("{:.0f}", p.y) : fmt::format("{:.3g}", p.y));
  return out;
}

// Grid lines and labels of one panel: powers of two on x, decades on y.
std::string panel_frame(const LogAxis& x, const LogAxis& y, const std::string& y_title,
                        const std::string& y_unit) {
  std::string out;
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
                     "stroke=\"#888\"/>\n",
                     kLeft, y.p1, kRight - kLeft, y.p0 - y.p1);
  // Powers of two, every `step`-th one when the sizes span more than kMaxTicks octaves.
  const double first = std::ceil(std::log2(x.lo)), last = std::floor(std::log2(x.hi));
  const double x_step = std::max(1.0, std::ceil((last - first + 1) / kMaxTicks));
  for (int i = 0; i < kMaxTicks && first + i * x_step <= last; ++i) {
    const double n = std::exp2(first + i * x_step);
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" "
                       "stroke=\"#e4e4e4\"/>\n",
                       x(n), y.p1, y.p0);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x(n),
                       y.p0 + 16, size_label(n));
  }
  const double decades = std::round(std::log10(y.hi / y.lo));
  const double y_step = std::max(1.0, std::ceil((decades + 1) / kMaxTicks));
  for (int i = 0; i < kMaxTicks && i * y_step <= decades; ++i) {
    const double v = y.lo * std::pow(10.0, i * y_step);
    out += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" "
                       "stroke=\"#e4e4e4\"/>\n",
                       kLeft, y(v), kRight, y(v));
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}{}</text>\n", kLeft - 6,
                       y(v) + 4, decade_label(v), y_unit);
  }
  out += fmt::format("<text x=\"18\" y=\"{0:.1f}\" transform=\"rotate(-90 18 {0:.1f})\" "
                     "text-anchor=\"middle\" font-weight=\"bold\">{1}</text>\n",
                     (y.p0 + y.p1) / 2, xml_escape(y_title));
  return out;
}

}  // namespace

std::vector<std::string> plot_labels(const std::vector<std::string>& paths,
                                     const std::vector<Results>& results) {
  std::vector<std::string> labels;
  for (const Results& r : results) labels.push_back(r.system.hostname);
  auto repeated = [&](std::size_t i) {
    return std::count(labels.begin(), labels.end(), labels[i]) > 1 || labels[i].empty();
  };
  std::vector<std::string> out = labels;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (repeated(i) && i < paths.size())
      out[i] = printable_text(std::filesystem::path(paths[i]).filename().string());
  std::vector<std::string> numbered = out;  // the same file twice: number them
  for (std::size_t i = 0; i < out.size(); ++i)
    if (std::count(out.begin(), out.end(), out[i]) > 1) numbered[i] += fmt::format(" #{}", i + 1);
  return numbered;
}

namespace {

// A crossover between two measured sizes, drawn as a vertical line at their geometric middle.
struct Mark {
  double x;
  std::string color, what, where;  // "fp32 with pinned copies", "GPU ahead from 512 (...)"
  bool dashed;
};

// What the chart shows, gathered from every input before anything is drawn (the axes depend on
// all of it).
struct Chart {
  std::vector<Series> perf, speed;  // top panel (GFLOPS), bottom panel (speedup)
  std::vector<Mark> marks;
  std::vector<double> price_ratios;
  std::size_t rectangular = 0;      // rows not drawn
  std::set<std::string> described;  // subtitle lines
  std::size_t color_index = 0;
};

void sort_points(Series& s) {
  std::sort(s.points.begin(), s.points.end(), [](Point a, Point b) { return a.x < b.x; });
}

// One series key of an input: a backend and dtype on one rank and GPU.
using SeriesKey = std::tuple<std::string, DType, int, int>;

// The kernel-only and end-to-end lines of one key, GFLOPS and speedup (from the Analysis).
// Returns whether the key is a GPU's.
bool add_series(Chart& chart, const Results& r, const Analysis& a, const SeriesKey& key,
                const std::string& name, const std::string& color) {
  const auto& [backend, dtype, rank, device] = key;
  Series kernel{name, color, false, {}}, kernel_speed{name, color, false, {}};
  std::map<std::string, Series> e2e, e2e_speed;
  bool gpu = false;
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    const Record& rec = r.records[i];
    if (!rec.ok() || !rec.shape.square() || rec.backend != backend || rec.dtype != dtype ||
        rec.rank != rank || rec.device_index != device)
      continue;
    const double n = double(rec.shape.n);
    gpu = gpu || rec.device_kind == DeviceKind::gpu;
    if (drawable(rec.main.gflops)) kernel.points.push_back({n, rec.main.gflops});
    const auto& speedup = a.records[i].speedup_vs_cpu;
    const double sp = speedup ? *speedup : 0.0;
    if (drawable(sp)) kernel_speed.points.push_back({n, sp});
    if (rec.end_to_end_gflops && drawable(*rec.end_to_end_gflops)) {
      const std::string mem = rec.host_memory.empty() ? "copies" : rec.host_memory + " copies";
      auto& s = e2e.try_emplace(mem, Series{name + " + " + mem, color, true, {}}).first->second;
      s.points.push_back({n, *rec.end_to_end_gflops});
      if (drawable(sp) && drawable(sp * *rec.end_to_end_gflops / rec.main.gflops)) {
        auto& t =
            e2e_speed.try_emplace(mem, Series{name + " + " + mem, color, true, {}}).first->second;
        t.points.push_back({n, sp * *rec.end_to_end_gflops / rec.main.gflops});
      }
    }
  }
  for (Series* s : {&kernel, &kernel_speed}) sort_points(*s);
  if (!kernel.points.empty()) chart.perf.push_back(kernel);
  if (!kernel_speed.points.empty()) chart.speed.push_back(kernel_speed);
  for (auto* m : {&e2e, &e2e_speed})
    for (auto& [mem, s] : *m) {
      sort_points(s);
      (m == &e2e ? chart.perf : chart.speed).push_back(s);
    }
  return gpu;
}

// The verdict's crossovers as marks, in the color of their dtype's GPU series; the price ratio.
void add_crossovers(Chart& chart, const Verdict& v, const std::string& prefix,
                    std::map<DType, std::string>& dtype_color) {
  for (const DtypeVerdict& d : v.dtypes) {
    auto mark = [&](const Crossover& c, const std::string& what, bool dashed) {
      if (c.kind != Crossover::Kind::between) return;
      const std::string color = dtype_color.count(d.dtype) ? dtype_color[d.dtype] : "#333";
      chart.marks.push_back(
          {std::sqrt(double(c.below) * double(c.above)), color,
           fmt::format("{}{} {}", prefix, to_string(d.dtype), what),
           fmt::format("GPU ahead from {} (between {} and {})", c.above, c.below, c.above),
           dashed});
    };
    mark(d.kernel, "kernel only", false);
    for (const auto& [mem, c] : d.with_copies) mark(c, "with " + mem + " copies", true);
  }
  if (v.pricing && drawable(v.pricing->gpu_usd_per_hour / v.pricing->cpu_usd_per_hour))
    chart.price_ratios.push_back(v.pricing->gpu_usd_per_hour / v.pricing->cpu_usd_per_hour);
}

void add_input(Chart& chart, const PlotInput& in, bool several) {
  const Results& r = in.results;
  const Analysis a = analyse(r);
  const std::string prefix = several ? in.label + ": " : "";
  // Series keys in record order: backend + dtype, and the rank and GPU where a file holds
  // several (--device all, mpirun): one line per device, never two devices' points in one.
  std::vector<SeriesKey> keys;
  std::set<int> ranks, devices;
  for (const Record& rec : r.records) {
    if (!rec.ok()) continue;
    if (!rec.shape.square()) {
      ++chart.rectangular;
      continue;
    }
    const auto key = std::make_tuple(rec.backend, rec.dtype, rec.rank, rec.device_index);
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    ranks.insert(rec.rank);
    if (rec.device_index >= 0) devices.insert(rec.device_index);
  }
  std::map<DType, std::string> dtype_color;  // crossover marks take the color of the GPU series
  for (const SeriesKey& key : keys) {
    const auto& [backend, dtype, rank, device] = key;
    const std::string color = kPalette[chart.color_index++ % std::size(kPalette)];
    const std::string name = fmt::format(
        "{}{}{}{} {}", prefix, ranks.size() > 1 ? fmt::format("rank {} ", rank) : "", backend,
        devices.size() > 1 && device >= 0 ? fmt::format("[{}]", device) : "", to_string(dtype));
    if (add_series(chart, r, a, key, name, color) && !dtype_color.count(dtype))
      dtype_color[dtype] = color;
  }
  if (a.verdict) add_crossovers(chart, *a.verdict, prefix, dtype_color);
  std::string gpus;
  for (const GpuInfo& g : r.system.gpus) gpus += (gpus.empty() ? "" : ", ") + g.name;
  chart.described.insert(fmt::format("{}{} | {} | GPU: {}", prefix, r.system.hostname,
                                     r.system.cpu.model, gpus.empty() ? "none" : gpus));
}

struct Axes {
  LogAxis x, gflops, speedup;
};

// Half an octave of margin on each side of the sizes; whole decades on the value axes.
Axes axes_for(const Chart& chart) {
  double n_lo = 1e300, n_hi = 0, g_lo = 1e300, g_hi = 0, s_lo = 1, s_hi = 1;
  for (const Series& s : chart.perf)
    for (const Point& p : s.points) {
      n_lo = std::min(n_lo, p.x), n_hi = std::max(n_hi, p.x);
      g_lo = std::min(g_lo, p.y), g_hi = std::max(g_hi, p.y);
    }
  for (const Series& s : chart.speed)
    for (const Point& p : s.points) s_lo = std::min(s_lo, p.y), s_hi = std::max(s_hi, p.y);
  for (double ratio : chart.price_ratios)
    s_lo = std::min(s_lo, ratio), s_hi = std::max(s_hi, ratio);
  const auto [glo, ghi] = decade_range(g_lo, g_hi);
  const auto [slo, shi] = decade_range(s_lo, s_hi);
  return {LogAxis{n_lo / std::sqrt(2.0), n_hi * std::sqrt(2.0), kLeft, kRight},
          LogAxis{glo, ghi, kTopY1, kTopY0}, LogAxis{slo, shi, kBotY1, kBotY0}};
}

std::string header_svg(const Chart& chart) {
  std::string svg;
  svg += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
                     "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n",
                     kWidth, kHeight);
  svg += "<title>gpubench: matrix multiplication GFLOPS and GPU speedup against size</title>\n";
  svg += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"white\"/>\n", kWidth, kHeight);
  svg += fmt::format("<text x=\"{}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">Matrix "
                     "multiplication C = A·B, square n×n: GFLOPS and GPU speedup over the CPU"
                     "</text>\n",
                     kLeft);
  double sub_y = 42;
  for (const std::string& line : chart.described) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555\">{}</text>\n", kLeft, sub_y,
                       xml_escape(line));
    sub_y += 14;
    if (sub_y > kTopY0 - 2) break;
  }
  return svg;
}

// Both panels' frames, the GPU = CPU line, the price ratios and the x axis title.
std::string panels_svg(const Chart& chart, const Axes& ax) {
  const LogAxis& ys = ax.speedup;
  std::string svg;
  svg += "<g id=\"gflops\">\n" + panel_frame(ax.x, ax.gflops, "GFLOPS (log scale)", "") + "</g>\n";
  svg += "<g id=\"speedup\">\n" + panel_frame(ax.x, ys, "GPU / CPU speedup (log)", "x");
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#000\" "
                     "stroke-width=\"1.5\"/>\n<text x=\"{3}\" y=\"{4:.1f}\">GPU = CPU</text>\n",
                     kLeft, ys(1.0), kRight, kLeft + 4, ys(1.0) - 4);
  for (double ratio : std::set<double>(chart.price_ratios.begin(), chart.price_ratios.end()))
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#b00\" "
                       "stroke-dasharray=\"2,3\"/>\n<text x=\"{3}\" y=\"{4:.1f}\" fill=\"#b00\">"
                       "price ratio {5:.1f}x: the GPU pays off above</text>\n",
                       kLeft, ys(ratio), kRight, kLeft + 4, ys(ratio) - 4, ratio);
  if (chart.speed.empty())
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">no GPU and "
                       "CPU rows of the same size: no speedup to draw</text>\n",
                       (kLeft + kRight) / 2, (kBotY0 + kBotY1) / 2);
  svg += "</g>\n";
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">matrix "
                     "size n (log2 scale)</text>\n",
                     (kLeft + kRight) / 2, kBotY1 + 36);
  return svg;
}

const char* mark_dash(const Mark& m) { return m.dashed ? "8,3,2,3" : "3,3"; }

// A crossover lies between two measured sizes: its line is drawn at their geometric middle and
// explained in the legend.
std::string lines_svg(const Chart& chart, const Axes& ax) {
  std::string svg = "<g id=\"crossovers\">\n";
  for (const Mark& m : chart.marks)
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"{3}\" "
                       "stroke-width=\"1.5\" stroke-dasharray=\"{4}\"><title>{5}: {6}</title>"
                       "</line>\n",
                       ax.x(m.x), kTopY0, kBotY1, m.color, mark_dash(m), xml_escape(m.what),
                       xml_escape(m.where));
  svg += "</g>\n<g id=\"series\">\n";
  for (const Series& s : chart.perf) svg += polyline(s, ax.x, ax.gflops);
  for (const Series& s : chart.speed) svg += polyline(s, ax.x, ax.speedup);
  svg += "</g>\n";
  return svg;
}

std::string legend_svg(const Chart& chart) {
  std::string svg = "<g id=\"legend\">\n";
  double ly = kTopY0 + 6;
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">legend</text>\n", kLegendX, ly);
  ly += 18;
  for (const Series& s : chart.perf) {
    if (ly > kHeight - 60) break;
    svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
                       "stroke-width=\"2\"{}/>\n<text x=\"{}\" y=\"{}\">{}</text>\n",
                       kLegendX, ly - 4, kLegendX + 28, ly - 4, s.color,
                       s.dashed ? " stroke-dasharray=\"6,4\"" : "", kLegendX + 34, ly,
                       xml_escape(s.label));
    ly += 16;
  }
  ly += 8;
  svg += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555\">solid: kernel only; dashed: with "
                     "host-device</text>\n<text x=\"{}\" y=\"{}\" fill=\"#555\">copies; "
                     "vertical lines: crossovers</text>\n",
                     kLegendX, ly, kLegendX, ly + 14);
  ly += 40;
  if (!chart.marks.empty() && ly < kHeight - 60) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">crossovers</text>\n",
                       kLegendX, ly);
    ly += 18;
  }
  for (const Mark& m : chart.marks) {
    if (ly > kHeight - 40) break;
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" "
                       "stroke-width=\"1.5\" stroke-dasharray=\"{4}\"/>\n<text x=\"{5}\" y=\"{6}\" "
                       "fill=\"{3}\">{7}:</text>\n<text x=\"{5}\" y=\"{8}\">{9}</text>\n",
                       kLegendX + 6, ly - 11, ly + 16, m.color, mark_dash(m), kLegendX + 16, ly,
                       xml_escape(m.what), ly + 14, xml_escape(m.where));
    ly += 34;
  }
  svg += "</g>\n";
  return svg;
}

}  // namespace

std::string render_svg(const std::vector<PlotInput>& inputs) {
  Chart chart;
  for (const PlotInput& in : inputs) add_input(chart, in, inputs.size() > 1);
  if (chart.perf.empty())
    throw UsageError("nothing to plot: no input holds an ok row of a square size");
  const Axes ax = axes_for(chart);
  std::string svg = header_svg(chart) + panels_svg(chart, ax) + lines_svg(chart, ax) +
                    legend_svg(chart);
  if (chart.rectangular > 0)
    svg += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555\">{} rows of rectangular shapes are "
                       "not drawn (see the table's roofline note)</text>\n",
                       kLeft, kHeight - 14, chart.rectangular);
  svg += "</svg>\n";
  return svg;
}

std::string render_html(const std::string& svg, const std::string& title) {
  return fmt::format("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                     "<title>{}</title>\n</head>\n<body>\n{}</body>\n</html>\n",
                     xml_escape(title), svg);
}

}  // namespace gpubench
