// `gpubench bandwidth`: host STREAM copy/triad, host<->device and device-to-device copies.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/measure/bandwidth.hpp"
#include "gpubench/measure/session.hpp"
#include "gpubench/output/atomic_file.hpp"
#include "gpubench/output/formats.hpp"
#include "gpubench/output/output_files.hpp"
#include "gpubench/output/report.hpp"
#include "number_options.hpp"
#include "progress.hpp"

namespace gpubench {

namespace {

constexpr std::uint64_t kMaxMib = std::uint64_t(1) << 20;  // 1 TiB per array

struct BandwidthCommandOptions {
  int threads = 0;
  std::string device = "0";  // --device: "N", "N,M,..." or "all"
  double min_time = 0.2;
  std::size_t host_mib = 0;
  std::size_t transfer_mib = 256;
  std::size_t device_copy_mib = 1024;
  bool host = true, gpu = true;
  std::string format = "table";
  std::vector<std::string> outputs;
  std::string progress = "auto";  // --progress (see progress.hpp)
};

// Whether any test ran (ok, or measured and wrong): see save_reaches.
bool measured_anything(const Results& r) {
  return std::any_of(r.bandwidth.begin(), r.bandwidth.end(), [](const BandwidthRecord& b) {
    return b.status == Status::ok || b.status == Status::failed;
  });
}

// Every --output file is rewritten after each test: an interrupted run keeps what it measured.
class SaveEachTest : public SessionObserver {
 public:
  explicit SaveEachTest(OutputFileSet& outputs) : outputs_(outputs) {}
  void bandwidth_finished(const BandwidthRecord&, const Results& so_far) override {
    Results partial = so_far;  // incomplete until the final save
    partial.complete = false;
    save(partial, false);
  }
  void save(const Results& r, bool final_save = true) {
    const bool measured = measured_anything(r);
    for (const OutputTarget& t : outputs_.targets()) {
      if (!save_reaches(t, final_save, measured)) continue;
      std::ostringstream text;
      render_bandwidth(t.format, text, r);
      outputs_.write(t, text.str());  // a failure is a warning; the exit code comes at the end
    }
  }

 private:
  OutputFileSet& outputs_;
};

int run_bandwidth(const BandwidthCommandOptions& c, const std::string& command_line) {
  // Bad formats and unwritable --output files: exit 2 before anything is measured.
  const Format stdout_format = parse_format(ResultKind::bandwidth, c.format);
  std::vector<OutputTarget> outputs = parse_output_targets(c.outputs, ResultKind::bandwidth);
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
  OutputFileSet files(std::move(outputs), std::cerr);
  SaveEachTest saving(files);
  ProgressReporter progress(
      progress_style(parse_progress_mode(c.progress), false, isatty(STDERR_FILENO)), std::cerr);
  session.add_observer(progress);
  session.add_observer(saving);
  session.run_bandwidth(plan);

  const Results& r = session.results();
  render_bandwidth(stdout_format, std::cout, r);
  saving.save(r);
  if (session.interrupted()) return session.interrupt_exit_code();  // 130 or 143
  if (const int code = files.exit_code()) return code;  // an -o that could not be written: 3
  for (const BandwidthRecord& b : r.bandwidth)
    if (b.status == Status::failed) return kExitCheckFailed;
  // Nothing measured (every test skipped: no memory, no GPU with --no-host): as matmul, not a
  // success.
  if (!measured_anything(r)) {
    std::cerr << "gpubench: no test could be measured: every one was skipped (see the table)\n";
    return kExitEnvironment;
  }
  return kExitOk;
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
                      "Seconds of timed repetitions per test, at least");
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
  cmd->add_option("--format", o->format, format_help(ResultKind::bandwidth))
      ->capture_default_str();
  cmd->add_option("--output,-o", o->outputs, output_help(ResultKind::bandwidth));
  cmd->callback([&action, o, command_line] {
    warn_about_threads(o->threads);
    action = [o, command_line] { return run_bandwidth(*o, command_line); };
  });
}

}  // namespace gpubench
