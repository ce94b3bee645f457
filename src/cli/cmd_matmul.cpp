// `gpubench matmul`: plan the sweep, run it, report it, decide the exit code.
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpubench/output/results_sink.hpp"
#include "gpubench/measure/bandwidth.hpp"
#include "gpubench/measure/devices.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/measure/mpi_session.hpp"
#include "gpubench/analysis/pricing.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/measure/runner.hpp"
#include "gpubench/core/shapes_file.hpp"
#include "gpubench/measure/stop_signal.hpp"
#include "gpubench/platform/sysinfo.hpp"
#include "gpubench/analysis/verdict.hpp"

namespace gpubench {

namespace {

struct MatmulOptions {
  std::string sizes = "128..4096";
  std::string dtypes = "fp32";
  std::string backends = "default";
  int threads = 0;
  std::string device = "0";  // "all", "0", "0,1"
  bool device_given = false;  // otherwise, under mpirun, the local rank picks the GPU
  bool concurrent = false;
  double min_time = 0.3;
  double max_time_per_case = 10.0;
  int warmup = 2;
  std::uint64_t seed = 42;
  bool verify = true;
  bool quiet = false;
  bool require_gpu = false;
  bool flush_l2 = false;
  bool transfers = true;
  std::string host_memory = "pinned";
  std::string shapes_file;  // --shapes: a CSV of M,N,K[,dtype] instead of --sizes
  ResultsOptions results;   // --format, --output, --baseline, --max-regression
  PriceOptions price;
};

// "[3/12] openblas fp32 1024" on a terminal only; never in --quiet, never into a pipe.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  ~ProgressLine() { clear(); }
  void operator()(const Progress& p) {
    if (!enabled_ || p.just_finished) return;
    const std::string line = fmt::format("[{}/{}] {} {} {}", p.index, p.total, p.backend,
                                         to_string(p.dtype), p.shape.label());
    std::cerr << "\r" << line << std::string(width_ > line.size() ? width_ - line.size() : 0, ' ')
              << std::flush;
    width_ = line.size();
  }
  void clear() {
    if (enabled_ && width_) std::cerr << "\r" << std::string(width_, ' ') << "\r" << std::flush;
    width_ = 0;
  }

