// The verdict's logic on fixture Records: crossovers (none, always, between, noisy), copies,
// missing rows, tf32 against fp32, prices and the roofline note.
#include <gtest/gtest.h>

#include "sample_results.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gpubench/core/errors.hpp"
#include <nlohmann/json.hpp>

#include "gpubench/analysis/pricing.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/analysis/verdict.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/report_analysis.hpp"

using namespace gpubench;

namespace {

Record row(std::int64_t n, DType d, const char* backend, DeviceKind k, double gflops) {
  return gpubench::testing::record_at_gflops(n, d, backend, k, gflops);
}

Record gpu(std::int64_t n, double gflops, std::optional<double> e2e = std::nullopt,
           DType d = DType::fp32) {
  Record r = row(n, d, "cublas", DeviceKind::gpu, gflops);
  if (e2e) r.end_to_end_gflops = *e2e, r.host_memory = "pinned";
  return r;
}

Record cpu(std::int64_t n, double gflops, DType d = DType::fp32) {
  return row(n, d, "openblas", DeviceKind::cpu, gflops);
}

// CPU 100 GFLOPS flat; the GPU passes it at 256 kernel-only and at 512 with copies.
Results sweep() {
  Results r;
  r.system.hostname = "box";
  const std::int64_t sizes[] = {128, 256, 512, 1024};
  const double kernel[] = {50, 150, 400, 900}, e2e[] = {10, 60, 200, 600};
  for (int i = 0; i < 4; ++i) {
    r.records.push_back(cpu(sizes[i], 100));
    r.records.push_back(gpu(sizes[i], kernel[i], e2e[i]));
  }
  return r;
}

std::string json_of(const Results& r) {
  std::ostringstream os;
  write_json(os, r, analyse(r));
  return os.str();
}

std::string text_of(const Results& r) {
  std::ostringstream os;
  write_verdict(os, compute_verdict(r));
  return os.str();
}

}  // namespace

TEST(Crossover, BetweenTwoMeasuredSizes) {
  const Crossover c = find_crossover({128, 256, 512, 1024}, {false, false, true, true});
  EXPECT_EQ(c.kind, Crossover::Kind::between);
  EXPECT_EQ(c.below, 256);
  EXPECT_EQ(c.above, 512);
  EXPECT_TRUE(c.ahead_at.empty());
  EXPECT_EQ(describe_crossover(c), "from 512 on (between 256 and 512)");
}

TEST(Crossover, AlwaysNeverAndNoData) {
  const Crossover always = find_crossover({128, 256}, {true, true});
  EXPECT_EQ(always.kind, Crossover::Kind::always);
  EXPECT_EQ(describe_crossover(always), "at every size measured, 128 to 256");
  const Crossover never = find_crossover({128, 256}, {false, false});
  EXPECT_EQ(never.kind, Crossover::Kind::never);
  EXPECT_EQ(describe_crossover(never), "at no size measured, 128 to 256");
  EXPECT_EQ(find_crossover({}, {}).kind, Crossover::Kind::no_data);
  EXPECT_EQ(find_crossover({128}, {true, false}).kind, Crossover::Kind::no_data);
}

TEST(Crossover, AheadOnlyBelowALossIsReportedNotTrusted) {
  // Ahead at 128 (e.g. noise), behind at 256: the crossover is the last change, 256 -> 512.
  const Crossover c = find_crossover({128, 256, 512}, {true, false, true});
  EXPECT_EQ(c.kind, Crossover::Kind::between);
  EXPECT_EQ(c.below, 256);
  EXPECT_EQ(c.above, 512);
  EXPECT_EQ(c.ahead_at, std::vector<std::int64_t>{128});
  EXPECT_NE(describe_crossover(c).find("also at 128"), std::string::npos);
  // Ahead at small sizes but behind at the largest: not a crossover.
  const Crossover n = find_crossover({128, 256, 512}, {true, true, false});
  EXPECT_EQ(n.kind, Crossover::Kind::never);
  EXPECT_EQ(describe_crossover(n), "not at the largest size 512 (only at 128, 256)");
}

