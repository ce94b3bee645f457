// The Analysis (derived numbers computed once) and the formats that print it: every format shows
// the same derived columns, and the format table names the valid formats of each subcommand.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gpubench/analysis/analysis.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/formats.hpp"
#include "sample_results.hpp"

using namespace gpubench;
using gpubench::testing::sample_record;
using gpubench::testing::sample_results;

namespace {

// The sample (openblas, cublas and kernel:naive at 1024, ...) priced, with a second GPU whose
// cuBLAS row is 20% slower than the first's: every derived number has something to say.
Results priced_two_gpu_results() {
  Results r = sample_results();
  r.pricing = Pricing{1.0, 4.0, "test"};
  Record second = sample_record(1024, "cublas", DeviceKind::gpu, 0.0001 / 0.8);
  second.device_index = 1;
  second.pci_bus_id = "0000:02:00.0";
  Record third = sample_record(1024, "cublas", DeviceKind::gpu, 0.0001);
  third.device_index = 2;
  r.records.push_back(second);
  r.records.push_back(third);
  r.system.gpus.push_back(r.system.gpus.front());
  r.system.gpus.back().index = 1;
  return r;
}

std::string rendered(Format f, const Results& r) {
  std::ostringstream os;
  render(f, os, r);
  return os.str();
}

std::string usage_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no UsageError)";
}

}  // namespace

TEST(Analysis, SpeedupAgainstTheBestCpuRowOfTheSameShapeAndDtype) {
  Results r = sample_results();
  Record slower_cpu = sample_record(1024, "othercpu", DeviceKind::cpu, 0.02);
  r.records.push_back(slower_cpu);
  const Analysis a = analyse(r);
  ASSERT_EQ(a.records.size(), r.records.size());
  EXPECT_FALSE(a.records[0].speedup_vs_cpu);  // CPU rows have none
  ASSERT_TRUE(a.records[1].speedup_vs_cpu);
  EXPECT_NEAR(*a.records[1].speedup_vs_cpu, 100.0, 1e-9);  // over openblas, the faster CPU row
  EXPECT_NEAR(*a.records[2].speedup_vs_cpu, 10.0, 1e-9);
  EXPECT_FALSE(a.records[4].speedup_vs_cpu);  // skipped
}

// Several CPU libraries: each GPU row is held to the fastest one of its shape and dtype, which the
// analysis, the table and the files name.
TEST(Analysis, SpeedupNamesTheBestCpuLibrary) {
  Results r = sample_results();
  const Analysis one = analyse(r);
  EXPECT_EQ(one.records[1].cpu_backend, "openblas");
  EXPECT_FALSE(one.speedups_name_cpu_library());  // one library: "vs CPU" as before
  r.records.push_back(sample_record(1024, "blis", DeviceKind::cpu, 0.005));  // 2x openblas
  const Analysis a = analyse(r);
  EXPECT_TRUE(a.several_cpu_libraries);
  EXPECT_TRUE(a.speedups_name_cpu_library());
  ASSERT_TRUE(a.records[1].speedup_vs_cpu);
  EXPECT_NEAR(*a.records[1].speedup_vs_cpu, 50.0, 1e-9);  // cuBLAS over BLIS, not OpenBLAS
  EXPECT_EQ(a.records[1].cpu_backend, "blis");
  const std::string table = rendered(Format::table, r);
  EXPECT_NE(table.find("vs best CPU"), std::string::npos) << table;
  EXPECT_NE(table.find("50.0x blis"), std::string::npos) << table;
  const std::string md = rendered(Format::markdown, r);
  EXPECT_NE(md.find("50.0x blis"), std::string::npos) << md;
  const auto json = nlohmann::json::parse(rendered(Format::json, r));
  EXPECT_EQ(json["records"][1]["speedup_cpu_backend"], "blis");
  EXPECT_NE(rendered(Format::csv, r).find(",blis,"), std::string::npos);
}

