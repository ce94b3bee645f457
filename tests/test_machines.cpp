// Machines side by side: each run's best row per case, ratios, crossovers, geometric means,
// GFLOP per dollar, labels and the headline per dtype; golden outputs from three committed runs
// of three machines (bench/results: a 2-core AMD EPYC VM, a 2-core Xeon VM, the H200 host).
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "golden.hpp"
#include "gpubench/analysis/machines.hpp"
#include "gpubench/analysis/references.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/output/report_machines.hpp"
#include "sample_results.hpp"

using namespace gpubench;

namespace {

const std::string kBench = std::string(GPUBENCH_TEST_DIR) + "/../bench/results/";

NamedResults committed(const std::string& name, const std::string& file) {
  return {name, read_results_file(kBench + file)};
}

// A machine with one backend at the given square sizes and GFLOPS.
Results machine(const std::string& host, const std::string& backend, DeviceKind kind,
                const std::vector<std::pair<std::int64_t, double>>& sizes) {
  Results r;
  r.system.hostname = host;
  r.system.cpu.model = host + " CPU";
  for (const auto& [n, gflops] : sizes) {
    Record rec = gpubench::testing::record_at_gflops(n, DType::fp32, backend.c_str(), kind, gflops);
    if (kind == DeviceKind::gpu) rec.device_name = host + " GPU";
    r.records.push_back(rec);
  }
  return r;
}

bool has(const std::vector<std::string>& lines, const std::string& part) {
  for (const std::string& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

}  // namespace

TEST(Machines, DifferentHostsCpusOrGpusAreDifferentMachines) {
  const std::vector<NamedResults> one{committed("a", "cpu-threads1.json"),
                                      committed("b", "cpu-threads2.json")};
  EXPECT_FALSE(from_different_machines(one));  // one VM, two thread counts
  const std::vector<NamedResults> two{committed("a", "cpu-threads1.json"),
                                      committed("b", "cpu_libraries_devvm_2026-11-29.json")};
  EXPECT_TRUE(from_different_machines(two));  // both "vm", but a Xeon and an EPYC
}

TEST(Machines, LabelsAreHostsElseGpuOrCpuModels) {
  std::vector<NamedResults> runs{{"x.json", machine("laptop", "openblas", DeviceKind::cpu, {{256, 1}})},
                                 {"y.json", machine("cloud", "cublas", DeviceKind::gpu, {{256, 2}})}};
  EXPECT_EQ(machine_labels(runs), (std::vector<std::string>{"laptop", "cloud"}));
  const std::vector<NamedResults> vms{committed("a", "cpu_libraries_devvm_2026-11-29.json"),
                                      committed("b", "cpu-threads2.json"),
                                      committed("c", "gpu_question_h200_2026-11-29.json")};
  EXPECT_EQ(machine_labels(vms), (std::vector<std::string>{"AMD EPYC", "Intel Xeon", "H200"}));
  runs[1].results.system.hostname = "laptop";
  runs[1].results.system.cpu.model = "laptop CPU";
  runs[1].results.system.gpus.clear();
  EXPECT_EQ(machine_labels(runs), (std::vector<std::string>{"x", "y"}));  // file names
}

TEST(Machines, TheBestRowOfEachRunMeetsInOneLine) {
  // The question: a laptop's OpenBLAS against the H200's cuBLAS, fp32 at 2048.
  const std::vector<NamedResults> runs{committed("laptop.json", "cpu_libraries_devvm_2026-11-29.json"),
                                       committed("cloud.json", "gpu_question_h200_2026-11-29.json")};
  const MachineView v = machine_view(runs, {"laptop", "cloud"}, {});
  const auto lines = machine_headlines(v);
  EXPECT_TRUE(has(lines, "fp32: cloud (NVIDIA H200, cublas) is ")) << joined(lines);
  EXPECT_TRUE(has(lines, "x laptop (AMD EPYC, openblas) at 8192, geomean ")) << joined(lines);
  EXPECT_TRUE(has(lines, " over 4 sizes")) << joined(lines);
  for (const MachineCase& c : v.cases) {
    if (!c.in_every_run()) continue;
    EXPECT_EQ(c.best[1].record->backend, "cublas");
    // The best of three CPU libraries, never a lesser one.
    for (const Record& r : runs[0].results.records)
      if (r.ok() && r.dtype == c.dtype && r.shape == c.shape)
        EXPECT_GE(c.best[0].record->main.gflops, r.main.gflops);
  }
}

TEST(Machines, RatiosGeomeanAndTheCrossover) {
  const std::vector<NamedResults> runs{
      {"a.json", machine("a", "openblas", DeviceKind::cpu, {{128, 100}, {256, 100}, {512, 100}, {1024, 100}})},
      {"b.json", machine("b", "cublas", DeviceKind::gpu, {{128, 50}, {256, 80}, {512, 400}, {1024, 1600}})}};
  const MachineView v = machine_view(runs, {}, {});
  ASSERT_EQ(v.dtypes.size(), 1u);
  const MachineDtype& d = v.dtypes[0];
  EXPECT_EQ(d.common.size(), 4u);
  EXPECT_EQ(d.winner, 1u);
  EXPECT_NEAR(d.geomean[1], std::pow(0.5 * 0.8 * 4 * 16, 0.25), 1e-12);
  const auto lines = machine_headlines(v);
  EXPECT_TRUE(has(lines, "fp32: b (b GPU, cublas) is 16.0x a (a, openblas) at 1024, geomean "
                         "2.25x over 4 sizes"))
      << joined(lines);
  EXPECT_TRUE(has(lines, "  order changes: a fastest up to 256, b fastest from 512 on")) << joined(lines);
}

TEST(Machines, PricesGiveGflopPerDollarAndTheCheaperMachine) {
  const std::vector<NamedResults> runs{
      {"a.json", machine("a", "openblas", DeviceKind::cpu, {{1024, 100}})},
      {"b.json", machine("b", "cublas", DeviceKind::gpu, {{1024, 3600}})}};
  const MachineView v = machine_view(runs, {}, {0.1, 10.0});
  EXPECT_TRUE(v.priced);
  EXPECT_DOUBLE_EQ(*v.cases[0].best[0].gflop_per_usd, 100 * 3600 / 0.1);
  EXPECT_DOUBLE_EQ(*v.cases[0].best[1].gflop_per_usd, 3600 * 3600 / 10.0);
  EXPECT_TRUE(has(machine_headlines(v), "per dollar: a 3600000 GFLOP/$, b 1296000 GFLOP/$: a does "
                                        "2.78x the work per dollar of the next"))
      << joined(machine_headlines(v));
}

TEST(Machines, ARunsOwnPricesCountWhenNoneIsGivenAtCompareTime) {
  Results gpu = machine("b", "cublas", DeviceKind::gpu, {{1024, 3600}});
  gpu.pricing = Pricing{1.0, 2.0, "--price-cpu/--price-gpu"};
  const std::vector<NamedResults> runs{
      {"a.json", machine("a", "openblas", DeviceKind::cpu, {{1024, 100}})}, {"b.json", gpu}};
  const MachineView v = machine_view(runs, {}, {});
  EXPECT_FALSE(v.cases[0].best[0].gflop_per_usd.has_value());
  EXPECT_DOUBLE_EQ(*v.cases[0].best[1].gflop_per_usd, 3600 * 3600 / 2.0);  // the GPU's price
}

TEST(Machines, MissingCasesAreCountedNotListed) {
  const std::vector<NamedResults> runs{committed("epyc.json", "cpu_libraries_devvm_2026-11-29.json"),
                                       committed("h200.json", "gpu_question_h200_2026-11-29.json")};
  std::ostringstream os;
  write_machine_view(Format::table, os, machine_view(runs, {}, {}));
  EXPECT_NE(os.str().find("  tf32: 7 cases only in H200\n"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("  fp32: 3 cases only in H200\n"), std::string::npos) << os.str();
  EXPECT_EQ(os.str().find("absent"), std::string::npos) << os.str();
}

// Three machines, one priced at compare time: golden outputs of every format.
TEST(Machines, GoldenOutputsOfThreeMachines) {
  const std::vector<NamedResults> runs{committed("epyc.json", "cpu_libraries_devvm_2026-11-29.json"),
                                       committed("xeon.json", "cpu-threads2.json"),
                                       committed("h200.json", "gpu_question_h200_2026-11-29.json")};
  const MachineView v = machine_view(runs, {}, {0.05, std::nullopt, 3.5});
  const std::pair<Format, const char*> forms[] = {{Format::table, "machines.txt"},
                                                  {Format::markdown, "machines.md"},
                                                  {Format::csv, "machines.csv"},
                                                  {Format::json, "machines.json"}};
  for (const auto& [format, file] : forms) {
    std::ostringstream os;
    write_machine_view(format, os, v);
    gpubench::testing::expect_golden(file, os.str());
  }
}

// The reference machines shipped with gpubench: each named, described and readable.
TEST(References, TheShippedListNamesReadableRunsThatSayHowTheyWereMeasured) {
  const std::string list = std::string(GPUBENCH_TEST_DIR) + "/../bench/references.json";
  const auto all = reference_machines(list);
  ASSERT_GE(all.size(), 3u);
  for (const ReferenceMachine& r : all) {
    SCOPED_TRACE(r.name);
    EXPECT_NE(r.about.find("gpubench matmul"), std::string::npos) << r.about;  // how
    EXPECT_NE(r.about.find("20"), std::string::npos) << r.about;               // when
    const Results run = read_results_file(r.file);
    EXPECT_FALSE(run.records.empty());
  }
  EXPECT_EQ(find_reference(list, "h200").name, "h200");
  try {
    find_reference(list, "laptop");
    ADD_FAILURE() << "an unknown reference was found";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("no reference machine 'laptop' (there are: h200, "),
              std::string::npos)
        << e.what();
  }
}