TEST(Verdict, AppliesOnlyWithOkCpuAndGpuRows) {
  Results r = sweep();
  EXPECT_TRUE(verdict_applies(r));
  Results cpu_only;
  cpu_only.records.push_back(cpu(128, 10));
  Record skipped = gpu(128, 1);
  skipped.status = Status::skipped;
  cpu_only.records.push_back(skipped);
  EXPECT_FALSE(verdict_applies(cpu_only));
}

TEST(Verdict, CopiesIncludedCrossoverComesLater) {
  const Verdict v = compute_verdict(sweep());
  ASSERT_EQ(v.dtypes.size(), 1u);
  const DtypeVerdict& d = v.dtypes[0];
  EXPECT_EQ(d.points.size(), 4u);
  EXPECT_EQ(d.kernel.kind, Crossover::Kind::between);
  EXPECT_EQ(d.kernel.below, 128);
  EXPECT_EQ(d.kernel.above, 256);
  ASSERT_EQ(d.with_copies.size(), 1u);
  EXPECT_EQ(d.with_copies[0].first, "pinned");
  EXPECT_EQ(d.with_copies[0].second.below, 256);
  EXPECT_EQ(d.with_copies[0].second.above, 512);
  ASSERT_TRUE(d.peak.has_value());
  EXPECT_EQ(d.peak->n, 1024);
  EXPECT_DOUBLE_EQ(d.peak->speedup(), 9.0);

  const std::string t = text_of(sweep());
  EXPECT_NE(t.find("GPU faster, kernel only:"), std::string::npos) << t;
  EXPECT_NE(t.find("from 256 on (between 128 and 256)"), std::string::npos) << t;
  EXPECT_NE(t.find("GPU faster, pinned copies:"), std::string::npos) << t;
  EXPECT_NE(t.find("from 512 on (between 256 and 512)"), std::string::npos) << t;
  EXPECT_NE(t.find("at 1024, the largest:"), std::string::npos) << t;
  EXPECT_NE(t.find("9.0x the CPU kernel only; 6.0x with pinned copies"), std::string::npos) << t;
  EXPECT_NE(t.find("peak speedup:"), std::string::npos) << t;
}

TEST(Verdict, GpuAlwaysFaster) {
  Results r;
  for (std::int64_t n : {64, 128, 256}) {
    r.records.push_back(cpu(n, 10));
    r.records.push_back(gpu(n, 100));
  }
  const Verdict v = compute_verdict(r);
  ASSERT_EQ(v.dtypes.size(), 1u);
  EXPECT_EQ(v.dtypes[0].kernel.kind, Crossover::Kind::always);
  EXPECT_TRUE(v.dtypes[0].with_copies.empty());  // none measured: nothing said about copies
  EXPECT_NE(text_of(r).find("at every size measured, 64 to 256"), std::string::npos) << text_of(r);
  EXPECT_EQ(text_of(r).find("copies"), std::string::npos) << text_of(r);
}

TEST(Verdict, NoCrossover) {
  Results r;
  for (std::int64_t n : {64, 128, 256}) {
    r.records.push_back(cpu(n, 100));
    r.records.push_back(gpu(n, 50));
  }
  const Verdict v = compute_verdict(r);
  EXPECT_EQ(v.dtypes[0].kernel.kind, Crossover::Kind::never);
  EXPECT_NE(text_of(r).find("at no size measured, 64 to 256"), std::string::npos) << text_of(r);
  EXPECT_NE(text_of(r).find("0.5x the CPU"), std::string::npos) << text_of(r);
}

