// `gpubench peak`: binds the options to a Session's peak search, shows its progress, saves the
// results document as it goes, prints the best shape, the top 10 and the summary.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <limits>

#include "commands.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/measure/peak_search.hpp"
#include "gpubench/measure/session.hpp"
#include "gpubench/core/outcome.hpp"
#include "gpubench/output/results_sink.hpp"
#include "number_options.hpp"
#include "save_results.hpp"

namespace gpubench {

namespace {

using Clock = std::chrono::steady_clock;

// A week: a bound no sensible search reaches, and one that keeps the deadline arithmetic exact.
constexpr double kMaxBudgetSeconds = 7 * 24 * 3600.0;

struct PeakCommandOptions {
  Clock::time_point started = Clock::now();
  std::string dtypes = "fp32";
  std::string layout = "nn";
  bool layout_given = false;  // otherwise fp8 and int8 search in the one layout the GPU takes
  std::string backends;  // empty: the GPU vendor library with a GPU, else the CPU library
  std::string device = "0";
  int threads = 0;
  GridRange m = kDefaultPeakRange, n = kDefaultPeakRange, k = kDefaultPeakRange;
  double budget = 60;
  int remeasure = 3;
  double min_time = 0.3;  // of each re-measured shape
  std::uint64_t seed = 42;
  ResultsOptions results;  // --format, --output
  bool quiet = false;
};

// The progress of the search on stderr: one line per shape (rewritten in place on a terminal).
class PeakProgress : public SessionObserver {
 public:
  PeakProgress(const PeakCommandOptions& o, bool show, bool terminal)
      : o_(o), show_(show), terminal_(terminal) {}