 private:
  bool enabled_;
  std::size_t width_ = 0;
};

// 1 when a row failed; 3 when a GPU backend the user named could not run at all; else 0.
int matmul_exit_code(const std::vector<Record>& records, const std::vector<BackendEntry>& selected,
                     bool backends_given, bool quiet) {
  bool failed = false;
  for (const Record& r : records) failed = failed || r.status == Status::failed;
  if (failed) return kExitCheckFailed;
  // A GPU backend the user named explicitly but that could not run at all is an environment error.
  if (backends_given) {
    for (const BackendEntry& e : selected) {
      if (e.kind != DeviceKind::gpu) continue;
      bool any_ran = false;
      std::string why;
      for (const Record& r : records)
        if (r.backend == e.name) any_ran = any_ran || r.status != Status::skipped, why = r.reason;
      if (!any_ran) {
        if (!quiet) std::cerr << fmt::format("gpubench: {} could not run: {}\n", e.name, why);
        return kExitEnvironment;
      }
    }
  }
  return kExitOk;
}

int run_matmul_command(const MatmulOptions& o, const std::string& command_line,
                       bool backends_given) {
  RunOptions ro;
  // Shapes x dtypes that run together: one group for --sizes, one per dtype for --shapes lines
  // that name their own dtype.
  // (Parsed into locals first: g++ 12 mis-destroys a braced temporary whose second member's
  // initialiser throws, which ASan reports as a stack-use-after-scope on a bad --dtype.)
  std::vector<ShapeGroup> groups;
  if (o.shapes_file.empty()) {
    std::vector<Shape> shapes = parse_sizes(o.sizes);
    std::vector<DType> dtypes = parse_dtype_list(o.dtypes);
    groups.push_back(ShapeGroup{std::move(shapes), std::move(dtypes)});
  } else {
    groups = group_shape_cases(read_shapes_file(o.shapes_file), parse_dtype_list(o.dtypes));
  }
  // Under `mpirun -np N gpubench matmul ...` every rank measures its own host and GPU and rank 0
  // reports them all; a plain run is rank 0 of 1. Only rank 0 writes files and reads the baseline:
  // the other hosts need not have them.
  MpiSession mpi;
  if (!mpi.note().empty() && !o.quiet) std::cerr << "gpubench: note: " << mpi.note() << "\n";
  // Bad --format/--output/--baseline: exit 2, nothing run.
  const ResultsSink sink(mpi.is_root() ? o.results : ResultsOptions{});
  ro.min_time = o.min_time;
  ro.max_time_per_case = o.max_time_per_case;
  ro.warmup = o.warmup;
  ro.seed = o.seed;
  ro.verify = o.verify;
  if (o.host_memory != "pinned" && o.host_memory != "pageable")
    throw UsageError("--host-memory must be 'pinned' or 'pageable', got '" + o.host_memory + "'");
  const auto registry = backend_registry();
  const auto selected = select_backends(registry, o.backends);

  BackendOptions bo;
  bo.threads = threads_for_process(o.threads, mpi.local_size());
  bo.flush_l2 = o.flush_l2;
  bo.end_to_end = o.transfers;
  bo.pinned_host = o.host_memory == "pinned";

  Results results;
  results.pricing = resolve_pricing(o.price);  // bad prices: exit 2 before measuring
  results.system = collect_system_info(command_line, bo.threads);

  // Ctrl-C / SIGTERM: the runner stops between cases; what finished is saved and printed.
  StopOnSignal stop;
  ro.stop = stop.flag();
  int rank_code = kExitOk;
  std::vector<int> devices{0};
  try {
    if (o.require_gpu && results.system.gpus.empty())
      throw EnvironmentError("--require-gpu: " + results.system.cuda_status);
    devices = devices_for_process(o.device, o.device_given, int(results.system.gpus.size()),
                                  mpi.local_rank());
    const std::size_t per_case = bind_to_devices(selected, devices).size();
    ProgressLine progress(!o.quiet && mpi.is_root() && isatty(STDERR_FILENO));
    int total = 0, done_before = 0;
    for (const ShapeGroup& g : groups) total += int(per_case * g.shapes.size() * g.dtypes.size());
    for (const ShapeGroup& g : groups) {
      ro.shapes = g.shapes;
      ro.dtypes = g.dtypes;
      const std::size_t first = results.records.size();
      auto records = run_matmul_on_devices(selected, devices, o.concurrent, bo, ro,
                                           [&](const Progress& p) {
        progress({p.index + done_before, total, p.just_finished, p.backend, p.shape, p.dtype});
        if (!p.just_finished) return;
        // Every --output file is rewritten after each case: an interrupted or killed run keeps
        // everything it finished.
        Record& r = results.records.emplace_back(*p.just_finished);
        r.host = results.system.hostname;
        if (stop.signal())
          r.warnings.push_back(fmt::format("cut short by the interrupt: {} samples",
                                           r.seconds.samples));
        if (mpi.is_root()) sink.save(results);  // under MPI the gathered results, at the end
      });
      // The runner's records are the authority; the copies above only fed the saved files.
      std::vector<Record> reported(std::make_move_iterator(results.records.begin() + first),
                                   std::make_move_iterator(results.records.end()));
      results.records.resize(first);
      for (Record& r : adopt_reported_warnings(std::move(records), std::move(reported)))
        results.records.push_back(std::move(r));
      done_before += int(per_case * g.shapes.size() * g.dtypes.size());
      if (stop.signal()) break;
    }
  } catch (const std::exception& e) {
    if (!mpi.active()) throw;
    // One rank's failure must not stop the others: its rows say why, rank 0 reports them all.
    rank_code = exit_code_for(e);
    results.records.clear();
    for (const ShapeGroup& g : groups) {
      ro.shapes = g.shapes;
      ro.dtypes = g.dtypes;
      for (Record& r : failed_rows(selected, devices, ro,
                                   fmt::format("rank {} could not run: {}", mpi.rank(), e.what())))
        results.records.push_back(std::move(r));
    }
  }
  results.interrupted = stop.signal() != 0;
  label_records(results.records, results.system, mpi.rank());
  // The verdict's roofline note needs the host's memory bandwidth: a short STREAM triad, only
  // when there is a CPU/GPU comparison to make.
  if (verdict_applies(results))
    results.system.cpu.memory_bandwidth_gbs =
        quick_host_triad_gbs(o.threads, results.system.cpu.memory_bandwidth_note);

  // Each rank judges its own rows; rank 0 reports everyone's and exits with the worst code.
  const int code = mpi.max_exit_code(
      std::max(rank_code, matmul_exit_code(results.records, selected, backends_given, o.quiet)));
  results = mpi.gather(results);
  if (!mpi.is_root()) return kExitOk;

  sink.finish(std::cout, results);
  if (sink.stdout_format() == Format::table && verdict_applies(results))
    write_verdict(std::cout, compute_verdict(results));
  if (results.interrupted) return stop.exit_code();  // 130 (SIGINT) or 143 (SIGTERM)
  if (!sink.gate_passes(std::cout, results)) return kExitCheckFailed;
  return code;
}

}  // namespace

