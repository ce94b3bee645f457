// The chart: parsed with a real XML parser (python3's xml.etree, through tests/check_svg.py).
#include <gtest/gtest.h>

#include "sample_results.hpp"

#include <cstdio>
#include <fstream>
#include <limits>

#include "gpubench/core/errors.hpp"
#include "gpubench/output/plot.hpp"

using namespace gpubench;

namespace {

Record row(std::int64_t n, const char* backend, DeviceKind k, double gflops) {
  return gpubench::testing::record_at_gflops(n, DType::fp32, backend, k, gflops, 3);
}

Results sweep(const std::string& host, double cpu_scale) {
  Results r;
  r.system.hostname = host;
  r.system.cpu.model = "Test CPU <fast> & \"quoted\"";  // must be escaped
  const std::int64_t sizes[] = {128, 256, 512, 1024};
  const double gpu[] = {50, 150, 400, 900}, e2e[] = {10, 60, 200, 600};
  for (int i = 0; i < 4; ++i) {
    Record c = row(sizes[i], "openblas", DeviceKind::cpu, 100 * cpu_scale);
    Record g = row(sizes[i], "cublas", DeviceKind::gpu, gpu[i]);
    g.end_to_end_gflops = e2e[i];
    g.host_memory = "pinned";
    c.host = g.host = host;
    r.records.push_back(c);
    r.records.push_back(g);
  }
  Record rect = row(64, "openblas", DeviceKind::cpu, 10);
  rect.shape = {64, 32, 16};
  rect.host = host;
  r.records.push_back(rect);
  return r;
}

// Writes `text` to a file and runs the checker on it; returns its exit status and output.
std::pair<int, std::string> check(const std::string& text, const std::string& name,
                                  const std::string& args) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  const std::string cmd = std::string(GPUBENCH_PYTHON3) + " " + GPUBENCH_CHECK_SVG + " " + path +
                          " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, "popen failed"};
  std::string out;
  char buf[512];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  return {pclose(p), out};
}

}  // namespace

TEST(Plot, WellFormedSvgWithSeriesLegendAndCrossovers) {
  const std::string svg = render_svg({{"box", sweep("box", 1)}});
  const auto [status, out] =
      check(svg, "gpubench_plot.svg",
            "--expect 'cublas fp32' --expect 'openblas fp32' --expect 'cublas fp32 + pinned copies'"
            " --expect 'GPU ahead from 256 (between 128 and 256)'"
            " --expect 'fp32 with pinned copies:'"
            " --expect 'GPU ahead from 512 (between 256 and 512)'"
            " --expect 'GPU = CPU' --expect 'rectangular'");
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(svg.find("Test CPU &lt;fast&gt; &amp; &quot;quoted&quot;"), std::string::npos);
}

// One line per CPU library, and the GPU's speedup drawn over the fastest of them.
TEST(Plot, OneLinePerCpuLibrary) {
  Results r = sweep("box", 1);
  for (std::int64_t n : {128, 256, 512, 1024}) {
    Record b = row(n, "blis", DeviceKind::cpu, 200);
    b.host = "box";
    r.records.push_back(b);
  }
  const std::string svg = render_svg({{"box", r}});
  const auto [status, out] = check(svg, "gpubench_plot_libraries.svg",
                                   "--expect 'openblas fp32' --expect 'blis fp32'"
                                   " --expect 'cublas fp32'");
  EXPECT_EQ(status, 0) << out;
}

TEST(Plot, SeveralInputsAreLabelledAndPriceRatioDrawn) {
  Results a = sweep("laptop", 1), b = sweep("cloud", 0.1);
  b.pricing = Pricing{1.0, 4.0, "test"};
  const std::string svg = render_svg({{"laptop", a}, {"cloud", b}});
  const auto [status, out] = check(svg, "gpubench_plot2.svg",
                                   "--expect 'laptop: cublas fp32' --expect 'cloud: openblas fp32'"
                                   " --expect 'price ratio 4.0x'");
  EXPECT_EQ(status, 0) << out;
}

TEST(Plot, HtmlPageHoldsTheSvgInline) {
  const std::string html = render_html(render_svg({{"box", sweep("box", 1)}}), "a <title>");
  const auto [status, out] = check(html, "gpubench_plot.html", "--html");
  EXPECT_EQ(status, 0) << out;
}

TEST(Plot, CheckerRejectsBrokenXml) {  // the checker itself can fail
  const auto [status, out] = check("<svg><g></svg>", "gpubench_broken.svg", "");
  EXPECT_NE(status, 0) << out;
}

TEST(Plot, NothingToPlotIsAUsageError) {
  Results r;
  Record rect = row(64, "openblas", DeviceKind::cpu, 10);
  rect.shape = {64, 32, 16};
  r.records.push_back(rect);
  EXPECT_THROW(render_svg({{"x", r}}), UsageError);
}

TEST(Plot, LabelsPreferHostnamesThenFileNames) {
  Results a, b, c;
  a.system.hostname = "gpu1";
  b.system.hostname = "laptop";
  c.system.hostname = "laptop";
  EXPECT_EQ(plot_labels({"x/a.json", "y/b.json", "z/c.json"}, {a, b, c}),
            (std::vector<std::string>{"gpu1", "b.json", "c.json"}));
  EXPECT_EQ(plot_labels({"a.json", "a.json"}, {a, a}),
            (std::vector<std::string>{"a.json #1", "a.json #2"}));
}

// Issue 15 item 14: a GPU row at 0 GFLOPS gave a speedup of 0, and the decade loop of the log axis
// multiplied 0 by 10 forever. Values a log axis cannot show are left out; the chart still ends.
TEST(Plot, ZeroNegativeAndNonFiniteValuesAreSkippedAndTheChartEnds) {
  for (double bad : {0.0, -5.0, std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN(), 1e-300}) {
    Results r = sweep("box", 1);
    for (Record& rec : r.records)
      if (rec.device_kind == DeviceKind::gpu && rec.shape.n == 256) {
        rec.main.gflops = bad;
        rec.end_to_end_gflops = bad;
      }
    const std::string svg = render_svg({{"box", r}});
    const auto [status, out] = check(svg, "gpubench_plot_zero.svg", "--expect 'cublas fp32'");
    EXPECT_EQ(status, 0) << bad << ": " << out;
    EXPECT_LT(svg.size(), 200000u) << bad;
    EXPECT_EQ(svg.find("nan"), std::string::npos) << bad;
    EXPECT_EQ(svg.find("inf"), std::string::npos) << bad;
  }
}
