// The Session with fake CPU backends: every record reaches the observers once and final, groups
// count as one sweep, and a stop signal ends it between cases with the rows saying so.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <tuple>

#include "gpubench/measure/session.hpp"

using namespace gpubench;

namespace {

class InstantCase : public Case {
 public:
  double time_kernel(int reps) override { return reps * 1e-4; }
  void read_result(std::vector<double>&) override {}
};

class InstantBackend : public Backend {
 public:
  explicit InstantBackend(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  DeviceKind device_kind() const override { return DeviceKind::cpu; }
  std::string device_name() const override { return "fake"; }
  Support supports(DType, const Shape&) const override { return Support::yes(); }
  std::unique_ptr<Case> prepare(const Problem&) override { return std::make_unique<InstantCase>(); }

 private:
  std::string name_;
};

BackendEntry entry(const std::string& name) {
  return {name, DeviceKind::cpu, "", "cpu", true,
          [name](const BackendOptions&) { return std::make_unique<InstantBackend>(name); }};
}

SessionOptions tiny_sweep() {
  SessionOptions o;
  o.command_line = "gpubench matmul (test)";
  o.threads = 1;
  o.sweep.groups = {{{{8, 8, 8}, {16, 16, 16}}, {DType::fp32}}, {{{4, 4, 4}}, {DType::fp64}}};
  o.sweep.backends = {entry("a"), entry("b")};
  o.run.min_time = 0.001;
  o.run.min_samples = 2;
  o.run.warmup = 1;
  o.run.verify = false;
  return o;
}

using CaseId = std::tuple<std::string, DType, std::int64_t>;

struct Recorder : SessionObserver {
  std::vector<CaseStart> started;
  std::map<CaseId, std::vector<std::string>> warnings_seen;  // per case, as the observer saw it
  int finished = 0, sweeps = 0;
  std::size_t records_at_end = 0;
  bool interrupt_at_first_case = false;

