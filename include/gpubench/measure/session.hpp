// One measuring session: everything between the parsed options and the finished Results. It owns
// the Results, joins an MPI launch, collects the SystemInfo, runs the sweep's shape groups on the
// devices it schedules, stops between cases on SIGINT/SIGTERM, fills failed rows for a rank that
// could not run, and tells observers (progress line, incremental saving) what happens. `matmul`,
// `bandwidth` and `peak` run through it; the CLI only binds options to it and prints.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gpubench/backends/registry.hpp"
#include "gpubench/core/record.hpp"
#include "gpubench/core/shapes_file.hpp"
#include "gpubench/measure/bandwidth.hpp"
#include "gpubench/measure/eta.hpp"
#include "gpubench/measure/peak_search.hpp"
#include "gpubench/measure/runner.hpp"

namespace gpubench {

class MpiSession;
class StopOnSignal;

// What a session measures (the sweep), apart from how it times it (SessionOptions::run).
struct MatmulSweep {
  // Shapes x dtypes that run together (one group for --sizes, one per dtype for --shapes lines
  // naming their own); used by matmul.
  std::vector<ShapeGroup> groups;
  // The selected backends, not yet bound to devices (peak: empty for its default).
  std::vector<BackendEntry> backends;
  std::string device = "0";   // --device: N, N,M,... or all (peak: one ordinal)
  bool device_given = false;  // otherwise, under MPI, the local rank picks the GPU
  bool concurrent = false;    // every device at once
  bool require_gpu = false;
  // --layout given: false lets a dtype that the run's GPUs take in one layout only run in it (see
  // in_gpu_layouts), told through `note`.
  bool layout_chosen = true;
  std::function<void(const std::string&)> note;
};

struct SessionOptions {
  std::string command_line;  // recorded in SystemInfo
  int threads = 0;           // CPU threads asked for; 0 = all (under MPI: this rank's share)
  bool mpi = false;          // join an MPI launch (matmul); otherwise one process, rank 0 of 1

  MatmulSweep sweep;       // what is measured
  BackendOptions backend;  // how: its threads are the session's (threads_for_process)
  RunOptions run;          // how: the timing policy; shapes, dtypes and stop are set per group
  // Whether the host's memory bandwidth is a fact the results need (the verdict's roofline note
  // does when it compares CPU and GPU rows): the session then measures a short STREAM triad after
  // the sweep and records it in SystemInfo. Unset: never.
  std::function<bool(const Results&)> wants_host_bandwidth;
};

// The groups of a run whose --layout was not given, on `gpus` (those its GPU backends use): each
// dtype that one of them multiplies in one layout only (only_gpu_layout: fp8 and int8 before
// compute capability 10.0 take nt) runs its nn shapes in that layout, on every backend (the CPU
// rows answer the same case), in a group of its own; `note` is told once per such dtype.
std::vector<ShapeGroup> in_gpu_layouts(std::vector<ShapeGroup> groups,
                                       const std::vector<GpuInfo>& gpus,
                                       const std::function<void(const std::string&)>& note);

// What `gpubench bandwidth` measures: host STREAM tests, then each device's copies in turn.
struct BandwidthPlan {
  BandwidthOptions measure;  // its threads and device are the session's
  std::string device = "0";  // --device: N, N,M,... or all
  bool host = true, gpu = true;
};

struct CaseStart {
  int index = 0, total = 0;  // 1-based, over the whole sweep (every group)
  std::string label;         // "openblas fp32 1024", "cublas[1] bf16 4096", "host memory"
  PlannedCase work;          // matmul: as in sweep_planned(), for the time left; else empty
};

// Told, in order, what a session does. Records are the session's: an observer reads them and
// keeps nothing. Under --concurrent the calls come from the measuring threads, one at a time.
// A peak search's events are PeakObserver's (peak_search.hpp).
class SessionObserver : public PeakObserver {
 public:
  virtual ~SessionObserver() = default;
  // Before the first matmul case: every case the sweep will run, for an estimate of the time left.
  virtual void sweep_planned(const SweepPlan& /*plan*/) {}
  virtual void case_started(const CaseStart&) {}
  // A matmul case finished. `r` is final (the session's labels and warnings included); `so_far`
  // holds every record finished so far, `r` among them.
  virtual void case_finished(const Record& /*r*/, const Results& /*so_far*/) {}
  // A bandwidth test finished, likewise.
  virtual void bandwidth_finished(const BandwidthRecord& /*r*/, const Results& /*so_far*/) {}
  // The sweep is over, finished or stopped: this process's results in report order.
  virtual void sweep_finished(const Results&) {}
};

class Session {
 public:
  // Joins MPI when asked and launched under mpirun; measures nothing yet.
  explicit Session(SessionOptions o);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Rank 0 (the only rank of a plain run) reports, writes files and reads the baseline.
  bool is_root() const;
  int rank() const;
  // Why a launch with several processes runs them one by one ("" when it does not).
  const std::string& mpi_note() const;