void add_matmul_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto o = std::make_shared<MatmulOptions>();
  CLI::App* cmd = app.add_subcommand("matmul", "Time C = A*B on the CPU and the GPU, and compare");
  auto* sizes_option = cmd->add_option("--sizes", o->sizes,
                  "Sizes: 128..8192 (doubling), 128..1024:+128, 256..4096:x4, 512,1000, "
                  "4096x1024x512 (MxNxK), 4096x1024 (K=N)")
      ->capture_default_str();
  cmd->add_option("--shapes", o->shapes_file,
                  "A CSV file of M,N,K[,dtype] lines (a workload's real shapes) instead of --sizes")
      ->excludes(sizes_option);
  cmd->add_option("--dtype", o->dtypes, "Comma-separated: fp64,fp32,tf32,fp16,bf16")
      ->capture_default_str();
  auto* backends = cmd->add_option(
      "--backends", o->backends,
      "Comma-separated backends or groups (all, default, cpu, gpu, kernels, openblas, cublas, ...)")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "CPU threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  auto* device = cmd->add_option(
      "--device", o->device,
      "GPUs: an ordinal (0), a list (0,1) or all (under mpirun, default: the local rank's GPU)")
      ->capture_default_str();
  cmd->add_flag("--concurrent", o->concurrent,
                "With several GPUs: all at once (a host thread and stream each), not in turn");
  cmd->add_option("--min-time", o->min_time, "Seconds of timed work per case, at least")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--max-time-per-case", o->max_time_per_case,
                  "Stop repeating a case after this many seconds")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--warmup", o->warmup, "Untimed runs before timing")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of the random inputs")->capture_default_str();
  cmd->add_flag("--verify,!--no-verify", o->verify, "Check every result against fp64 (default on)");
  cmd->add_flag("--quiet,-q", o->quiet, "Nothing on stderr");
  cmd->add_flag("--require-gpu", o->require_gpu, "Exit 3 when no GPU can be used");
  cmd->add_flag("--flush-l2", o->flush_l2, "GPU: overwrite the L2 cache between repetitions");
  cmd->add_flag("--transfers,!--no-transfers", o->transfers,
                "GPU: also time host->device copies + multiply + device->host copy (default on)");
  cmd->add_option("--host-memory", o->host_memory,
                  "GPU end-to-end: host buffers 'pinned' or 'pageable'")
      ->capture_default_str();
  cmd->add_option("--price-cpu", "$/hour of the CPU machine, for GFLOP per dollar")
      ->check(CLI::Number)
      ->each([o](const std::string& v) { o->price.cpu_usd_per_hour = std::stod(v); });
  cmd->add_option("--price-gpu", "$/hour of the GPU machine, for GFLOP per dollar")
      ->check(CLI::Number)
      ->each([o](const std::string& v) { o->price.gpu_usd_per_hour = std::stod(v); });
  cmd->add_option("--price-preset", o->price.preset,
                  "Both prices from a preset in the price file (e.g. h100-cloud)");
  cmd->add_option("--price-file", o->price.file,
                  "Price presets (JSON; default $GPUBENCH_PRICE_FILE or bench/prices.json)");
  add_results_options(cmd, o->results);
  cmd->callback([&action, o, command_line, backends, device] {
    const bool given = backends->count() > 0;
    o->device_given = device->count() > 0;
    action = [o, command_line, given] { return run_matmul_command(*o, command_line, given); };
  });
}

}  // namespace gpubench
