// Several GPUs and several ranks without any GPU or MPI: --device parsing, one backend per device,
// all devices at once, the slow-card summary and the merge of per-rank results.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "gpubench/analysis/analysis.hpp"
#include "gpubench/analysis/compare.hpp"
#include "gpubench/measure/devices.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/measure/mpi_session.hpp"
#include "gpubench/measure/session.hpp"
#include "gpubench/output/plot.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/core/results_json.hpp"
#include "run_helpers.hpp"

using namespace gpubench;
using namespace gpubench::test_helpers;

namespace {

// A pretend GPU: its speed depends on its ordinal, and it records which cases it started when.
struct FakeFleet {
  std::vector<double> seconds_per_run{1e-4, 1e-4};
  std::vector<int> created;  // ordinals backends were created for, in order
  std::mutex mutex;
  std::atomic<int> started[2] = {0, 0};  // cases each device has prepared
  // For each prepare on device 0: how many cases device 1 had prepared by then.
  std::vector<int> other_started_when_0_prepared;
  int fail_device = -1;  // creating a backend for this ordinal fails
};

class FakeGpuCase : public Case {
 public:
  explicit FakeGpuCase(double s) : s_(s) {}
  double time_kernel(int reps) override { return reps * s_; }
  void read_result(std::vector<double>&) override {}

 private:
  double s_;
};

class FakeGpu : public Backend {
 public:
  FakeGpu(FakeFleet& f, int d) : f_(f), d_(d) {}
  std::string name() const override { return "fakegpu"; }
  DeviceKind device_kind() const override { return DeviceKind::gpu; }
  int device_index() const override { return d_; }
  std::string device_name() const override { return "Fake GPU"; }
  Support supports(DType, const Shape&) const override { return Support::yes(); }
  std::unique_ptr<Case> prepare(const Problem&) override {
    if (d_ == 0) {
      std::lock_guard lock(f_.mutex);
      f_.other_started_when_0_prepared.push_back(f_.started[1].load());
    }
    ++f_.started[d_];
    // Device 1 is slow to prepare: without a common start device 0 would run far ahead.
    if (d_ == 1) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return std::make_unique<FakeGpuCase>(f_.seconds_per_run[std::size_t(d_)]);
  }

 private:
  FakeFleet& f_;
  int d_;
};

std::vector<BackendEntry> fleet_entries(FakeFleet& f) {
  return {{"fakegpu", DeviceKind::gpu, "", "gpu", true,
           [&f](const BackendOptions& o) -> std::unique_ptr<Backend> {
             {
               std::lock_guard lock(f.mutex);
               f.created.push_back(o.device);
             }
             if (o.device == f.fail_device) throw BackendError("no such GPU here");
             return std::make_unique<FakeGpu>(f, o.device);
           }}};
}

RunOptions quick(std::vector<Shape> shapes) {
  RunOptions o;
  o.shapes = std::move(shapes);
  o.min_time = 0.002;
  o.min_samples = 2;
  o.warmup = 1;
  o.verify = false;
  return o;
}

Record gpu_row(int device, double gflops, int rank = 0, std::string host = "a") {
  Record r;
  r.backend = "cublas";
  r.shape = {4096, 4096, 4096};
  r.device_kind = DeviceKind::gpu;
  r.device_index = device;
  r.main.gflops = gflops;
  r.rank = rank;
  r.host = std::move(host);
  r.main.seconds.samples = 5;
  r.main.seconds.median = 1e-3;
  return r;
}

}  // namespace