TEST(Analysis, PercentOfTheReferenceIsChosenByRoleNotByName) {
  Results r = sample_results();
  const Analysis a = analyse(r);
  ASSERT_TRUE(a.records[2].pct_of_reference);
  EXPECT_NEAR(*a.records[2].pct_of_reference, 10.0, 1e-9);
  EXPECT_EQ(a.records[2].reference_backend, "cublas");
  EXPECT_FALSE(a.records[1].pct_of_reference);  // the reference itself
  EXPECT_EQ(a.reference_title(), "% cuBLAS");

  // Another vendor's library and another own kernel, by role: no name is special.
  r.records[1].backend = "rocblas";
  r.records[2].backend = "mykernel";
  const Analysis renamed = analyse(r);
  ASSERT_TRUE(renamed.records[2].pct_of_reference);
  EXPECT_NEAR(*renamed.records[2].pct_of_reference, 10.0, 1e-9);
  EXPECT_EQ(renamed.records[2].reference_backend, "rocblas");
  EXPECT_EQ(renamed.reference_title(), "% rocblas");

  // A GPU row that is not the project's own kernel has no reference, whatever its name.
  r.records[2].backend = "kernel:naive";
  r.records[2].role = BackendRole::vendor_library;
  EXPECT_FALSE(analyse(r).records[2].pct_of_reference);
}

TEST(Analysis, EveryRegisteredBackendSaysItsRole) {
  for (const BackendEntry& e : backend_registry()) {
    const BackendRole expected = e.kind == DeviceKind::cpu ? BackendRole::library
                                 : e.group == "kernels"    ? BackendRole::own_kernel
                                                           : BackendRole::vendor_library;
    EXPECT_EQ(e.role, expected) << e.name;
  }
}

TEST(Analysis, OldFilesWithoutARoleGetTheRoleTheirBackendImplies) {
  nlohmann::json doc = nlohmann::json::parse(results_to_json_text(sample_results()));
  for (auto& rec : doc["records"]) rec.erase("role");
  const Results old = results_from_json_text(doc.dump(), "old.json");
  EXPECT_EQ(old.records[0].role, BackendRole::library);
  EXPECT_EQ(old.records[1].role, BackendRole::vendor_library);
  EXPECT_EQ(old.records[2].role, BackendRole::own_kernel);
  const Analysis a = analyse(old);
  ASSERT_TRUE(a.records[2].pct_of_reference);
  EXPECT_NEAR(*a.records[2].pct_of_reference, 10.0, 1e-9);
}

TEST(Analysis, GflopPerDollarOnlyWhenPricedAndForOkRows) {
  EXPECT_FALSE(analyse(sample_results()).any_gflop_per_usd());
  const Results r = priced_two_gpu_results();
  const Analysis a = analyse(r);
  ASSERT_TRUE(a.records[0].gflop_per_usd);
  EXPECT_NEAR(*a.records[0].gflop_per_usd, r.records[0].main.gflops * 3600 / 1.0, 1e-6);  // CPU price
  ASSERT_TRUE(a.records[1].gflop_per_usd);
  EXPECT_NEAR(*a.records[1].gflop_per_usd, r.records[1].main.gflops * 3600 / 4.0, 1e-6);  // GPU price
  EXPECT_FALSE(a.records[3].gflop_per_usd);                                          // failed
}

TEST(Analysis, SlowGpusAndTheVerdictAreDecidedOnce) {
  const Results r = priced_two_gpu_results();
  const Analysis a = analyse(r);
  EXPECT_EQ(a.compared_devices, 3);
  ASSERT_EQ(a.slow_devices.size(), 1u);
  EXPECT_EQ(a.slow_devices[0].device_index, 1);
  ASSERT_TRUE(a.records[6].pct_below_median_gpu);
  EXPECT_NEAR(*a.records[6].pct_below_median_gpu, 20.0, 1e-9);
  EXPECT_TRUE(a.verdict.has_value());

  Results cpu_only = r;
  std::erase_if(cpu_only.records, [](const Record& x) { return x.device_kind == DeviceKind::gpu; });
  EXPECT_FALSE(analyse(cpu_only).verdict.has_value());
}