TEST(Verdict, MissingRowsAreNotInventedOver) {
  Results r = sweep();
  // The GPU row at 256 failed; the CPU row at 512 was skipped: only 128 and 1024 pair up.
  for (Record& rec : r.records) {
    if (rec.shape.n == 256 && rec.device_kind == DeviceKind::gpu)
      rec.status = Status::failed, rec.reason = "verification failed";
    if (rec.shape.n == 512 && rec.device_kind == DeviceKind::cpu)
      rec.status = Status::skipped, rec.reason = "too little host memory";
  }
  const Verdict v = compute_verdict(r);
  const DtypeVerdict& d = v.dtypes[0];
  EXPECT_EQ(d.unpaired, (std::vector<std::int64_t>{256, 512}));
  EXPECT_EQ(d.kernel.below, 128);
  EXPECT_EQ(d.kernel.above, 1024);
  const std::string t = text_of(r);
  EXPECT_NE(t.find("from 1024 on (between 128 and 1024)"), std::string::npos) << t;
  EXPECT_NE(t.find("not compared:"), std::string::npos) << t;
  EXPECT_NE(t.find("256, 512 (no ok row on one side)"), std::string::npos) << t;
}

TEST(Verdict, DtypeWithoutCpuRowSaysWhy) {
  Results r = sweep();
  Record fp16_cpu = cpu(256, 0, DType::fp16);
  fp16_cpu.status = Status::unsupported;
  fp16_cpu.reason = "OpenBLAS has no fp16 GEMM";
  r.records.push_back(fp16_cpu);
  r.records.push_back(gpu(256, 5000, std::nullopt, DType::fp16));
  const Verdict v = compute_verdict(r);
  ASSERT_EQ(v.dtypes.size(), 2u);
  EXPECT_EQ(v.dtypes[1].dtype, DType::fp16);
  EXPECT_TRUE(v.dtypes[1].points.empty());
  EXPECT_EQ(v.dtypes[1].why_no_comparison,
            "no CPU row ran (openblas: OpenBLAS has no fp16 GEMM)");
  EXPECT_NE(text_of(r).find("fp16: no CPU row ran"), std::string::npos) << text_of(r);
}

TEST(Verdict, Tf32ComparesWithTheCpusFp32) {
  Results r;
  r.records.push_back(cpu(512, 100));
  r.records.push_back(gpu(512, 2000, std::nullopt, DType::tf32));
  const Verdict v = compute_verdict(r);
  ASSERT_EQ(v.dtypes.size(), 1u);
  EXPECT_EQ(v.dtypes[0].cpu_dtype, DType::fp32);
  ASSERT_EQ(v.dtypes[0].points.size(), 1u);
  EXPECT_DOUBLE_EQ(v.dtypes[0].points[0].speedup(), 20.0);
  EXPECT_NE(text_of(r).find("tf32 (CPU: fp32)"), std::string::npos) << text_of(r);
}

TEST(Verdict, SeveralHostsAreKeptApart) {
  Results r = sweep();
  for (Record rec : sweep().records) {
    rec.host = "other";
    rec.main.gflops *= rec.device_kind == DeviceKind::cpu ? 10 : 1;  // a much faster CPU there
    r.records.push_back(rec);
  }
  const Verdict v = compute_verdict(r);
  ASSERT_EQ(v.dtypes.size(), 2u);
  EXPECT_EQ(v.dtypes[0].kernel.above, 256);
  EXPECT_EQ(v.dtypes[1].host, "other");
  EXPECT_EQ(v.dtypes[1].kernel.kind, Crossover::Kind::never);
  EXPECT_NE(text_of(r).find("fp32 on other:"), std::string::npos) << text_of(r);
}

TEST(Price, GflopPerDollar) {
  EXPECT_DOUBLE_EQ(gflop_per_usd(100, 3.6), 100000.0);  // 100 GFLOPS for an hour at $3.60
  EXPECT_DOUBLE_EQ(gflop_per_usd(100, 0), 0.0);
}