TEST(DeviceSpec, AllListAndSingle) {
  EXPECT_EQ(parse_device_spec("all", 3), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(parse_device_spec("2,0", 3), (std::vector<int>{2, 0}));
  EXPECT_EQ(parse_device_spec("1", 2), (std::vector<int>{1}));
  // Without GPUs "all" still yields one device so the GPU rows say why they are empty.
  EXPECT_EQ(parse_device_spec("all", 0), (std::vector<int>{0}));
  EXPECT_EQ(parse_device_spec("5", 0), (std::vector<int>{5}));
  // Spaces around the spec and its items, as the other options forgive them.
  EXPECT_EQ(parse_device_spec(" 1 ", 2), (std::vector<int>{1}));
  EXPECT_EQ(parse_device_spec("2, 0", 3), (std::vector<int>{2, 0}));
  EXPECT_EQ(parse_device_spec(" all", 2), (std::vector<int>{0, 1}));
}

TEST(DeviceSpec, BadSpecsNameTheProblem) {
  auto message = [](const std::string& spec, int count) -> std::string {
    try {
      parse_device_spec(spec, count);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_NE(message("x", 2).find("at 'x'"), std::string::npos);
  EXPECT_LT(message(std::string(500, 'x'), 2).size(), 200u);  // a long spec is echoed cut short
  EXPECT_NE(message("0,,1", 2).find("at ''"), std::string::npos);
  EXPECT_NE(message("-1", 2).find("at '-1'"), std::string::npos);
  EXPECT_NE(message("1.5", 2).find("at '1.5'"), std::string::npos);
  EXPECT_NE(message("2", 2).find("this machine has 2 GPUs (0..1)"), std::string::npos);
  EXPECT_NE(message("0,1,0", 2).find("names GPU 0 twice"), std::string::npos);
}

TEST(BindToDevices, OneGpuBackendPerDeviceCpuOnce) {
  FakeFleet f;
  std::vector<BackendEntry> entries{{"cpu", DeviceKind::cpu, "", "cpu", true, {}}};
  for (auto& e : fleet_entries(f)) entries.push_back(e);
  auto bound = bind_to_devices(entries, {1, 0});
  ASSERT_EQ(bound.size(), 3u);
  EXPECT_EQ(bound[0].name, "cpu");
  EXPECT_EQ(bound[0].device, -1);
  EXPECT_EQ(bound[1].device, 1);
  EXPECT_EQ(bound[2].device, 0);
  BackendOptions o;
  o.device = 7;  // the bound ordinal wins
  EXPECT_EQ(bound[1].create(o)->device_index(), 1);
  EXPECT_EQ(bound[2].create(o)->device_index(), 0);
}

TEST(BindToDevices, SequentialRunHasRowsPerDeviceEvenWhenOneCannotStart) {
  FakeFleet f;
  f.fail_device = 1;
  auto recs = run_matmul(bind_to_devices(fleet_entries(f), {0, 1}), {}, quick({{8, 8, 8}}));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].device_index, 0);
  EXPECT_EQ(recs[0].status, Status::ok);
  EXPECT_EQ(recs[1].device_index, 1);  // known although its backend never existed
  EXPECT_EQ(recs[1].status, Status::skipped);
  EXPECT_EQ(recs[1].reason, "no such GPU here");
}

TEST(Concurrent, ProgressNamesEachCasesDeviceAsAnOrdinal) {
  FakeFleet f;
  std::vector<Record> recs;
  std::vector<std::pair<std::string, int>> started;
  CaseHandlers handlers = collecting_handlers(recs);
  handlers.started = [&](const Progress& p) { started.emplace_back(p.backend, p.device); };
  run_cases_concurrently(fleet_entries(f), {0, 1}, {}, quick({{8, 8, 8}, {16, 16, 16}}), handlers);
  ASSERT_EQ(started.size(), 4u);
  std::vector<int> devices;
  for (const auto& [backend, device] : started) {
    EXPECT_EQ(backend, fleet_entries(f)[0].name) << "the backend's own name, no [N] suffix";
    devices.push_back(device);
  }
  std::sort(devices.begin(), devices.end());
  EXPECT_EQ(devices, (std::vector<int>{0, 0, 1, 1}));
}

TEST(Concurrent, EveryCaseStartsOnAllDevicesTogether) {
  FakeFleet f;
  const std::vector<Shape> shapes{{8, 8, 8}, {16, 16, 16}, {32, 32, 32}, {64, 64, 64}};
  auto recs = run_matmul_concurrently(fleet_entries(f), {0, 1}, {}, quick(shapes));
  ASSERT_EQ(recs.size(), 8u);
  // Sequential order: per case, device 0 then device 1.
  for (std::size_t i = 0; i < recs.size(); ++i) {
    EXPECT_EQ(recs[i].shape, shapes[i / 2]);
    EXPECT_EQ(recs[i].device_index, int(i % 2));
    EXPECT_EQ(recs[i].status, Status::ok) << recs[i].reason;
  }
  // Device 1 takes 20 ms to prepare each case and device 0 none: without the common start,
  // device 0 would have prepared every case before device 1 got past its first.
  ASSERT_EQ(f.other_started_when_0_prepared.size(), shapes.size());
  for (std::size_t i = 0; i < shapes.size(); ++i)
    EXPECT_GE(f.other_started_when_0_prepared[i], int(i)) << "case " << i;
  std::sort(f.created.begin(), f.created.end());
  EXPECT_EQ(f.created, (std::vector<int>{0, 1}));
}

TEST(Concurrent, CpuEntriesRunFirstAndAlone) {
  FakeFleet f;
  std::vector<BackendEntry> entries = fleet_entries(f);
  std::atomic<int> gpu_cases_when_cpu_created{-1};
  entries.insert(entries.begin(),
                 BackendEntry{"fakecpu", DeviceKind::cpu, "", "cpu", true,
                  [&](const BackendOptions& o) -> std::unique_ptr<Backend> {
                    gpu_cases_when_cpu_created = f.started[0] + f.started[1];
                    throw BackendError("no CPU either (" + std::to_string(o.device) + ")");
                  }});
  auto recs = run_matmul_concurrently(entries, {0, 1}, {}, quick({{8, 8, 8}}));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].backend, "fakecpu");
  EXPECT_EQ(recs[0].status, Status::skipped);
  EXPECT_EQ(gpu_cases_when_cpu_created, 0);
  EXPECT_EQ(recs[1].device_index, 0);
  EXPECT_EQ(recs[2].device_index, 1);
}