// The derived numbers of the Analysis, checked in every format at once.
TEST(FormatsAgree, EveryFormatCarriesTheSameDerivedColumns) {
  const Results r = priced_two_gpu_results();

  for (Format f : {Format::table, Format::markdown}) {
    const std::string text = rendered(f, r);
    SCOPED_TRACE(text);
    EXPECT_NE(text.find("vs CPU"), std::string::npos);
    EXPECT_NE(text.find("% cuBLAS"), std::string::npos);
    EXPECT_NE(text.find("GFLOP/$"), std::string::npos);
    EXPECT_NE(text.find("slow GPU: 1024 fp32 cublas: GPU 1 (0000:02:00.0)"), std::string::npos);
    EXPECT_NE(text.find("Do I need a GPU?"), std::string::npos);  // the verdict
  }

  const std::string csv = rendered(Format::csv, r);
  const std::string header = csv.substr(0, csv.find('\n'));
  for (const char* column : {"speedup_vs_cpu", "pct_of_reference", "reference_backend",
                             "gflop_per_usd", "pct_below_median_gpu"})
    EXPECT_NE(header.find(column), std::string::npos) << column;
  EXPECT_NE(csv.find(",cublas,"), std::string::npos);  // the kernel row's reference

  const auto json = nlohmann::json::parse(rendered(Format::json, r));
  EXPECT_DOUBLE_EQ(json["records"][2]["pct_of_reference"].get<double>(), 10.0);
  EXPECT_TRUE(json["records"][1]["speedup_vs_cpu"].is_number());
  EXPECT_TRUE(json["records"][1]["gflop_per_usd"].is_number());
  EXPECT_TRUE(json["records"][6]["pct_below_median_gpu"].is_number());
  EXPECT_EQ(json["slow_gpus"]["slow"].size(), 1u);
  EXPECT_TRUE(json.contains("verdict"));

  const auto gbench = nlohmann::json::parse(rendered(Format::gbench_json, r));
  bool speedup = false, reference = false, price = false, slow = false;
  for (const auto& b : gbench["benchmarks"]) {
    speedup = speedup || b.contains("speedup_vs_cpu");
    reference = reference || b.contains("pct_of_reference");
    price = price || b.contains("gflop_per_usd");
    slow = slow || b.contains("pct_below_median_gpu");
  }
  EXPECT_TRUE(speedup && reference && price && slow);
}

TEST(FormatTable, AnUnknownFormatIsOneMessageListingTheValidOnesOfTheSubcommand) {
  const std::string matmul = usage_error_of([] { parse_format(ResultKind::matmul, "xml"); });
  EXPECT_NE(matmul.find("--format: unknown format 'xml' for matmul; use one of table, markdown, "
                        "csv, json, gbench-json"),
            std::string::npos)
      << matmul;
  const std::string bandwidth =
      usage_error_of([] { parse_format(ResultKind::bandwidth, "gbench-json"); });
  EXPECT_NE(bandwidth.find("use one of table, markdown, csv, json"), std::string::npos)
      << bandwidth;
  EXPECT_EQ(bandwidth.find("gbench-json,"), std::string::npos) << bandwidth;
  const std::string compare = usage_error_of([] { parse_format(ResultKind::compare, "gbench"); });
  EXPECT_NE(compare.find("unknown format 'gbench' for compare; use one of table, markdown, csv, "
                         "json"),
            std::string::npos)
      << compare;
  const std::string output =
      usage_error_of([] { parse_output_target("x.gbench.json", ResultKind::bandwidth); });
  EXPECT_NE(output.find("--output 'x.gbench.json': unknown format 'gbench-json' for bandwidth"),
            std::string::npos)
      << output;
}

// Issue 15 item 18: out.JSON was rejected; extensions are case-insensitive.
TEST(FormatTable, ExtensionsAreCaseInsensitive) {
  EXPECT_EQ(parse_output_target("out.JSON").format, Format::json);
  EXPECT_EQ(parse_output_target("out.Csv").format, Format::csv);
  EXPECT_EQ(parse_output_target("out.GBENCH.json").format, Format::gbench_json);
  EXPECT_EQ(parse_output_target("OUT.MD").format, Format::markdown);
}

TEST(FormatTable, NamesAliasesAndExtensionsComeFromTheTable) {
  EXPECT_EQ(parse_format(ResultKind::matmul, "md"), Format::markdown);
  EXPECT_EQ(parse_format(ResultKind::bandwidth, "txt"), Format::table);
  EXPECT_EQ(parse_output_target("a.markdown").format, Format::markdown);
  EXPECT_EQ(parse_output_target("bw.csv", ResultKind::bandwidth).format, Format::csv);
  EXPECT_EQ(format_names(ResultKind::compare), "table, markdown, csv, json");
  EXPECT_NE(format_help(ResultKind::matmul).find("gbench-json"), std::string::npos);
  for (const FormatSpec& f : format_table()) EXPECT_TRUE(f.prints(ResultKind::matmul)) << f.name;
}