  void case_started(const CaseStart& c) override {
    started.push_back(c);
    if (interrupt_at_first_case && started.size() == 1) std::raise(SIGINT);
  }
  void case_finished(const Record& r, const Results& so_far) override {
    ++finished;
    EXPECT_EQ(&so_far.records.back(), &r) << "the record is the session's own, not a copy";
    EXPECT_EQ(r.host, so_far.system.hostname) << "labelled before observers see it";
    const bool first_time =
        warnings_seen.emplace(CaseId{r.backend, r.dtype, r.shape.m}, r.warnings).second;
    EXPECT_TRUE(first_time) << "seen twice: " << r.backend << " " << r.shape.label();
  }
  void sweep_finished(const Results& r) override {
    ++sweeps;
    records_at_end = r.records.size();
  }
};

}  // namespace

TEST(Session, ObserverSeesEveryRecordOnceAsReported) {
  Session session(tiny_sweep());
  EXPECT_TRUE(session.is_root());
  Recorder rec;
  session.add_observer(rec);
  session.run_matmul();

  const Results& r = session.results();
  ASSERT_EQ(r.records.size(), 6u);  // 2 backends x (2 fp32 shapes + 1 fp64 shape)
  EXPECT_EQ(rec.finished, 6);
  EXPECT_EQ(rec.sweeps, 1);
  EXPECT_EQ(rec.records_at_end, 6u);
  EXPECT_FALSE(session.interrupted());
  // The groups are one sweep: [1/6] ... [6/6].
  ASSERT_EQ(rec.started.size(), 6u);
  for (std::size_t i = 0; i < rec.started.size(); ++i) {
    EXPECT_EQ(rec.started[i].index, int(i) + 1);
    EXPECT_EQ(rec.started[i].total, 6);
  }
  EXPECT_EQ(rec.started[0].label, "a fp32 8");
  for (const Record& row : r.records) {
    EXPECT_EQ(row.status, Status::ok) << row.reason;
    const auto seen = rec.warnings_seen.find(CaseId{row.backend, row.dtype, row.shape.m});
    ASSERT_NE(seen, rec.warnings_seen.end()) << row.backend << " " << row.shape.label();
    EXPECT_EQ(seen->second, row.warnings);
  }
  std::string why;
  EXPECT_EQ(session.matmul_exit_code(false, why), 0);
  EXPECT_EQ(session.gather(0), 0);
}

TEST(Session, RecordsTheHostBandwidthOnlyWhenTheResultsNeedIt) {
  SessionOptions asked = tiny_sweep();
  int asked_with = -1;
  asked.wants_host_bandwidth = [&](const Results& r) {
    asked_with = int(r.records.size());
    return true;
  };
  Session measuring(asked);
  struct SeesBandwidth : SessionObserver {
    std::string note_at_end;
    void sweep_finished(const Results& r) override {
      note_at_end = r.system.cpu.memory_bandwidth_note;
    }
  } seen;
  measuring.add_observer(seen);
  measuring.run_matmul();
  EXPECT_EQ(asked_with, 6) << "asked after the sweep, with its rows";
  EXPECT_FALSE(measuring.results().system.cpu.memory_bandwidth_note.empty());
  EXPECT_EQ(seen.note_at_end, measuring.results().system.cpu.memory_bandwidth_note)
      << "a fact of the results before the last observer call (the final save)";

  SessionOptions not_needed = tiny_sweep();
  not_needed.wants_host_bandwidth = [](const Results&) { return false; };
  Session quiet(not_needed);
  quiet.run_matmul();
  EXPECT_FALSE(quiet.results().system.cpu.memory_bandwidth_gbs);
  EXPECT_TRUE(quiet.results().system.cpu.memory_bandwidth_note.empty());
}

TEST(Session, SignalStopsBetweenCasesAndTheRowSaysSoToObserversToo) {
  Session session(tiny_sweep());
  Recorder rec;
  rec.interrupt_at_first_case = true;
  session.add_observer(rec);
  session.run_matmul();

  const Results& r = session.results();
  ASSERT_EQ(r.records.size(), 1u);  // the case under way finishes, no other starts
  EXPECT_TRUE(r.interrupted);
  EXPECT_TRUE(session.interrupted());
  EXPECT_EQ(session.interrupt_exit_code(), 130);
  ASSERT_EQ(r.records[0].warnings.size(), 1u);
  EXPECT_NE(r.records[0].warnings[0].find("cut short by the interrupt"), std::string::npos);
  // The observer (what incremental saving writes) saw the final warnings, not a copy without them.
  EXPECT_EQ(rec.warnings_seen.at(CaseId{"a", DType::fp32, 8}), r.records[0].warnings);
  EXPECT_EQ(rec.sweeps, 1);
}

TEST(Session, FailedRowsOnePerBackendAndCaseWithTheReason) {
  RunOptions ro;
  ro.shapes = {{8, 8, 8}};
  ro.dtypes = {DType::fp32, DType::bf16};
  auto rows = failed_rows({entry("a")}, {0}, ro, "rank 1 could not run: no GPU");
  ASSERT_EQ(rows.size(), 2u);
  for (const Record& row : rows) {
    EXPECT_EQ(row.status, Status::failed);
    EXPECT_EQ(row.reason, "rank 1 could not run: no GPU");
  }
}

// Issue 25 item 15: without --layout, fp8 and int8 on a Hopper GPU run in nt (their only layout
// there) on every backend, in a group of their own, with one note per dtype; the others stay nn;
// a shape whose layout the file chose stays; no GPU, nothing changes.
TEST(GpuLayouts, Fp8AndInt8WithoutALayoutRunInTheOneTheGpuTakes) {
  GpuInfo h100;
  h100.name = "H100";
  h100.cc_major = 9;
  const Shape nn{256, 256, 256}, tn{128, 128, 128, Layout::tn}, small{64, 64, 64};
  const std::vector<ShapeGroup> groups{{{nn, tn}, {DType::fp32, DType::fp8e4m3, DType::int8}},
                                       {{small}, {DType::int8}}};
  std::vector<std::string> notes;
  const auto out = in_gpu_layouts(groups, {h100}, [&](const std::string& n) { notes.push_back(n); });
  std::map<std::pair<DType, Layout>, int> cases;
  for (const ShapeGroup& g : out)
    for (DType d : g.dtypes)
      for (const Shape& s : g.shapes) ++cases[{d, s.layout}];
  const std::map<std::pair<DType, Layout>, int> expected{
      {{DType::fp32, Layout::nn}, 1},    {{DType::fp32, Layout::tn}, 1},
      {{DType::fp8e4m3, Layout::nt}, 1}, {{DType::fp8e4m3, Layout::tn}, 1},
      {{DType::int8, Layout::nt}, 2},    {{DType::int8, Layout::tn}, 1}};
  EXPECT_EQ(cases, expected);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("fp8e4m3 runs in layout nt"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("int8 runs in layout nt"), std::string::npos) << notes[1];
  // No GPU measured (a CPU-only run or no GPU backend): the groups as they were.
  notes.clear();
  const auto cpu = in_gpu_layouts(groups, {}, [&](const std::string& n) { notes.push_back(n); });
  ASSERT_EQ(cpu.size(), groups.size());
  EXPECT_EQ(cpu[0].shapes, groups[0].shapes);
  EXPECT_TRUE(notes.empty());
}

// A captured workload's weights go with the cases into the GPU's layout: int8's nn case becomes
// the nt one the file also lists, which runs once with the calls of both; fp32 keeps its own.
TEST(GpuLayouts, AWorkloadsCallsMoveWithTheirCase) {
  GpuInfo h100;
  h100.name = "H100";
  h100.cc_major = 9;
  const Shape nn{256, 256, 256}, nt{256, 256, 256, Layout::nt};
  std::vector<ShapeGroup> groups{{{nn}, {DType::fp32, DType::int8}}, {{nt}, {DType::int8}}};
  groups[0].add_calls(nn, DType::fp32, 2);
  groups[0].add_calls(nn, DType::int8, 5);
  groups[1].add_calls(nt, DType::int8, 4);
  const auto out = in_gpu_layouts(groups, {h100}, nullptr);
  std::map<std::pair<DType, Layout>, std::int64_t> calls;
  int int8_cases = 0;
  for (const ShapeGroup& g : out)
    for (DType d : g.dtypes)
      for (const Shape& s : g.shapes) {
        calls[{d, s.layout}] += g.calls_of(s, d);
        int8_cases += d == DType::int8;
      }
  EXPECT_EQ(int8_cases, 1);
  const std::map<std::pair<DType, Layout>, std::int64_t> expected{
      {{DType::fp32, Layout::nn}, 2}, {{DType::int8, Layout::nt}, 9}};
  EXPECT_EQ(calls, expected);
}