TEST(Concurrent, ADeviceThatCannotStartOnlyLosesItsRows) {
  FakeFleet f;
  f.fail_device = 0;
  auto recs = run_matmul_concurrently(fleet_entries(f), {0, 1}, {}, quick({{8, 8, 8}, {4, 4, 4}}));
  ASSERT_EQ(recs.size(), 4u);
  for (const Record& r : recs)
    EXPECT_EQ(r.status, r.device_index == 0 ? Status::skipped : Status::ok) << r.reason;
}

TEST(LabelRecords, HostRankAndBusId) {
  SystemInfo s;
  s.hostname = "node7";
  s.gpus.resize(2);
  s.gpus[0].index = 0;
  s.gpus[0].pci_bus_id = "0000:1B:00.0";
  s.gpus[1].index = 1;
  s.gpus[1].pci_bus_id = "0000:9A:00.0";
  std::vector<Record> recs{gpu_row(1, 1), gpu_row(0, 1), Record{}};
  label_records(recs, s, 3);
  EXPECT_EQ(recs[0].pci_bus_id, "0000:9A:00.0");
  EXPECT_EQ(recs[1].pci_bus_id, "0000:1B:00.0");
  EXPECT_EQ(recs[2].pci_bus_id, "");  // a CPU row
  for (const Record& r : recs) {
    EXPECT_EQ(r.host, "node7");
    EXPECT_EQ(r.rank, 3);
  }
}

TEST(SlowDevices, NamesTheCardBelowTheMedianByMoreThanFivePercent) {
  Results r;
  r.records = {gpu_row(0, 1000), gpu_row(1, 990), gpu_row(2, 900), gpu_row(3, 1010)};
  r.records[2].pci_bus_id = "0000:3C:00.0";
  const auto slow = find_slow_devices(r);
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_EQ(slow[0].device_index, 2);
  EXPECT_EQ(slow[0].pci_bus_id, "0000:3C:00.0");
  EXPECT_DOUBLE_EQ(slow[0].median_gflops, 995);
  EXPECT_NEAR(slow[0].pct_below, 100.0 * (1 - 900.0 / 995), 1e-9);
  EXPECT_EQ(count_compared_devices(r), 4);
}

TEST(SlowDevices, WithinFivePercentOrAloneIsNotNamed) {
  Results r;
  r.records = {gpu_row(0, 1000), gpu_row(1, 960)};  // 2% below the median of 980
  EXPECT_TRUE(find_slow_devices(r).empty());
  Results alone;
  alone.records = {gpu_row(0, 10)};
  EXPECT_TRUE(find_slow_devices(alone).empty());
  // Different cases are not compared with each other.
  Results cases;
  cases.records = {gpu_row(0, 1000), gpu_row(1, 100)};
  cases.records[1].dtype = DType::bf16;
  EXPECT_TRUE(find_slow_devices(cases).empty());
}

TEST(SlowDevices, ComparesAcrossRanksAndHostsButNotFailedRows) {
  Results r;
  r.records = {gpu_row(0, 1000, 0, "a"), gpu_row(0, 700, 1, "b"), gpu_row(0, 1000, 2, "c")};
  auto failed = gpu_row(1, 1, 0, "a");
  failed.status = Status::failed;
  r.records.push_back(failed);
  const auto slow = find_slow_devices(r);
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_EQ(slow[0].host, "b");
  EXPECT_EQ(slow[0].rank, 1);
  EXPECT_EQ(count_compared_devices(r), 3);
}

