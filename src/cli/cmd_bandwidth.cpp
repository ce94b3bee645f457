// `gpubench bandwidth`: host STREAM copy/triad, host<->device and device-to-device copies.
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpubench/measure/bandwidth.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/measure/session.hpp"
#include "gpubench/output/atomic_file.hpp"
#include "gpubench/output/output_files.hpp"
#include "gpubench/output/report.hpp"

namespace gpubench {

namespace {

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
};

enum class BandwidthFormat { table, markdown, csv, json };

BandwidthFormat format_of(const std::string& name, const std::string& what) {
  if (name == "table" || name == "txt") return BandwidthFormat::table;
  if (name == "markdown" || name == "md") return BandwidthFormat::markdown;
  if (name == "csv") return BandwidthFormat::csv;
  if (name == "json") return BandwidthFormat::json;
  throw UsageError(fmt::format("{}: unknown format '{}' (table, markdown, csv, json)", what, name));
}

void render_bandwidth(BandwidthFormat f, std::ostream& os, const Results& r) {
  switch (f) {
    case BandwidthFormat::table: write_bandwidth_table(os, r); break;
    case BandwidthFormat::markdown: write_bandwidth_markdown(os, r); break;
    case BandwidthFormat::csv: write_bandwidth_csv(os, r); break;
    case BandwidthFormat::json: write_json(os, r); break;
  }
}

// "bw.json", "bw.csv", "bw.md", "bw.txt" or "PATH:FORMAT".
std::pair<std::string, BandwidthFormat> output_of(const std::string& spec) {
  if (auto colon = spec.rfind(':'); colon != std::string::npos && colon + 1 < spec.size())
    return {spec.substr(0, colon), format_of(spec.substr(colon + 1), "--output " + spec)};
  const auto dot = spec.rfind('.');
  if (dot == std::string::npos)
    throw UsageError(fmt::format("--output {}: name a format with an extension (.json .csv .md "
                                 ".txt) or PATH:FORMAT",
                                 spec));
  return {spec, format_of(spec.substr(dot + 1), "--output " + spec)};
}

// Every --output file is rewritten after each test: an interrupted run keeps what it measured.
class SaveEachTest : public SessionObserver {
 public:
  explicit SaveEachTest(const std::vector<std::pair<std::string, BandwidthFormat>>& outputs)
      : outputs_(outputs) {}
  void bandwidth_finished(const BandwidthRecord&, const Results& so_far) override {
    save(so_far);
  }
  void save(const Results& r) const {
    for (const auto& [path, format] : outputs_) {
      std::ostringstream text;
      render_bandwidth(format, text, r);
      write_file_atomically(path, text.str());
    }
  }

 private:
  const std::vector<std::pair<std::string, BandwidthFormat>>& outputs_;
};

int run_bandwidth(const BandwidthCommandOptions& c, const std::string& command_line) {
  // Bad formats and unwritable --output files: exit 2 before anything is measured.
  const BandwidthFormat stdout_format = format_of(c.format, "--format");
  std::vector<std::pair<std::string, BandwidthFormat>> outputs;
  for (const auto& spec : c.outputs) {
    outputs.push_back(output_of(spec));
    check_writable(OutputTarget{outputs.back().first});
  }
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
  SaveEachTest saving(outputs);
  session.add_observer(saving);
  session.run_bandwidth(plan);

  const Results& r = session.results();
  render_bandwidth(stdout_format, std::cout, r);
  saving.save(r);
  if (session.interrupted()) return session.interrupt_exit_code();  // 130 or 143
  for (const BandwidthRecord& b : r.bandwidth)
    if (b.status == Status::failed) return kExitCheckFailed;
  return kExitOk;
}

}  // namespace

void add_bandwidth_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto o = std::make_shared<BandwidthCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "bandwidth", "Memory bandwidth: host STREAM copy/triad, host<->device, device-to-device");
  cmd->add_option("--threads", o->threads, "Host threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--device", o->device, "GPU ordinal(s): N, N,M,... or all, one after another")
      ->capture_default_str();
  cmd->add_option("--min-time", o->min_time, "Seconds of timed repetitions per test, at least")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--host-mib", o->host_mib,
                  "MiB per STREAM array (default: 4x the last-level cache, 64..1024)")
      ->check(CLI::Range(std::size_t(1), std::size_t(1) << 20));
  cmd->add_option("--transfer-mib", o->transfer_mib, "MiB per host<->device copy")
      ->check(CLI::Range(std::size_t(1), std::size_t(1) << 20))->capture_default_str();
  cmd->add_option("--device-copy-mib", o->device_copy_mib, "MiB per device-to-device copy")
      ->check(CLI::Range(std::size_t(1), std::size_t(1) << 20))->capture_default_str();
  cmd->add_flag("--host,!--no-host", o->host, "Measure host memory (default on)");
  cmd->add_flag("--gpu,!--no-gpu", o->gpu, "Measure GPU copies (default on)");
  cmd->add_option("--format", o->format, "stdout: table, markdown, csv or json")
      ->capture_default_str();
  cmd->add_option("--output,-o", o->outputs,
                  "Also write FILE (.json .csv .md .txt, or FILE:FORMAT); repeatable");
  cmd->callback([&action, o, command_line] {
    action = [o, command_line] { return run_bandwidth(*o, command_line); };
  });
}

}  // namespace gpubench