  // Set pricing and the like before running; read the records after.
  Results& results() { return results_; }
  const Results& results() const { return results_; }

  void add_observer(SessionObserver& o) { observers_.push_back(&o); }

  // The matmul sweep, every group in turn. Under MPI a rank that cannot run (no GPU for
  // --require-gpu, a bad --device) does not stop the others: its rows are failed rows giving the
  // reason, and rank_failure_code() its exit code. Without MPI such errors are thrown.
  void run_matmul();
  // `gpubench bandwidth`: the host tests, then each device in turn (so no copy shares the host's
  // links). A bad --device is a UsageError before anything runs.
  void run_bandwidth(const BandwidthPlan& plan);
  // `gpubench peak`: one search per backend and dtype on one device (SessionOptions::device, a
  // single ordinal), within plan.budget_seconds from plan.started. SessionOptions::backends empty
  // means the default: the GPU vendor library when a GPU is present, else the CPU library. Its
  // interrupt is the session's Ctrl-C. A bad --device is a UsageError before anything runs.
  void run_peak(PeakOptions plan);

  // A signal stopped the sweep: 130 (SIGINT) or 143 (SIGTERM) is the exit code; else 0.
  bool interrupted() const { return results_.interrupted; }
  int interrupt_exit_code() const;
  int rank_failure_code() const { return rank_failure_code_; }
  // This rank's verdict on its matmul rows: 1 when a row failed; 3 when a GPU backend the user
  // named (`backends_named`) could not run at all, `why` then saying which and why; else 0.
  int matmul_exit_code(bool backends_named, std::string& why) const;

  // Collective: every rank's results to rank 0 (results() then holds them all); returns the worst
  // of every rank's `local_code` and rank_failure_code() on rank 0, this rank's own elsewhere.
  int gather(int local_code);

 private:
  void start(const std::string& what);
  void run_group(const ShapeGroup& g, const std::vector<int>& devices, int& done_before,
                 int total);
  void finished(Record&& r);
  void notify_started(const CaseStart& c);

  SessionOptions o_;
  std::unique_ptr<MpiSession> mpi_;
  std::unique_ptr<StopOnSignal> stop_;
  std::vector<SessionObserver*> observers_;
  Results results_;
  int rank_failure_code_ = 0;
};

// The rows of a process that could not run at all (under MPI: a rank without the GPU it was asked
// for): one failed row per backend, device and case, each giving `reason`, so that the gathered
// table shows the failure where that rank's numbers would be.
std::vector<Record> failed_rows(const std::vector<BackendEntry>& entries,
                                const std::vector<int>& devices, const RunOptions& opts,
                                const std::string& reason);

// Fills what the runner does not know: the host and rank on every record, and the PCI bus id of
// GPU records from `system`.
void label_record(Record& r, const SystemInfo& system, int rank);


}  // namespace gpubench