TEST(MergeRanks, EveryRanksRecordsAndSystemInfo) {
  std::vector<Results> parts(2);
  parts[0].system.hostname = "alpha";
  parts[0].records = {gpu_row(0, 1, 0, ""), gpu_row(1, 1, 0, "")};
  parts[1].system.hostname = "beta";
  parts[1].records = {gpu_row(0, 1, 0, "beta")};
  parts[1].interrupted = true;
  const Results m = merge_rank_results(parts);
  EXPECT_EQ(m.system.hostname, "alpha");
  ASSERT_EQ(m.ranks.size(), 2u);
  EXPECT_EQ(m.ranks[1].hostname, "beta");
  ASSERT_EQ(m.records.size(), 3u);
  EXPECT_EQ(m.records[0].host, "alpha");
  EXPECT_EQ(m.records[1].rank, 0);
  EXPECT_EQ(m.records[2].host, "beta");
  EXPECT_EQ(m.records[2].rank, 1);
  EXPECT_TRUE(m.interrupted);
}

TEST(MpiSession, WithoutALauncherIsOneProcess) {
  if (std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE"))
    GTEST_SKIP() << "started by an MPI launcher";
  MpiSession mpi;
  EXPECT_FALSE(mpi.active());
  EXPECT_EQ(mpi.rank(), 0);
  EXPECT_EQ(mpi.size(), 1);
  EXPECT_TRUE(mpi.is_root());
  Results r;
  r.records = {gpu_row(0, 5)};
  EXPECT_EQ(mpi.gather(r).records.size(), 1u);
  EXPECT_TRUE(mpi.gather(r).ranks.empty());
}

TEST(MergeRanks, TheJsonFileKeepsEveryRankAndTheBusIds) {
  std::vector<Results> parts(2);
  parts[0].system.hostname = "alpha";
  parts[0].system.command_line = "gpubench matmul";
  parts[0].records = {gpu_row(0, 100, 0, "")};
  parts[0].records[0].pci_bus_id = "0000:1B:00.0";
  parts[1].system.hostname = "beta";
  parts[1].system.gpus.resize(1);
  parts[1].system.gpus[0].pci_bus_id = "0000:9A:00.0";
  parts[1].records = {gpu_row(0, 90, 0, "")};
  const Results back = results_from_json_text(results_to_json_text(merge_rank_results(parts)), "t");
  ASSERT_EQ(back.ranks.size(), 2u);
  EXPECT_EQ(back.ranks[0].hostname, "alpha");
  EXPECT_EQ(back.ranks[0].command_line, "gpubench matmul");
  EXPECT_EQ(back.ranks[1].hostname, "beta");
  ASSERT_EQ(back.ranks[1].gpus.size(), 1u);
  EXPECT_EQ(back.ranks[1].gpus[0].pci_bus_id, "0000:9A:00.0");
  ASSERT_EQ(back.records.size(), 2u);
  EXPECT_EQ(back.records[0].pci_bus_id, "0000:1B:00.0");
  EXPECT_EQ(back.records[1].host, "beta");
  EXPECT_EQ(back.records[1].rank, 1);
  // A file of one process has no "ranks".
  EXPECT_TRUE(results_from_json_text(results_to_json_text(parts[0]), "t").ranks.empty());
}

TEST(MultiDeviceFiles, PlotDrawsOneSeriesPerGpuAndRank) {
  Results r;
  for (int n : {1024, 2048})
    for (int d : {0, 1}) {
      Record rec = gpu_row(d, 1000.0 * (d + 1), 0, "a");
      rec.shape = {n, n, n};
      r.records.push_back(rec);
    }
  const std::string svg = render_svg({{"", r}});
  EXPECT_NE(svg.find("cublas[0] fp32"), std::string::npos);
  EXPECT_NE(svg.find("cublas[1] fp32"), std::string::npos);
  Results ranks = r;
  for (Record& rec : ranks.records) rec.rank = rec.device_index, rec.device_index = 0;
  const std::string by_rank = render_svg({{"", ranks}});
  EXPECT_NE(by_rank.find("rank 1 cublas fp32"), std::string::npos);
}

TEST(MultiDeviceFiles, CompareKeepsEveryGpuAndRankApart) {
  Results a;
  a.records = {gpu_row(0, 1000), gpu_row(1, 900), gpu_row(0, 800, 1, "b")};
  Results b = a;
  for (Record& rec : b.records) rec.main.gflops *= 2;
  const std::vector<NamedResults> runs{{"a.json", a}, {"b.json", b}};
  const Comparison c = compare_runs(runs);
  ASSERT_EQ(c.rows.size(), 3u);
  for (const ComparedRow& row : c.rows) {
    ASSERT_TRUE(row.ratio(1).has_value()) << row.key.label();
    EXPECT_DOUBLE_EQ(*row.ratio(1), 2.0) << row.key.label();
  }
}
