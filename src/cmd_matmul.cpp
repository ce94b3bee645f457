// `gpubench matmul`: plan the sweep, run it, report it, decide the exit code.
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpubench/bandwidth.hpp"
#include "gpubench/errors.hpp"
#include "gpubench/pricing.hpp"
#include "gpubench/registry.hpp"
#include "gpubench/report.hpp"
#include "gpubench/runner.hpp"
#include "gpubench/sysinfo.hpp"
#include "gpubench/verdict.hpp"

namespace gpubench {

namespace {

struct MatmulOptions {
  std::string sizes = "128..4096";
  std::string dtypes = "fp32";
  std::string backends = "default";
  int threads = 0;
  int device = 0;
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

int run_matmul_command(const MatmulOptions& o, const std::string& command_line,
                       bool backends_given) {
  RunOptions ro;
  ro.shapes = parse_sizes(o.sizes);
  ro.dtypes = parse_dtype_list(o.dtypes);
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
  bo.threads = o.threads;
  bo.device = o.device;
  bo.flush_l2 = o.flush_l2;
  bo.end_to_end = o.transfers;
  bo.pinned_host = o.host_memory == "pinned";

  Results results;
  results.pricing = resolve_pricing(o.price);  // bad prices: exit 2 before measuring
  results.system = collect_system_info(command_line, o.threads);
  if (o.require_gpu && results.system.gpus.empty())
    throw EnvironmentError("--require-gpu: " + results.system.cuda_status);

  {
    ProgressLine progress(!o.quiet && isatty(STDERR_FILENO));
    results.records = run_matmul(selected, bo, ro, [&](const Progress& p) { progress(p); });
  }
  for (Record& r : results.records) r.host = results.system.hostname;
  // The verdict's roofline note needs the host's memory bandwidth: a short STREAM triad, only
  // when there is a CPU/GPU comparison to make.
  if (verdict_applies(results))
    results.system.cpu.memory_bandwidth_gbs =
        quick_host_triad_gbs(o.threads, results.system.cpu.memory_bandwidth_note);

  write_table(std::cout, results);
  if (verdict_applies(results)) write_verdict(std::cout, compute_verdict(results));

  bool failed = false;
  for (const Record& r : results.records) failed = failed || r.status == Status::failed;
  if (failed) return kExitCheckFailed;
  // A GPU backend the user named explicitly but that could not run at all is an environment error.
  if (backends_given) {
    for (const BackendEntry& e : selected) {
      if (e.kind != DeviceKind::gpu) continue;
      bool any_ran = false;
      std::string why;
      for (const Record& r : results.records)
        if (r.backend == e.name) any_ran = any_ran || r.status != Status::skipped, why = r.reason;
      if (!any_ran) {
        if (!o.quiet) std::cerr << fmt::format("gpubench: {} could not run: {}\n", e.name, why);
        return kExitEnvironment;
      }
    }
  }
  return kExitOk;
}

}  // namespace

void add_matmul_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto o = std::make_shared<MatmulOptions>();
  CLI::App* cmd = app.add_subcommand("matmul", "Time C = A*B on the CPU and the GPU, and compare");
  cmd->add_option("--sizes", o->sizes,
                  "Sizes: 128..8192 (doubling), 128..1024:+128, 256..4096:x4, 512,1000, "
                  "4096x1024x512 (MxNxK), 4096x1024 (K=N)")
      ->capture_default_str();
  cmd->add_option("--dtype", o->dtypes, "Comma-separated: fp64,fp32,tf32,fp16,bf16")
      ->capture_default_str();
  auto* backends = cmd->add_option(
      "--backends", o->backends,
      "Comma-separated backends or groups (all, default, cpu, gpu, kernels, openblas, cublas, ...)")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "CPU threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--device", o->device, "GPU ordinal")->check(CLI::NonNegativeNumber)
      ->capture_default_str();
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
  cmd->callback([&action, o, command_line, backends] {
    const bool given = backends->count() > 0;
    action = [o, command_line, given] { return run_matmul_command(*o, command_line, given); };
  });
}

}  // namespace gpubench