TEST(Price, PaysOffOnlyAbovePriceRatio) {
  Results r = sweep();  // speedups 0.5, 1.5, 4, 9; with copies 0.1, 0.6, 2, 6
  r.pricing = Pricing{1.0, 3.0, "test"};
  const Verdict v = compute_verdict(r);
  const DtypeVerdict& d = v.dtypes[0];
  ASSERT_TRUE(d.price_kernel.has_value());
  EXPECT_EQ(d.price_kernel->below, 256);  // 1.5x < 3x: faster but not worth the price
  EXPECT_EQ(d.price_kernel->above, 512);
  ASSERT_EQ(d.price_with_copies.size(), 1u);
  EXPECT_EQ(d.price_with_copies[0].second.below, 512);  // 2x with copies < 3x
  EXPECT_EQ(d.price_with_copies[0].second.above, 1024);
  const std::string t = text_of(r);
  EXPECT_NE(t.find("GPU pays off (> 3.0x):"), std::string::npos) << t;
  EXPECT_NE(t.find("kernel only from 512 on (between 256 and 512)"), std::string::npos) << t;
  EXPECT_NE(t.find("pinned copies from 1024 on (between 512 and 1024)"), std::string::npos) << t;
  EXPECT_NE(t.find("CPU GFLOP/$"), std::string::npos) << t;
  // 256: CPU 100 GFLOPS at $1/h = 360k GFLOP/$; GPU 150 at $3/h = 180k: no.
  EXPECT_NE(t.find("360k"), std::string::npos) << t;
  EXPECT_NE(t.find("180k"), std::string::npos) << t;
  EXPECT_NE(t.find("1.5x  no, no with pinned"), std::string::npos) << t;
  EXPECT_NE(t.find("9.0x  yes, yes with pinned"), std::string::npos) << t;
  EXPECT_NE(t.find("prices: GPU $3.00/h, CPU $1.00/h (test)"), std::string::npos) << t;
}

TEST(Price, ResolveFromOptionsAndPresets) {
  EXPECT_FALSE(resolve_pricing({}).has_value());
  PriceOptions both;
  both.cpu_usd_per_hour = 0.5;
  both.gpu_usd_per_hour = 2.0;
  ASSERT_TRUE(resolve_pricing(both).has_value());
  EXPECT_DOUBLE_EQ(resolve_pricing(both)->gpu_usd_per_hour, 2.0);
  PriceOptions one;
  one.cpu_usd_per_hour = 0.5;
  EXPECT_THROW(resolve_pricing(one), UsageError);
  PriceOptions negative = both;
  negative.gpu_usd_per_hour = -1;
  EXPECT_THROW(resolve_pricing(negative), UsageError);
  // So small that GFLOP per dollar would overflow to infinity, or absurdly large: refused.
  for (double v : {1e-307, 1e-7, 1e7}) {
    PriceOptions odd = both;
    odd.cpu_usd_per_hour = v;
    EXPECT_THROW(resolve_pricing(odd), UsageError) << v;
  }

  const std::string file = ::testing::TempDir() + "gpubench_prices.json";
  std::ofstream(file) << R"({"presets": {"mine": {"cpu_usd_per_hour": 1, "gpu_usd_per_hour": 4},
                            "broken": {"cpu_usd_per_hour": 1}}})";
  PriceOptions preset;
  preset.preset = "mine";
  preset.file = file;
  auto p = resolve_pricing(preset);
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->gpu_usd_per_hour, 4.0);
  EXPECT_EQ(p->source, "preset mine");
  preset.gpu_usd_per_hour = 2.5;  // a price on the command line overrides the preset's
  EXPECT_DOUBLE_EQ(resolve_pricing(preset)->gpu_usd_per_hour, 2.5);
  preset.preset = "nope";
  try {
    resolve_pricing(preset);
    FAIL() << "unknown preset accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("known: broken, mine"), std::string::npos) << e.what();
  }
  preset.preset = "broken";
  EXPECT_THROW(resolve_pricing(preset), UsageError);
  preset.file = file + ".missing";
  EXPECT_THROW(resolve_pricing(preset), UsageError);
}

