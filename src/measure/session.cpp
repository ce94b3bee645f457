#include "gpubench/measure/session.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "gpubench/backends/gpu_peaks.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/outcome.hpp"
#include "gpubench/measure/devices.hpp"
#include "gpubench/measure/mpi_session.hpp"
#include "gpubench/measure/stop_signal.hpp"
#include "gpubench/platform/sysinfo.hpp"

namespace gpubench {

namespace {

// The one layout some GPU of `gpus` takes `d` in, and the first such GPU.
std::optional<Layout> only_layout_on(DType d, const std::vector<GpuInfo>& gpus, const GpuInfo*& on) {
  for (const GpuInfo& g : gpus)
    if (const auto only = only_gpu_layout(d, g.cc_major, g.cc_minor)) {
      on = &g;
      return only;
    }
  return std::nullopt;
}

// The GPUs a sweep multiplies on: `devices`' when a GPU backend is selected, else none.
std::vector<GpuInfo> gpus_measured(const SystemInfo& system,
                                   const std::vector<BackendEntry>& backends,
                                   const std::vector<int>& devices) {
  std::vector<GpuInfo> out;
  const bool gpu_backend = std::any_of(backends.begin(), backends.end(), [](const BackendEntry& e) {
    return e.kind == DeviceKind::gpu;
  });
  for (const GpuInfo& g : system.gpus)
    if (gpu_backend && std::find(devices.begin(), devices.end(), g.index) != devices.end())
      out.push_back(g);
  return out;
}

}  // namespace

std::vector<ShapeGroup> in_gpu_layouts(std::vector<ShapeGroup> groups,
                                       const std::vector<GpuInfo>& gpus,
                                       const std::function<void(const std::string&)>& note) {
  std::vector<ShapeGroup> out;
  std::vector<DType> told;
  for (ShapeGroup& g : groups) {
    std::vector<ShapeGroup> moved;  // the dtypes taken out of g, each with its shapes
    std::erase_if(g.dtypes, [&](DType d) {
      const GpuInfo* gpu = nullptr;
      const auto only = only_layout_on(d, gpus, gpu);
      if (!only) return false;
      ShapeGroup own{{}, {d}, {}};
      for (const Shape& from : g.shapes) {
        Shape s = from;
        if (s.layout == Layout::nn) s.layout = *only;
        if (std::find(own.shapes.begin(), own.shapes.end(), s) == own.shapes.end())
          own.shapes.push_back(s);
        own.add_calls(s, d, g.take_calls(from, d));  // a workload's calls go with the case
      }
      moved.push_back(std::move(own));
      if (note && std::find(told.begin(), told.end(), d) == told.end()) {
        told.push_back(d);
        note(only_gpu_layout_note(d, *gpu));
      }
      return true;
    });
    if (!g.dtypes.empty()) out.push_back(std::move(g));
    for (ShapeGroup& m : moved) out.push_back(std::move(m));
  }
  return without_repeated_cases(std::move(out));
}

Session::Session(SessionOptions o) : o_(std::move(o)) {
  // Under `mpirun -np N gpubench matmul ...` every rank measures its own host and GPU and rank 0
  // reports them all; a plain run is rank 0 of 1.
  if (o_.mpi) mpi_ = std::make_unique<MpiSession>();
  o_.backend.threads = threads_for_process(o_.threads, mpi_ ? mpi_->local_size() : 1);
}

Session::~Session() = default;

bool Session::is_root() const { return rank() == 0; }
int Session::rank() const { return mpi_ ? mpi_->rank() : 0; }

const std::string& Session::mpi_note() const {
  static const std::string none;
  return mpi_ ? mpi_->note() : none;
}

int Session::interrupt_exit_code() const { return stop_ && stop_->signal() ? stop_->exit_code() : 0; }

void Session::start(const std::string& command_line) {
  results_.system = collect_system_info(command_line, o_.backend.threads);
  // The CPU backends take these facts instead of reading (and timing) the CPU again.
  o_.backend.cpu = std::make_shared<const CpuInfo>(results_.system.cpu);
  // Ctrl-C / SIGTERM from here on: the runner stops between cases; what finished is kept.
  if (!stop_) stop_ = std::make_unique<StopOnSignal>();
}

void Session::notify_started(const CaseStart& c) {
  for (SessionObserver* ob : observers_) ob->case_started(c);
}

void Session::finished(Record&& r) {
  label_record(r, results_.system, rank());
  if (stop_->signal())
    r.warnings.push_back(fmt::format("cut short by the interrupt: {} samples", r.main.seconds.samples));
  results_.records.push_back(std::move(r));
  for (SessionObserver* ob : observers_) ob->case_finished(results_.records.back(), results_);
}

void Session::run_group(const ShapeGroup& g, const std::vector<int>& devices, int& done_before,
                        int total) {
  RunOptions ro = o_.run;
  ro.shapes = g.shapes;
  ro.dtypes = g.dtypes;
  ro.stop = stop_->flag();
  const std::size_t first = results_.records.size();
  CaseHandlers handlers;
  handlers.started = [&](const Progress& p) {
    // --concurrent names the device in the label ("cublas[1]"); the plan's key is the backend.
    const std::string device = p.device >= 0 ? fmt::format("[{}]", p.device) : "";
    notify_started({p.index + done_before, total,
                    fmt::format("{}{} {} {}", p.backend, device, to_string(p.dtype),
                                p.shape.label()),
                    {fmt::format("{} {}", p.backend, to_string(p.dtype)), p.shape.flops()}});
  };
  handlers.finished = [&](const Progress&, Record&& r) {
    r.workload_calls = g.calls_of(r.shape, r.dtype);
    finished(std::move(r));
  };
  run_cases_on_devices(o_.sweep.backends, devices, o_.sweep.concurrent, o_.backend, ro, handlers);
  // Observers saw the rows as the devices finished them; the report has them case by case.
  if (o_.sweep.concurrent)
    concurrent_order(results_.records.begin() + std::ptrdiff_t(first), results_.records.end(),
                     o_.sweep.backends, devices, ro);
  done_before += int(bind_to_devices(o_.sweep.backends, devices).size() * g.shapes.size() *
                     g.dtypes.size());
}

void Session::run_matmul() {
  start(o_.command_line);
  results_.system.seed = o_.run.seed;  // a run is reproducible from its file alone
  std::vector<int> devices{0};
  try {
    if (o_.sweep.require_gpu && results_.system.gpus.empty())
      throw EnvironmentError("--require-gpu: " + results_.system.gpu_status());
    devices = devices_for_process(o_.sweep.device, o_.sweep.device_given, int(results_.system.gpus.size()),
                                  mpi_ ? mpi_->local_rank() : 0);
    if (!o_.sweep.layout_chosen)
      o_.sweep.groups = in_gpu_layouts(
          o_.sweep.groups, gpus_measured(results_.system, o_.sweep.backends, devices), o_.sweep.note);
    const std::size_t per_case = bind_to_devices(o_.sweep.backends, devices).size();
    int total = 0, done_before = 0;
    SweepPlan plan;
    plan.model.runs = std::max(1, o_.run.warmup) + o_.run.min_samples + (o_.run.verify ? 1 : 0);
    plan.model.cap = o_.run.max_time_per_case;
    for (const ShapeGroup& g : o_.sweep.groups) {
      total += int(per_case * g.shapes.size() * g.dtypes.size());
      for (const BackendEntry& e : bind_to_devices(o_.sweep.backends, devices))
        for (DType d : g.dtypes)
          for (const Shape& s : g.shapes)
            plan.cases.push_back({fmt::format("{} {}", e.name, to_string(d)), s.flops()});
    }
    for (SessionObserver* ob : observers_) ob->sweep_planned(plan);
    for (const ShapeGroup& g : o_.sweep.groups) {
      run_group(g, devices, done_before, total);
      if (stop_->signal()) break;
    }
  } catch (const std::exception& e) {
    if (!mpi_ || !mpi_->active()) throw;
    // One rank's failure must not stop the others: its rows say why, rank 0 reports them all.
    rank_failure_code_ = exit_code_for(e);
    results_.records.clear();
    const std::string reason = fmt::format("rank {} could not run: {}", rank(), e.what());
    for (const ShapeGroup& g : o_.sweep.groups) {
      RunOptions ro = o_.run;
      ro.shapes = g.shapes;
      ro.dtypes = g.dtypes;
      for (Record& r : failed_rows(o_.sweep.backends, devices, ro, reason)) {
        label_record(r, results_.system, rank());
        results_.records.push_back(std::move(r));
      }
    }
  }
  // A host fact the results need, recorded with the others (before the final save).
  if (o_.wants_host_bandwidth && o_.wants_host_bandwidth(results_))
    results_.system.cpu.memory_bandwidth_gbs =
        quick_host_triad_gbs(o_.threads, results_.system.cpu.memory_bandwidth_note);
  results_.interrupted = stop_->signal() != 0;
  for (SessionObserver* ob : observers_) ob->sweep_finished(results_);
}

void Session::run_bandwidth(const BandwidthPlan& plan) {
  start(o_.command_line);
  // Without GPUs, "all" is GPU 0's rows, which say why they are empty.
  const std::vector<int> devices = parse_device_spec(plan.device, int(results_.system.gpus.size()));
  BandwidthOptions o = plan.measure;
  o.threads = o_.backend.threads;
  o.stop = stop_->flag();
  const int total = (plan.host ? 1 : 0) + (plan.gpu ? int(devices.size()) : 0);
  int index = 0;
  auto keep = [&](std::vector<BandwidthRecord> rows) {
    for (BandwidthRecord& b : rows) {
      b.host = results_.system.hostname;
      if (b.device_kind == DeviceKind::cpu) b.device_name = results_.system.cpu.model;
      results_.bandwidth.push_back(std::move(b));
      for (SessionObserver* ob : observers_)
        ob->bandwidth_finished(results_.bandwidth.back(), results_);
    }
  };
  if (plan.host) {
    notify_started({++index, total, "host memory", {}});
    auto host = measure_host_bandwidth(o);
    for (const BandwidthRecord& b : host)
      if (b.test == "host triad" && b.ok()) {
        results_.system.cpu.memory_bandwidth_gbs = b.gbs;
        results_.system.cpu.memory_bandwidth_note = "measured: STREAM triad (gpubench bandwidth)";
      }
    keep(std::move(host));
  }
  if (plan.gpu)
    for (int device : devices) {  // one card at a time, so that no copy shares the host's links
      if (stop_->signal()) break;
      o.device = device;
      notify_started({++index, total, fmt::format("GPU {} copies", device), {}});
      keep(measure_gpu_bandwidth(o, results_.system));
    }
  results_.interrupted = stop_->signal() != 0;
  for (SessionObserver* ob : observers_) ob->sweep_finished(results_);
}

namespace {

// peak's default: the GPU vendor's library when there is a GPU, else the CPU's library.
std::vector<BackendEntry> default_peak_backends(const SystemInfo& system) {
  const std::vector<BackendEntry> all = backend_registry();
  const bool gpu = !system.gpus.empty();
  for (const BackendEntry& e : all)
    if (gpu ? e.role == BackendRole::vendor_library && e.kind == DeviceKind::gpu
            : e.role == BackendRole::library && e.kind == DeviceKind::cpu && e.in_default)
      return {e};
  return {};
}

}  // namespace

namespace {
// The search tells one PeakObserver: this one tells every observer of the session.
class PeakFanOut : public PeakObserver {
 public:
  explicit PeakFanOut(const std::vector<SessionObserver*>& to) : to_(to) {}
  void search_started(const PeakSearch& s) override {
    for (SessionObserver* o : to_) o->search_started(s);
  }
  void point_measured(const PeakSearch& s, const Results& so_far) override {
    for (SessionObserver* o : to_) o->point_measured(s, so_far);
  }
  void remeasure_started(const PeakSearch& s, const Shape& shape) override {
    for (SessionObserver* o : to_) o->remeasure_started(s, shape);
  }
  void remeasured(const PeakSearch& s, const Results& so_far) override {
    for (SessionObserver* o : to_) o->remeasured(s, so_far);
  }

