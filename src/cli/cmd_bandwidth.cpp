// `gpubench bandwidth`: host STREAM copy/triad, host<->device and device-to-device copies.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/measure/bandwidth.hpp"
#include "gpubench/measure/session.hpp"
#include "gpubench/core/outcome.hpp"
#include "gpubench/output/results_sink.hpp"
#include "number_options.hpp"
#include "progress.hpp"
#include "save_results.hpp"

namespace gpubench {

namespace {

constexpr std::uint64_t kMaxMib = std::uint64_t(1) << 20;  // 1 TiB per array
// An hour of repetitions per test is surely a typo (a STREAM figure settles within seconds).
constexpr double kMaxMinTimeSeconds = 3600;

struct BandwidthCommandOptions {
  int threads = 0;
  std::string device = "0";  // --device: "N", "N,M,..." or "all"
  double min_time = 0.2;
  std::size_t host_mib = 0;
  std::size_t transfer_mib = 256;
  std::size_t device_copy_mib = 1024;
  bool host = true, gpu = true;
  ResultsOptions results;  // --format, --output
  std::string progress = "auto";  // --progress (see progress.hpp)
};

int run_bandwidth(const BandwidthCommandOptions& c, const std::string& command_line) {
  // Bad formats and unwritable --output files: exit 2 before anything is measured.
  const ResultsSink sink(ResultKind::bandwidth, c.results);
  if (!c.host && !c.gpu) throw UsageError("--no-host and --no-gpu together leave nothing to do");

  BandwidthPlan plan;
  plan.measure.min_time = c.min_time;
  plan.measure.host_array_bytes = c.host_mib << 20;
  plan.measure.transfer_bytes = c.transfer_mib << 20;
  plan.measure.device_copy_bytes = c.device_copy_mib << 20;
  plan.device = c.device;
  plan.host = c.host;
  plan.gpu = c.gpu;

  SessionOptions so;
  so.command_line = command_line;
  so.threads = c.threads;
  Session session(std::move(so));
  SaveAsResultsArrive saving(sink);
  ProgressReporter progress(
      progress_style(parse_progress_mode(c.progress), false, isatty(STDERR_FILENO)), std::cerr);
  session.add_observer(progress);
  session.add_observer(saving);
  session.run_bandwidth(plan);

  std::string why;
  const int code = results_exit_code(session.results(), why);
  if (!why.empty() && !session.interrupted()) std::cerr << "gpubench: " << why << "\n";
  return sink.finish(std::cout, session.results(), session.interrupt_exit_code(), code);
}

}  // namespace

void add_bandwidth_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto o = std::make_shared<BandwidthCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "bandwidth", "Memory bandwidth: host STREAM copy/triad, host<->device, device-to-device");
  add_threads_option(cmd, o->threads, "Host threads (default: all cores)");
  cmd->add_option("--device", o->device, "GPU ordinal(s): N, N,M,... or all, one after another")
      ->capture_default_str();
  add_positive_option(cmd, "--min-time", o->min_time,
                      "Seconds of timed repetitions per test, at least", kMaxMinTimeSeconds);
  add_whole_option(cmd, "--host-mib", o->host_mib,
                   "MiB per STREAM array (default: 4x the last-level cache, 64..1024)", 1, kMaxMib)
      ->default_str("");
  add_whole_option(cmd, "--transfer-mib", o->transfer_mib, "MiB per host<->device copy", 1,
                   kMaxMib);
  add_whole_option(cmd, "--device-copy-mib", o->device_copy_mib, "MiB per device-to-device copy",
                   1, kMaxMib);
  cmd->add_flag("--host,!--no-host", o->host, "Measure host memory (default on)");
  cmd->add_flag("--gpu,!--no-gpu", o->gpu, "Measure GPU copies (default on)");
  cmd->add_option("--progress", o->progress, kProgressHelp)
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("--format", o->results.format, format_help(ResultKind::bandwidth))
      ->capture_default_str();
  cmd->add_option("--output,-o", o->results.outputs, output_help(ResultKind::bandwidth));
  cmd->callback([&action, o, command_line] {
    warn_about_threads(o->threads);
    action = [o, command_line] { return run_bandwidth(*o, command_line); };
  });
}

}  // namespace gpubench