// A preset file that cannot be read says which and why in one line: a directory, /dev/zero.
TEST(Price, UnreadablePresetFileSaysWhy) {
  const auto message_for = [](const std::string& file) {
    PriceOptions o;
    o.preset = "mine";
    o.file = file;
    try {
      resolve_pricing(o);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message_for(::testing::TempDir()),
            "cannot read the price preset file '" + ::testing::TempDir() + "': it is a directory");
  EXPECT_NE(message_for("/dev/zero").find("cannot read the price preset file '/dev/zero'"),
            std::string::npos);
  EXPECT_EQ(price_preset_in(R"({"presets": {"a": {"cpu_usd_per_hour": 1,
                                                  "gpu_usd_per_hour": 3}}})",
                            "a", "text")
                .gpu_usd_per_hour,
            3.0);
  EXPECT_THROW(price_preset_names_in("[]", "text"), UsageError);
}

TEST(Price, ShippedPresetFileParses) {
  const auto names = price_preset_names(default_price_file());
  EXPECT_NE(std::find(names.begin(), names.end(), "h100-cloud"), names.end());
  for (const auto& name : names) {
    PriceOptions o;
    o.preset = name;
    EXPECT_NO_THROW(resolve_pricing(o)) << name;
  }
}

TEST(Roofline, ArithmeticIntensity) {
  // Square fp32: 2n^3 / (3 n^2 x 4 bytes) = n / 6.
  EXPECT_NEAR(arithmetic_intensity({600, 600, 600}, DType::fp32), 100.0, 1e-9);
  EXPECT_NEAR(arithmetic_intensity({600, 600, 600}, DType::bf16), 200.0, 1e-9);
  EXPECT_NEAR(arithmetic_intensity({600, 600, 600}, DType::fp64), 50.0, 1e-9);
  // A skinny product (K = 16) moves nearly all of C for very few FLOPs.
  EXPECT_LT(arithmetic_intensity({4096, 4096, 16}, DType::fp32), 8.0);
}

TEST(Roofline, MemoryOrComputeBoundPerDevice) {
  Results r;
  r.system.cpu.peak_gflops_fp32 = 1000;
  r.system.cpu.memory_bandwidth_gbs = 100;  // ridge 10 FLOP/B
  GpuInfo g;
  g.index = 0;
  g.peak_gflops = {{"fp32", 60000}};
  g.peak_bandwidth_gbs = 3000;  // ridge 20 FLOP/B
  r.system.gpus.push_back(g);
  r.records.push_back(cpu(90, 100));   // 15 FLOP/B: compute on the CPU, memory on the GPU
  r.records.push_back(gpu(90, 1000));
  Record skinny_cpu = cpu(90, 10), skinny_gpu = gpu(90, 100);
  skinny_cpu.shape = skinny_gpu.shape = {4096, 4096, 16};
  r.records.push_back(skinny_cpu);
  r.records.push_back(skinny_gpu);
  const Verdict v = compute_verdict(r);
  ASSERT_EQ(v.roofline.size(), 2u);
  const RooflineNote& square = v.roofline[0];
  ASSERT_EQ(square.devices.size(), 2u);
  EXPECT_EQ(square.devices[0].label, "CPU");
  EXPECT_EQ(square.devices[0].bound(square.intensity), "compute");
  EXPECT_EQ(square.devices[1].label, "GPU 0");
  EXPECT_EQ(square.devices[1].bound(square.intensity), "memory");
  const RooflineNote& skinny = v.roofline[1];
  EXPECT_EQ(skinny.devices[0].bound(skinny.intensity), "memory");
  EXPECT_EQ(skinny.devices[1].bound(skinny.intensity), "memory");
  const std::string t = text_of(r);
  EXPECT_NE(t.find("ridge fp32: CPU 10.0 (1000 GFLOPS / 100 GB/s); GPU 0 20.0"), std::string::npos)
      << t;
  EXPECT_NE(t.find("4096x4096x16"), std::string::npos) << t;
  EXPECT_NE(t.find("at most 30x faster on the GPU"), std::string::npos) << t;
}

