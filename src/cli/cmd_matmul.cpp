// `gpubench matmul`: binds the options to a Session, shows its progress, saves as it goes, prints.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <limits>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "number_options.hpp"
#include "progress.hpp"
#include "save_results.hpp"
#include "terminal.hpp"
#include "gpubench/analysis/pricing.hpp"
#include "gpubench/analysis/verdict.hpp"
#include "gpubench/backends/cpu_blas.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/shape_suites.hpp"
#include "gpubench/core/shapes_file.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/measure/bandwidth.hpp"
#include "gpubench/measure/session.hpp"
#include "gpubench/output/report.hpp"
#include "gpubench/output/results_sink.hpp"

namespace gpubench {

namespace {

// --format, --output, --baseline and --max-regression, bound to the ResultsSink's options.
void add_results_options(CLI::App* cmd, ResultsOptions& o) {
  cmd->add_option("--format", o.format, format_help(ResultKind::matmul))->capture_default_str();
  cmd->add_option("--output,-o", o.outputs,
                  output_help(ResultKind::matmul) + ". Rewritten after every finished case");
  cmd->add_option("--baseline", o.baseline,
                  "A results JSON to hold this run to: exit 1 when a case got slower than "
                  "--max-regression beyond the measured spread");
  cmd->add_option("--max-regression", o.max_regression,
                  "The slowdown --baseline tolerates, e.g. 5% (default 5%)");
  cmd->add_option("--columns", o.columns,
                  "The terminal table's columns, comma-separated names as in CSV and JSON, or "
                  "all (default: on a terminal, as many as fit its width, by priority)");
  cmd->add_flag("--wide", o.wide, "Every column of the terminal table, whatever its width");
}

// Untimed runs before timing: a bound that no sensible warm-up reaches.
constexpr std::uint64_t kMaxWarmup = 1000000;

struct MatmulOptions {
  std::string sizes = "128..4096";
  std::string dtypes = "fp32";
  std::string layouts = "nn";
  bool layout_given = false;  // otherwise fp8 and int8 run in the one layout a GPU takes them in
  std::string batch = "1";
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
  std::string progress = "auto";  // --progress: auto, always, never (see progress.hpp)
  bool require_gpu = false;
  std::string cache = "warm";   // --cache warm|cold (--flush-l2 = cold)
  std::string clocks = "both";  // --clocks burst|sustained|both (GPU rows)
  bool transfers = true;
  std::string host_memory = "pinned";
  std::string shapes_file;  // --shapes: a CSV of M,N,K[,dtype] instead of --sizes
  ResultsOptions results;   // --format, --output, --baseline, --max-regression
  PriceOptions price;
};

SessionOptions session_options(const MatmulOptions& o, const std::string& command_line) {
  SessionOptions so;
  so.command_line = command_line;
  so.mpi = true;
  // Shapes x dtypes that run together: one group for --sizes, one per dtype for --shapes lines
  // that name their own dtype.
  // (Parsed into locals first: g++ 12 mis-destroys a braced temporary whose second member's
  // initialiser throws, which ASan reports as a stack-use-after-scope on a bad --dtype.)
  const std::vector<Layout> layouts = parse_layout_list(o.layouts);
  std::int64_t batch = 1;
  try {
    batch = parse_batch(trim(o.batch), "--batch");
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{} (a positive count of products, e.g. --batch 32)", e.what()));
  }
  if (o.shapes_file.empty()) {
    std::vector<Shape> shapes = with_layouts_and_batch(parse_sizes(o.sizes), layouts, batch);
    std::vector<DType> dtypes = parse_dtype_list(o.dtypes);
    so.sweep.groups.push_back(ShapeGroup{std::move(shapes), std::move(dtypes), {}});
  } else {
    so.sweep.groups = group_shape_cases(read_shapes(o.shapes_file),
                                        parse_dtype_list(o.dtypes), layouts, batch);
  }
  so.run.min_time = o.min_time;
  so.run.max_time_per_case = o.max_time_per_case;
  so.run.warmup = o.warmup;
  so.run.seed = o.seed;
  so.run.verify = o.verify;
  if (o.host_memory != "pinned" && o.host_memory != "pageable")
    throw UsageError("--host-memory must be 'pinned' or 'pageable', got '" + o.host_memory + "'");
  so.sweep.backends = select_backends(backend_registry(), o.backends);
  so.threads = o.threads;
  so.backend.cold_cache = o.cache == "cold";
  so.run.clocks = o.clocks == "burst"       ? Clocks::burst
                  : o.clocks == "sustained" ? Clocks::sustained
                                            : Clocks::both;
  so.backend.end_to_end = o.transfers;
  so.backend.pinned_host = o.host_memory == "pinned";
  so.sweep.device = o.device;
  so.sweep.device_given = o.device_given;
  so.sweep.concurrent = o.concurrent;
  so.sweep.require_gpu = o.require_gpu;
  so.sweep.layout_chosen = o.layout_given;
  if (!o.quiet)
    so.sweep.note = [](const std::string& note) { std::cerr << "gpubench: note: " << note << "\n"; };
  // The verdict's roofline note needs the host's memory bandwidth: a short STREAM triad, only
  // when there is a CPU/GPU comparison to make.
  so.wants_host_bandwidth = [](const Results& r) { return verdict_applies(r); };
  return so;
}

// The sink's options with the files this run reads, which no --output may replace.
ResultsOptions results_options(const MatmulOptions& o) {
  ResultsOptions r = o.results;
  r.inputs = {{"--shapes", o.shapes_file}, {"--price-file", o.price.file}};
  r.width = stdout_terminal_width();
  return r;
}

// A cap below the minimum would cut every case short without a word: given, it is a usage error;
// left at its default, it makes room for a long --min-time (twice it: the wall clock of a cold
// cache's flushes counts too).
void settle_time_cap(MatmulOptions& o, bool cap_given) {
  if (!cap_given) {
    o.max_time_per_case = std::max(o.max_time_per_case, 2 * o.min_time);
    return;
  }
  if (o.max_time_per_case < o.min_time)
    throw UsageError(fmt::format(
        "--max-time-per-case {} is less than --min-time {}: every case would stop before its "
        "minimum",
        o.max_time_per_case, o.min_time));
}

int run_matmul_command(const MatmulOptions& o, const std::string& command_line,
                       bool backends_given) {
  if (lists_suites(o.shapes_file)) {
    std::cout << suite_list();
    return kExitOk;
  }
  // MPI joins here, before the checks below, so that only rank 0 checks the files it writes: the
  // other hosts need not have them.
  Session session(session_options(o, command_line));
  if (!session.mpi_note().empty() && !o.quiet)
    std::cerr << "gpubench: note: " << session.mpi_note() << "\n";
  // Bad --format/--output/--baseline/--columns, an output that is an input: exit 2, nothing run.
  const ResultsSink sink(ResultKind::matmul, session.is_root() ? results_options(o) : ResultsOptions{});
  Results& results = session.results();
  results.pricing = resolve_pricing(o.price);  // bad prices: exit 2 before measuring

  // Only rank 0 reports, progress included: N ranks drawing one line would garble it.
  ProgressReporter progress(
      session.is_root()
          ? progress_style(parse_progress_mode(o.progress), o.quiet, isatty(STDERR_FILENO))
          : ProgressStyle::none,
      std::cerr);
  SaveAsResultsArrive saving(sink);
  session.add_observer(progress);
  if (session.is_root()) session.add_observer(saving);
  session.run_matmul();

  std::string why;
  const int own = session.matmul_exit_code(backends_given, why);
  if (!why.empty() && !o.quiet) std::cerr << "gpubench: " << why << "\n";
  const int code = session.gather(own);
  if (!session.is_root()) return kExitOk;

  return sink.finish(std::cout, results, session.interrupt_exit_code(), code);
}

}  // namespace

void add_blas_lib_option(CLI::App* cmd) {
  std::vector<std::string> names;
  for (const CpuBlasKind& k : cpu_blas_kinds()) names.push_back(k.backend);
  const CpuBlasKind& example = cpu_blas_kinds().back();
  const std::string help = fmt::format(
      "NAME=PATH: load the CPU library NAME ({}) from PATH, e.g. {}=/path/to/{} (repeatable)",
      fmt::join(names, ", "), example.backend, example.sonames.front());
  cmd->add_option("--blas-lib", help)
      ->type_name("NAME=PATH")
      ->each([](const std::string& item) { set_cpu_blas_path_option(item); });
  // Loaded once the command line is parsed, in provider order (MKL last), so a path that is not
  // that library is a usage error before anything runs.
  cmd->parse_complete_callback(load_cpu_blas_paths);
}

namespace {

// The options whose presence the command's callback reads (an explicit choice, not the default).
struct GivenOptions {
  CLI::Option* backends = nullptr;
  CLI::Option* device = nullptr;
  CLI::Option* layout = nullptr;
  CLI::Option* max_time_per_case = nullptr;
};

// What to multiply: --sizes or --shapes, --dtype, --layout, --batch.
void add_shape_options(CLI::App* cmd, MatmulOptions& o, GivenOptions& given) {
  auto* sizes_option =
      cmd->add_option("--sizes", o.sizes,
                      "Sizes: 128..8192 (doubling), 128..1024:+128, 256..4096:x4, 512,1000, "
                      "4096x1024x512 (MxNxK), 4096x1024 (K=N)")
          ->capture_default_str();
  cmd->add_option("--shapes", o.shapes_file,
                  "A CSV of M,N,K[,dtype[,layout[,batch[,count]]]] lines (gpubench capture writes "
                  "one) or suite:NAME[:TOKENS] (suite:list lists them) instead of --sizes")
      ->excludes(sizes_option);
  cmd->add_option("--dtype", o.dtypes, "Comma-separated: " + dtype_grammar())
      ->capture_default_str();
  given.layout =
      cmd->add_option("--layout", o.layouts,
                      "Which operands are stored transposed, row-major, A's letter first: nn "
                      "(C = A B), nt (C = A B^T, B stored N x K: a Linear layer), tn (A^T B, A "
                      "stored K x M), tt; comma-separated for several (default nn; fp8 and int8 "
                      "on a GPU that takes them in nt only: nt)")
          ->capture_default_str();
  cmd->add_option("--batch", o.batch,
                  "Products per case, one strided batched GEMM (GFLOPS over the whole batch)")
      ->capture_default_str();
}

// Where to multiply: --backends, --threads, --blas-lib, --device, --concurrent.
void add_where_options(CLI::App* cmd, MatmulOptions& o, GivenOptions& given) {
  given.backends =
      cmd->add_option(
             "--backends", o.backends,
             fmt::format("Comma-separated backends or groups (all, default, cpu, gpu, kernels, {}, "
                         "...); cpu: every CPU library found",
                         fmt::join(library_backends(), ", ")))
          ->capture_default_str();
  add_threads_option(cmd, o.threads, "CPU threads of each CPU library (default: all cores)");
  add_blas_lib_option(cmd);
  given.device = cmd->add_option("--device", o.device,
                                 "GPUs: an ordinal (0), a list (0,1) or all (under mpirun, "
                                 "default: the local rank's GPU)")
                     ->capture_default_str();
  cmd->add_flag("--concurrent", o.concurrent,
                "With several GPUs: all at once (a host thread and stream each), not in turn");
}

// How long and how carefully: timing, seed, verification, and what is said while it runs.
void add_run_options(CLI::App* cmd, MatmulOptions& o, GivenOptions& given) {
  add_positive_option(cmd, "--min-time", o.min_time, "Seconds of timed work per case, at least");
  given.max_time_per_case =
      add_positive_option(cmd, "--max-time-per-case", o.max_time_per_case,
                          "Stop repeating a case after this many seconds (at least --min-time; "
                          "default 10, or twice --min-time when that is more)");
  add_whole_option(cmd, "--warmup", o.warmup, "Untimed runs before timing", 0, kMaxWarmup);
  add_whole_option(cmd, "--seed", o.seed, "Seed of the random inputs (recorded in the JSON)", 0,
                   std::numeric_limits<std::uint64_t>::max());
  cmd->add_flag("--verify,!--no-verify", o.verify, "Check every result against fp64 (default on)");
  cmd->add_flag("--quiet,-q", o.quiet, "Nothing on stderr");
  cmd->add_option("--progress", o.progress, kProgressHelp)
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--require-gpu", o.require_gpu, "Exit 3 when no GPU can be used");
}

// What a case measures: the cache policy, the GPU clocks, the end-to-end copies.
void add_measurement_options(CLI::App* cmd, const std::shared_ptr<MatmulOptions>& o) {
  auto* cache = cmd->add_option("--cache", o->cache,
                                "warm: operands stay cached between timed runs (a loop reusing "
                                "them); cold: evicted before each (the GPU's L2, the CPU's L3)")
                    ->check(CLI::IsMember({"warm", "cold"}))
                    ->capture_default_str();
  cmd->add_flag_callback(
         "--flush-l2", [o] { o->cache = "cold"; }, "The same as --cache cold")
      ->excludes(cache);
  cmd->add_option("--clocks", o->clocks,
                  "GPU rates: burst (boost clock: 50 warm-up runs, mean of the next 100, as "
                  "published tables), sustained (after the clock settles under the power cap) or "
                  "both")
      ->check(CLI::IsMember({"burst", "sustained", "both"}))
      ->capture_default_str();
  cmd->add_flag("--transfers,!--no-transfers", o->transfers,
                "GPU: also time host->device copies + multiply + device->host copy (default on)");
  cmd->add_option("--host-memory", o->host_memory,
                  "GPU end-to-end: host buffers 'pinned' or 'pageable'")
      ->capture_default_str();
}

// --price-cpu/--price-gpu or --price-preset [--price-file], for GFLOP per dollar.
void add_price_options(CLI::App* cmd, const std::shared_ptr<MatmulOptions>& o) {
  auto* price_cpu =
      cmd->add_option("--price-cpu", "$/hour of the CPU machine, for GFLOP per dollar")
          ->each([o](const std::string& v) {
            o->price.cpu_usd_per_hour = parse_positive_number("--price-cpu", v);
          });
  auto* price_gpu =
      cmd->add_option("--price-gpu", "$/hour of the GPU machine, for GFLOP per dollar")
          ->each([o](const std::string& v) {
            o->price.gpu_usd_per_hour = parse_positive_number("--price-gpu", v);
          });
  // The preset and the explicit prices are alternatives (README): both at once is a usage error
  // rather than a silent override, and a price file only means something with a preset.
  auto* preset = cmd->add_option("--price-preset", o->price.preset,
                                 "Both prices from a preset in the price file (e.g. h100-cloud)")
                     ->excludes(price_cpu)
                     ->excludes(price_gpu);
  cmd->add_option("--price-file", o->price.file,
                  "Price presets (JSON; default $GPUBENCH_PRICE_FILE or bench/prices.json)")
      ->needs(preset);
}

}  // namespace

void add_matmul_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto o = std::make_shared<MatmulOptions>();
  CLI::App* cmd = app.add_subcommand("matmul", "Time C = A*B on the CPU and the GPU, and compare");
  GivenOptions given;
  add_shape_options(cmd, *o, given);
  add_where_options(cmd, *o, given);
  add_run_options(cmd, *o, given);
  add_measurement_options(cmd, o);
  add_price_options(cmd, o);
  add_results_options(cmd, o->results);
  cmd->callback([&action, o, command_line, given] {
    const bool backends_given = given.backends->count() > 0;
    o->layout_given = given.layout->count() > 0;
    settle_time_cap(*o, given.max_time_per_case->count() > 0);
    o->device_given = given.device->count() > 0;
    if (!o->quiet) warn_about_threads(o->threads);
    action = [o, command_line, backends_given] {
      return run_matmul_command(*o, command_line, backends_given);
    };
  });
}

}  // namespace gpubench