  void search_started(const PeakSearch& s) override {
    line(fmt::format("peak: {} {}: searching {} shapes", s.backend, to_string(s.dtype),
                     s.grid_shapes));
  }
  void point_measured(const PeakSearch& s, const Results&) override {
    const PeakPoint& p = s.points.back();
    double best = 0;
    Shape at;
    for (const PeakPoint& q : s.points)
      if (q.status == Status::ok && q.gflops > best) best = q.gflops, at = q.shape;
    const std::string now = p.status == Status::ok
                                ? fmt::format("{} GFLOPS", format_gflops(p.gflops))
                                : status_name(p.status);
    line(fmt::format("peak: {} {} [{}] {} {}: {} | best {} GFLOPS at {} | {} left", s.backend,
                     to_string(s.dtype), s.points.size(), p.phase, p.shape.label(), now,
                     format_gflops(best), best > 0 ? at.label() : "-", time_left()));
  }
  void remeasure_started(const PeakSearch& s, const Shape& shape) override {
    line(fmt::format("peak: {} {}: re-measuring {} with the full timing | {} left", s.backend,
                     to_string(s.dtype), shape.label(), time_left()));
  }
  void done() {
    if (show_ && terminal_ && drawn_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  std::string time_left() const {
    const double spent = std::chrono::duration<double>(Clock::now() - o_.started).count();
    return format_seconds(std::max(0.001, o_.budget - spent));
  }
  void line(const std::string& text) {
    if (!show_) return;
    if (terminal_) {
      std::cerr << "\r\033[K" << text << std::flush;
      drawn_ = true;
    } else {
      std::cerr << text << "\n";
    }
  }
  const PeakCommandOptions& o_;
  bool show_, terminal_, drawn_ = false;
};

int run_peak_command(const PeakCommandOptions& o, const std::string& command_line) {
  // Bad --format and --output: exit 2 before anything is measured.
  const ResultsSink sink(ResultKind::peak, o.results);
  PeakOptions plan;
  plan.m = o.m;
  plan.n = o.n;
  plan.k = o.k;
  // The grid's errors before anything is measured.
  grid_values(plan.m, "--m-range");
  grid_values(plan.n, "--n-range");
  grid_values(plan.k, "--k-range");
  plan.dtypes = parse_dtype_list(o.dtypes);
  const auto layout = parse_layout(o.layout);
  if (!layout) throw UsageError(fmt::format("--layout '{}': expected nn, nt, tn or tt", o.layout));
  plan.layout = *layout;
  plan.layout_chosen = o.layout_given;
  if (!o.quiet) plan.note = [](const std::string& note) { std::cerr << "gpubench: note: " << note << "\n"; };
  plan.budget_seconds = o.budget;
  plan.started = o.started;
  plan.remeasure = o.remeasure;
  plan.search.seed = o.seed;
  plan.full.seed = o.seed;
  plan.full.min_time = o.min_time;

  SessionOptions so;
  so.command_line = command_line;
  so.threads = o.threads;
  so.sweep.device = o.device;
  so.sweep.device_given = true;
  if (!o.backends.empty()) so.sweep.backends = select_backends(backend_registry(), o.backends);
  Session session(std::move(so));
  PeakProgress progress(o, !o.quiet, isatty(STDERR_FILENO));
  SaveAsResultsArrive saving(sink);
  session.add_observer(progress);
  session.add_observer(saving);
  session.run_peak(plan);
  progress.done();

  std::string why;
  const int code = results_exit_code(session.results(), why);
  if (!why.empty() && !o.quiet && !session.interrupted()) std::cerr << "gpubench: " << why << "\n";
  return sink.finish(std::cout, session.results(), session.interrupt_exit_code(), code);
}

// --m-range START STOP STEP: three whole numbers, each checked like every numeric option.
CLI::Option* add_range_option(CLI::App* cmd, const std::string& name, GridRange& target,
                              const std::string& dim) {
  const std::string help =
      fmt::format("{}: START STOP STEP, STOP included; START 0 means STEP (as mamf-finder)", dim);
  return cmd->add_option(name, help)
      ->type_name("START STOP STEP")
      ->expected(3)
      ->each([&target, name, count = std::make_shared<int>(0)](const std::string& v) {
        const std::int64_t x = std::int64_t(parse_whole_number(
            name, v, 0, std::uint64_t(std::numeric_limits<std::int32_t>::max())));
        switch ((*count)++ % 3) {
          case 0:
            target.start = x;
            break;
          case 1:
            target.stop = x;
            break;
          default:
            target.step = x;
            break;
        }
      })
      ->default_str(fmt::format("{} {} {}", target.start, target.stop, target.step));
}

}  // namespace

void add_peak_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto o = std::make_shared<PeakCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "peak",
      "Search M, N, K for the maximum achievable matmul rate within a time budget. The grid "
      "(default 1024..16384 step 1024 each) is explored in order: the cubes at doubling sizes, "
      "then a compass search from the best (steps halving to one grid step), then the shapes "
      "around the best; each shape is timed briefly (1 warm-up run, then the burst window on a "
      "GPU, "
      ">= 3 samples and >= 20 ms on the CPU) and verified, shapes predicted not to fit the time "
      "left are passed over, and the best few are "
      "re-measured with the full timing. Ctrl-C prints and saves the best so far");
  cmd->add_option("--dtype", o->dtypes, "Comma-separated, one search each: " + dtype_grammar())
      ->capture_default_str();
  cmd->add_option("--layout", o->layout,
                  "Which operands every shape stores transposed: nn, nt (B stored N x K: what "
                  "fp8 and int8 need before Blackwell, and take there unless told), tn or tt")
      ->capture_default_str();
  cmd->add_option("--backends", o->backends,
                  fmt::format("Backends to search, one search each (default: {} with a GPU, else "
                              "the first CPU library found)",
                              gpu_runtime_record().blas_backend));
  cmd->add_option("--device", o->device, "The GPU ordinal to search on")->capture_default_str();
  add_threads_option(cmd, o->threads, "CPU threads (default: all cores)");
  add_blas_lib_option(cmd);
  add_range_option(cmd, "--m-range", o->m, "M (rows of A and C)");
  add_range_option(cmd, "--n-range", o->n, "N (columns of B and C)");
  add_range_option(cmd, "--k-range", o->k, "K (the inner dimension)");
  cmd->add_option("--budget",
                  "Seconds the whole command may take (default 60), searching and "
                  "re-measuring; the time is shared equally between searches")
      ->each([o](const std::string& v) {
        o->budget = parse_positive_number("--budget", v);
        if (o->budget > kMaxBudgetSeconds)
          throw UsageError(fmt::format("--budget '{}': at most {:.0f} seconds (a week)",
                                       shown_input(v, 40), kMaxBudgetSeconds));
      });
  add_whole_option(cmd, "--remeasure", o->remeasure,
                   "The fastest shapes re-measured with the full timing", 1, 100);
  add_positive_option(cmd, "--min-time", o->min_time,
                      "Seconds of timed work for each re-measured shape, at least (default 0.3)");
  add_whole_option(cmd, "--seed", o->seed, "Seed of the random inputs (recorded in the JSON)", 0,
                   std::numeric_limits<std::uint64_t>::max());
  cmd->add_option("--format", o->results.format, format_help(ResultKind::peak))
      ->capture_default_str();
  cmd->add_option("--output,-o", o->results.outputs,
                  output_help(ResultKind::peak) +
                      "; the JSON holds the re-measured rows and the whole search. Rewritten as "
                      "the search goes (a pipe or device: once, at the end)");
  cmd->add_flag("--quiet,-q", o->quiet, "No progress on stderr");
  cmd->callback([&action, o, command_line, cmd] {
    if (!o->quiet) warn_about_threads(o->threads);
    o->layout_given = cmd->count("--layout") > 0;
    action = [o, command_line] { return run_peak_command(*o, command_line); };
  });
}

}  // namespace gpubench