TEST(Roofline, UnknownBandwidthSaysSo) {
  Results r = sweep();  // no peaks, no bandwidth
  const std::string t = text_of(r);
  EXPECT_NE(t.find("CPU unknown (peak GFLOPS unknown)"), std::string::npos) << t;
  EXPECT_EQ(t.find("at most"), std::string::npos) << t;
}

namespace {

// A CPU/GPU sweep with prices and peaks, as a results file would hold it.
Results priced_sweep() {
  Results r = sweep();
  r.system.gpubench_version = "9.9.9";
  r.system.command_line = "gpubench matmul --sizes 128..1024 --price-cpu 1 --price-gpu 3";
  r.system.start_time = "2026-01-01T00:00:00Z";
  r.system.os = "Test OS";
  r.system.cpu.model = "Test CPU";
  r.system.cpu.physical_cores = 16;
  r.system.cpu.peak_gflops_fp32 = 1000;
  r.system.cpu.memory_bandwidth_gbs = 100;
  r.system.cpu.memory_bandwidth_note = "measured: STREAM triad (fixture)";
  // The CUDA provider's object as a build without versions writes it.
  r.system.gpu_runtime = {"cuda", false, "ok",
                          {{"driver_version", 0}, {"runtime_version", 0}, {"cublas_version", 0}}};
  GpuInfo g;
  g.name = "Test GPU";
  g.peak_gflops = {{"fp32", 60000}};
  g.peak_bandwidth_gbs = 3000;
  r.system.gpus.push_back(g);
  r.pricing = Pricing{1.0, 3.0, "--price-cpu/--price-gpu"};
  return r;
}

}  // namespace

// The results file carries the verdict for scripts. The golden file is also validated against the
// JSON Schema (results_json_schema) and drawn by the plot CLI test. After an intended change,
// regenerate with GPUBENCH_UPDATE_GOLDEN=1 and review the diff.
TEST(VerdictJson, GoldenResultsFileWithVerdictAndPrices) {
  const std::string text = json_of(priced_sweep());
  const std::string path = std::string(GPUBENCH_TEST_DIR) + "/golden/verdict_sweep.json";
  if (const char* update = std::getenv("GPUBENCH_UPDATE_GOLDEN"); update && *update == '1')
    std::ofstream(path) << text;
  std::ifstream f(path);
  ASSERT_TRUE(f) << "missing golden file " << path << " (GPUBENCH_UPDATE_GOLDEN=1 writes it)";
  const std::string golden{std::istreambuf_iterator<char>(f), {}};
  EXPECT_EQ(text, golden);

  const nlohmann::json j = nlohmann::json::parse(text);
  const nlohmann::json& v = j.at("verdict");
  EXPECT_DOUBLE_EQ(v.at("price_ratio").get<double>(), 3.0);
  const nlohmann::json& fp32 = v.at("dtypes").at(0);
  EXPECT_EQ(fp32.at("crossover").at("kind"), "between");
  EXPECT_EQ(fp32.at("crossover").at("above"), 256);
  EXPECT_EQ(fp32.at("crossover_with_copies").at("pinned").at("above"), 512);
  EXPECT_EQ(fp32.at("price_crossover").at("above"), 512);
  const nlohmann::json& at256 = fp32.at("sizes").at(1);
  EXPECT_EQ(at256.at("n"), 256);
  EXPECT_DOUBLE_EQ(at256.at("cpu_gflop_per_usd").get<double>(), 360000.0);
  EXPECT_EQ(at256.at("gpu_pays_off"), false);
  EXPECT_EQ(fp32.at("sizes").at(3).at("with_copies").at("pinned").at("gpu_pays_off"), true);
  EXPECT_EQ(v.at("roofline").at(0).at("devices").at(0).at("bound"), "compute");
  // Every ok row gets its GFLOP per dollar at its own device's price.
  EXPECT_DOUBLE_EQ(j.at("records").at(0).at("gflop_per_usd").get<double>(), 360000.0);
  EXPECT_DOUBLE_EQ(j.at("records").at(1).at("gflop_per_usd").get<double>(), 60000.0);

  // Read back: prices and the measured host bandwidth survive; the verdict is derived again.
  const Results back = results_from_json_text(text, "golden");
  ASSERT_TRUE(back.pricing.has_value());
  EXPECT_DOUBLE_EQ(back.pricing->gpu_usd_per_hour, 3.0);
  ASSERT_TRUE(back.system.cpu.memory_bandwidth_gbs.has_value());
  EXPECT_EQ(compute_verdict(back).dtypes.at(0).kernel.above, 256);
}