 private:
  const std::vector<SessionObserver*>& to_;
};
}  // namespace

void Session::run_peak(PeakOptions plan) {
  start(o_.command_line);
  results_.system.seed = plan.search.seed;
  const std::vector<int> devices = parse_device_spec(o_.sweep.device, int(results_.system.gpus.size()));
  if (devices.size() != 1)
    throw UsageError(fmt::format("--device '{}': peak searches one GPU at a time", o_.sweep.device));
  std::vector<BackendEntry> backends = o_.sweep.backends;
  if (backends.empty()) backends = default_peak_backends(results_.system);
  if (backends.empty()) throw EnvironmentError("no backend in this build can multiply matrices");
  plan.interrupt = stop_->flag();
  // The kernel's rate is what peak finds: no copies timed, no pinned buffers to allocate.
  BackendOptions bopts = o_.backend;
  bopts.end_to_end = false;
  bopts.pinned_host = false;
  PeakFanOut observers(observers_);
  run_peak_search(bind_to_devices(backends, devices), bopts, plan, results_, &observers);
  results_.interrupted = stop_->signal() != 0;
}

int Session::gather(int local_code) {
  const int here = std::max(local_code, rank_failure_code_);
  if (!mpi_) return here;
  // Each rank judges its own rows; rank 0 reports everyone's and exits with the worst code.
  const int code = mpi_->max_exit_code(here);
  results_ = mpi_->gather(results_);
  return code;
}

std::vector<Record> failed_rows(const std::vector<BackendEntry>& entries,
                                const std::vector<int>& devices, const RunOptions& opts,
                                const std::string& reason) {
  std::vector<Record> out;
  for (DType d : opts.dtypes)
    for (const Shape& s : opts.shapes)
      for (const BackendEntry& e : bind_to_devices(entries, devices)) {
        Record r = case_record(e, nullptr, s, d);
        r.status = Status::failed;
        r.reason = reason;
        out.push_back(std::move(r));
      }
  return out;
}

void label_record(Record& r, const SystemInfo& system, int rank) {
  r.host = system.hostname;
  r.rank = rank;
  if (r.ok()) {
    r.main.flop_per_cycle = flop_per_cycle(r, r.main, system);
    if (r.burst) r.burst->flop_per_cycle = flop_per_cycle(r, *r.burst, system);
  }
  if (r.device_kind != DeviceKind::gpu || !r.pci_bus_id.empty()) return;
  for (const GpuInfo& g : system.gpus)
    if (g.index == r.device_index) r.pci_bus_id = g.pci_bus_id;
}

int Session::matmul_exit_code(bool backends_named, std::string& why) const {
  // A row that did not verify, or nothing measured at all (every case skipped or unsupported):
  // the machine could not run what was asked, which must not pass for success. One CPU row that
  // ran is enough for exit 0.
  if (const int code = results_exit_code(results_, why)) return code;
  const std::vector<Record>& records = results_.records;
  // A GPU backend the user named explicitly but that could not run at all is an environment error.
  if (!backends_named) return kExitOk;
  for (const BackendEntry& e : o_.sweep.backends) {
    if (e.kind != DeviceKind::gpu) continue;
    bool any_ran = false;
    std::string reason;
    for (const Record& r : records)
      if (r.backend == e.name) any_ran = any_ran || r.status != Status::skipped, reason = r.reason;
    if (!any_ran) {
      why = fmt::format("{} could not run: {}", e.name, reason);
      return kExitEnvironment;
    }
  }
  return kExitOk;
}

}  // namespace gpubench