TEST(VerdictJson, NoVerdictWithoutBothDevices) {
  Results r = priced_sweep();
  std::erase_if(r.records, [](const Record& x) { return x.device_kind == DeviceKind::gpu; });
  const nlohmann::json j = nlohmann::json::parse(json_of(r));
  EXPECT_FALSE(j.contains("verdict"));
  EXPECT_TRUE(j.at("records").at(0).contains("gflop_per_usd"));
}

// Several CPU libraries: the verdict names the fastest at each size, with or without a GPU, and
// the GPU is held to that library.
TEST(Verdict, NamesTheFastestCpuLibraryAtEachSize) {
  Results r;
  for (std::int64_t n : {1024, 2048, 4096}) {
    r.records.push_back(row(n, DType::fp32, "openblas", DeviceKind::cpu, 100));
    r.records.push_back(row(n, DType::fp32, "blis", DeviceKind::cpu, n < 4096 ? 120 : 90));
  }
  r.records.push_back(row(1024, DType::fp64, "openblas", DeviceKind::cpu, 50));  // alone: no row
  ASSERT_TRUE(verdict_applies(r));  // CPU rows only, but two libraries
  Verdict v = compute_verdict(r);
  EXPECT_TRUE(v.dtypes.empty());
  ASSERT_EQ(v.cpu_libraries.size(), 1u);
  const CpuLibraryVerdict& c = v.cpu_libraries[0];
  EXPECT_EQ(c.dtype, DType::fp32);
  EXPECT_EQ(c.libraries, (std::vector<std::string>{"openblas", "blis"}));
  ASSERT_EQ(c.sizes.size(), 3u);
  EXPECT_EQ(c.sizes[0].best, "blis");
  EXPECT_DOUBLE_EQ(c.sizes[0].best_gflops / c.sizes[0].runner_up_gflops, 1.2);
  EXPECT_EQ(c.sizes[2].best, "openblas");
  EXPECT_EQ(describe_best_cpu_library(c), "blis at 1024, 2048; openblas at 4096");
  std::ostringstream os;
  write_verdict(os, v);
  EXPECT_EQ(os.str().find("Do I need a GPU?"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("Which CPU library?"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("blis, 1.20x the next"), std::string::npos) << os.str();
  const auto j = verdict_to_json(v);
  EXPECT_EQ(j["cpu_libraries"][0]["sizes"][2]["best"], "openblas");

  // With a GPU row, its speedup is over the fastest library at each size.
  r.records.push_back(gpu(1024, 1200));
  r.records.push_back(gpu(4096, 1000));
  v = compute_verdict(r);
  ASSERT_EQ(v.dtypes.size(), 1u);
  ASSERT_EQ(v.dtypes[0].points.size(), 2u);
  EXPECT_EQ(v.dtypes[0].points[0].cpu_backend, "blis");
  EXPECT_DOUBLE_EQ(v.dtypes[0].points[0].speedup(), 10.0);
  EXPECT_EQ(v.dtypes[0].points[1].cpu_backend, "openblas");
  EXPECT_EQ(describe_best_cpu_library(v.cpu_libraries[0]), "blis at 1024, 2048; openblas at 4096");
}

TEST(Verdict, OneCpuLibraryAloneSaysNothingAboutLibraries) {
  Results r;
  r.records.push_back(cpu(1024, 100));
  EXPECT_FALSE(verdict_applies(r));
  r.records.push_back(gpu(1024, 1000));
  EXPECT_TRUE(compute_verdict(r).cpu_libraries.empty());
}
